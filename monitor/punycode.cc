#include "monitor/punycode.h"

#include <cstdint>
#include <limits>
#include <vector>

#include "absl/status/status.h"

namespace caawatch::monitor {
namespace {

// RFC 3492 §5 parameter values for Punycode.
constexpr uint32_t kBase = 36;
constexpr uint32_t kTMin = 1;
constexpr uint32_t kTMax = 26;
constexpr uint32_t kSkew = 38;
constexpr uint32_t kDamp = 700;
constexpr uint32_t kInitialBias = 72;
constexpr uint32_t kInitialN = 128;

// Strict UTF-8 decoding (RFC 3629): a lenient decoder would give two spellings of one label.
absl::StatusOr<std::vector<uint32_t>> DecodeUtf8(absl::string_view in) {
  std::vector<uint32_t> out;
  for (size_t i = 0; i < in.size();) {
    const auto lead = static_cast<uint8_t>(in[i]);
    size_t len = 0;
    uint32_t cp = 0, min = 0;
    if (lead < 0x80) {
      len = 1, cp = lead;
    } else if ((lead & 0xE0) == 0xC0) {
      len = 2, cp = lead & 0x1F, min = 0x80;
    } else if ((lead & 0xF0) == 0xE0) {
      len = 3, cp = lead & 0x0F, min = 0x800;
    } else if ((lead & 0xF8) == 0xF0) {
      len = 4, cp = lead & 0x07, min = 0x10000;
    } else {
      return absl::InvalidArgumentError("not UTF-8: bad lead byte");
    }
    if (i + len > in.size()) return absl::InvalidArgumentError("not UTF-8: truncated sequence");
    for (size_t j = 1; j < len; ++j) {
      const auto cont = static_cast<uint8_t>(in[i + j]);
      if ((cont & 0xC0) != 0x80) return absl::InvalidArgumentError("not UTF-8: bad continuation");
      cp = (cp << 6) | (cont & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return absl::InvalidArgumentError("not UTF-8: overlong form, surrogate or out of range");
    }
    out.push_back(cp);
    i += len;
  }
  return out;
}

char EncodeDigit(uint32_t d) { return static_cast<char>(d < 26 ? 'a' + d : '0' + (d - 26)); }

// RFC 3492 §6.1.
uint32_t Adapt(uint32_t delta, uint32_t num_points, bool first_time) {
  delta = first_time ? delta / kDamp : delta / 2;
  delta += delta / num_points;
  uint32_t k = 0;
  while (delta > ((kBase - kTMin) * kTMax) / 2) {
    delta /= kBase - kTMin;
    k += kBase;
  }
  return k + (kBase - kTMin + 1) * delta / (delta + kSkew);
}

}  // namespace

absl::StatusOr<std::string> PunycodeEncode(absl::string_view utf8) {
  absl::StatusOr<std::vector<uint32_t>> decoded = DecodeUtf8(utf8);
  if (!decoded.ok()) return decoded.status();
  const std::vector<uint32_t>& input = *decoded;
  constexpr uint32_t kMax = std::numeric_limits<uint32_t>::max();

  std::string out;
  for (uint32_t c : input) {
    if (c < 0x80) out.push_back(static_cast<char>(c));
  }
  const auto basic = static_cast<uint32_t>(out.size());
  if (basic > 0) out.push_back('-');

  // RFC 3492 §6.3, with its overflow checks.
  uint32_t n = kInitialN, delta = 0, bias = kInitialBias;
  for (uint32_t h = basic; h < input.size();) {
    uint32_t m = kMax;
    for (uint32_t c : input) {
      if (c >= n && c < m) m = c;
    }
    if (m - n > (kMax - delta) / (h + 1)) return absl::InvalidArgumentError("punycode overflow");
    delta += (m - n) * (h + 1);
    n = m;
    for (uint32_t c : input) {
      if (c < n && ++delta == 0) return absl::InvalidArgumentError("punycode overflow");
      if (c != n) continue;
      uint32_t q = delta;
      for (uint32_t k = kBase;; k += kBase) {
        const uint32_t t = k <= bias ? kTMin : (k >= bias + kTMax ? kTMax : k - bias);
        if (q < t) break;
        out.push_back(EncodeDigit(t + (q - t) % (kBase - t)));
        q = (q - t) / (kBase - t);
      }
      out.push_back(EncodeDigit(q));
      bias = Adapt(delta, h + 1, h == basic);
      delta = 0;
      ++h;
    }
    ++delta;
    ++n;
  }
  return out;
}

}  // namespace caawatch::monitor
