#include "judge/zone_rdata.h"

#include "absl/strings/ascii.h"

namespace caawatch::judge {
namespace {

constexpr uint16_t kSoa = 6;

// Reads the wire name at `*pos`, advancing past it; false if malformed.
bool ReadName(const std::vector<uint8_t>& rdata, size_t* pos, std::string* text) {
  text->clear();
  for (int labels = 0; labels < 128; ++labels) {
    if (*pos >= rdata.size()) return false;
    const uint8_t len = rdata[*pos];
    ++*pos;
    if (len == 0) return true;
    if (len > 63 || rdata.size() - *pos < len) return false;  // 0xC0: no compression here.
    if (!text->empty()) text->push_back('.');
    for (size_t i = 0; i < len; ++i) {
      const char c = static_cast<char>(rdata[*pos + i]);
      if (c == '.' || c <= ' ' || c > '~') return false;
      text->push_back(absl::ascii_tolower(c));
    }
    *pos += len;
  }
  return false;
}

uint32_t ReadU32(const std::vector<uint8_t>& b, size_t pos) {
  return (uint32_t{b[pos]} << 24) | (uint32_t{b[pos + 1]} << 16) | (uint32_t{b[pos + 2]} << 8) |
         uint32_t{b[pos + 3]};
}

}  // namespace

std::optional<std::string> WireNameText(const std::vector<uint8_t>& rdata) {
  size_t pos = 0;
  std::string text;
  if (!ReadName(rdata, &pos, &text) || pos != rdata.size()) return std::nullopt;
  return text;
}

std::optional<SoaTimers> ParseSoaTimers(const caa::ZoneSnapshot& snapshot) {
  if (snapshot.records.empty() || snapshot.records.front().type != kSoa) return std::nullopt;
  const std::vector<uint8_t>& rdata = snapshot.records.front().rdata;
  size_t pos = 0;
  std::string ignored;
  if (!ReadName(rdata, &pos, &ignored) || !ReadName(rdata, &pos, &ignored)) return std::nullopt;
  if (rdata.size() - pos < 20) return std::nullopt;  // Serial, refresh, retry, expire, minimum.
  return SoaTimers{absl::Seconds(ReadU32(rdata, pos + 4)), absl::Seconds(ReadU32(rdata, pos + 8)),
                   absl::Seconds(ReadU32(rdata, pos + 12))};
}

}  // namespace caawatch::judge
