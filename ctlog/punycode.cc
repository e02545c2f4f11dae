#include "ctlog/punycode.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace caawatch::ctlog {
namespace {

// RFC 3492 §5 parameters.
constexpr uint32_t kBase = 36, kTMin = 1, kTMax = 26, kSkew = 38, kDamp = 700;
constexpr uint32_t kInitialBias = 72, kInitialN = 128;

bool DecodeUtf8(absl::string_view in, std::vector<uint32_t>* out) {
  for (size_t i = 0; i < in.size();) {
    const uint8_t b = static_cast<uint8_t>(in[i]);
    const int extra = b < 0x80             ? 0
                      : (b & 0xe0) == 0xc0 ? 1
                      : (b & 0xf0) == 0xe0 ? 2
                      : (b & 0xf8) == 0xf0 ? 3
                                           : -1;
    if (extra < 0 || i + static_cast<size_t>(extra) >= in.size()) return false;
    uint32_t cp = extra == 0 ? b : b & (0x3f >> extra);
    for (int k = 1; k <= extra; ++k) {
      const uint8_t c = static_cast<uint8_t>(in[i + k]);
      if ((c & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (c & 0x3f);
    }
    static constexpr uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMin[extra] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    out->push_back(cp);
    i += extra + 1;
  }
  return true;
}

char Digit(uint32_t d) { return static_cast<char>(d < 26 ? 'a' + d : '0' + (d - 26)); }

uint32_t Adapt(uint32_t delta, uint32_t points, bool first) {
  delta = first ? delta / kDamp : delta / 2;
  delta += delta / points;
  uint32_t k = 0;
  while (delta > ((kBase - kTMin) * kTMax) / 2) {
    delta /= kBase - kTMin;
    k += kBase;
  }
  return k + (kBase - kTMin + 1) * delta / (delta + kSkew);
}

// RFC 3492 §6.3, for one label's code points. Overflow cannot happen for DNS-sized labels, but
// is checked anyway.
std::optional<std::string> Encode(const std::vector<uint32_t>& input) {
  std::string out;
  for (uint32_t c : input) {
    if (c < 0x80) out.push_back(static_cast<char>(c));
  }
  const uint32_t basic = static_cast<uint32_t>(out.size());
  if (basic > 0) out.push_back('-');
  uint32_t n = kInitialN, delta = 0, bias = kInitialBias, handled = basic;
  while (handled < input.size()) {
    uint32_t m = UINT32_MAX;
    for (uint32_t c : input) {
      if (c >= n && c < m) m = c;
    }
    if (m - n > (UINT32_MAX - delta) / (handled + 1)) return std::nullopt;
    delta += (m - n) * (handled + 1);
    n = m;
    for (uint32_t c : input) {
      if (c < n && ++delta == 0) return std::nullopt;
      if (c != n) continue;
      uint32_t q = delta;
      for (uint32_t k = kBase;; k += kBase) {
        const uint32_t t = k <= bias ? kTMin : k >= bias + kTMax ? kTMax : k - bias;
        if (q < t) break;
        out.push_back(Digit(t + (q - t) % (kBase - t)));
        q = (q - t) / (kBase - t);
      }
      out.push_back(Digit(q));
      bias = Adapt(delta, handled + 1, handled == basic);
      delta = 0;
      ++handled;
    }
    ++delta;
    ++n;
  }
  return out;
}

}  // namespace

std::optional<std::string> ToALabels(absl::string_view host) {
  std::vector<std::string> labels;
  for (absl::string_view label : absl::StrSplit(host, '.')) {
    std::vector<uint32_t> code_points;
    if (!DecodeUtf8(label, &code_points)) return std::nullopt;
    bool ascii = true;
    for (uint32_t c : code_points) {
      if (c >= 0x80) {
        ascii = false;
      } else if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' &&
                 c != '*') {
        return std::nullopt;
      }
    }
    if (ascii) {
      labels.emplace_back(label);
      continue;
    }
    std::optional<std::string> encoded = Encode(code_points);
    if (!encoded.has_value()) return std::nullopt;
    labels.push_back("xn--" + *encoded);
  }
  return absl::StrJoin(labels, ".");
}

}  // namespace caawatch::ctlog
