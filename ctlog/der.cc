#include "ctlog/der.h"

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace caawatch::ctlog {
namespace {

// Tag numbers are capped at 28 bits (four base-128 octets): no X.509 field comes close, and
// the cap keeps the arithmetic in range.
constexpr int kMaxTagOctets = 4;
constexpr int kMaxLengthOctets = 4;

// Parses one header from the front of `in`; on success `*header_size` and `*length` are set.
bool ParseHeader(absl::Span<const uint8_t> in, DerTag* tag, size_t* header_size, size_t* length,
                 bool* non_minimal) {
  size_t pos = 0;
  if (in.empty()) return false;
  const uint8_t first = in[pos++];
  tag->cls = static_cast<DerClass>(first >> 6);
  tag->constructed = (first & 0x20) != 0;
  tag->number = first & 0x1f;
  if (tag->number == 0x1f) {  // High-tag-number form (X.690 §8.1.2.4).
    uint32_t number = 0;
    for (int i = 0;; ++i) {
      if (i == kMaxTagOctets || pos >= in.size()) return false;
      const uint8_t b = in[pos++];
      if (i == 0 && b == 0x80) return false;  // Leading zero septet: not minimal.
      number = (number << 7) | (b & 0x7f);
      if ((b & 0x80) == 0) break;
    }
    if (number < 0x1f) return false;  // Must have used the short form.
    tag->number = number;
  }
  if (pos >= in.size()) return false;
  const uint8_t l = in[pos++];
  *non_minimal = false;
  if (l < 0x80) {
    *length = l;
  } else {
    const int n = l & 0x7f;
    if (n == 0 || n > kMaxLengthOctets) return false;  // 0x80 = indefinite (BER); 0xFF reserved.
    if (in.size() - pos < static_cast<size_t>(n)) return false;
    uint64_t value = 0;
    for (int i = 0; i < n; ++i) value = (value << 8) | in[pos++];
    *non_minimal = in[pos - n] == 0 || value < 0x80;
    *length = static_cast<size_t>(value);
  }
  if (in.size() - pos < *length) return false;
  *header_size = pos;
  return true;
}

// Big-endian code units of `width` octets (2: UCS-2, 4: UCS-4) to UTF-8.
absl::StatusOr<std::string> WideToUtf8(absl::Span<const uint8_t> in, size_t width) {
  if (in.size() % width != 0) return absl::DataLossError("DER string: truncated code unit");
  std::string out;
  for (size_t i = 0; i < in.size(); i += width) {
    uint32_t cp = 0;
    for (size_t j = 0; j < width; ++j) cp = (cp << 8) | in[i + j];
    AppendUtf8(cp, &out);
  }
  return out;
}

bool Digits(absl::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

}  // namespace

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) cp = 0xfffd;
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xc0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xe0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else {
    out->push_back(static_cast<char>(0xf0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3f)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  }
}

bool DerReader::Read(DerElement* out) {
  if (!ok_ || rest_.empty()) return Fail();
  size_t header_size = 0, length = 0;
  if (!ParseHeader(rest_, &out->tag, &header_size, &length, &out->non_minimal_length)) {
    return Fail();
  }
  out->whole = rest_.subspan(0, header_size + length);
  out->contents = rest_.subspan(header_size, length);
  rest_.remove_prefix(header_size + length);
  return true;
}

bool DerReader::ReadExpected(DerTag tag, DerElement* out) {
  return Read(out) && (out->tag == tag || Fail());
}

bool DerReader::ReadOptional(DerTag tag, DerElement* out, bool* present) {
  *present = false;
  if (!ok_) return false;
  if (rest_.empty()) return true;
  DerTag next;
  if (!PeekTag(&next)) return Fail();
  if (!(next == tag)) return true;
  *present = true;
  return Read(out);
}

bool DerReader::PeekTag(DerTag* out) const {
  if (!ok_) return false;
  DerReader copy = *this;
  DerElement element;
  if (!copy.Read(&element)) return false;
  *out = element.tag;
  return true;
}

absl::StatusOr<DerElement> ParseDerElement(absl::Span<const uint8_t> input) {
  DerReader reader(input);
  DerElement element;
  if (!reader.Read(&element)) return absl::DataLossError("DER: malformed element");
  if (!reader.empty()) return absl::DataLossError("DER: trailing data after element");
  return element;
}

void AppendDerHeader(DerTag tag, size_t length, std::vector<uint8_t>* out) {
  const uint8_t lead =
      static_cast<uint8_t>((static_cast<uint8_t>(tag.cls) << 6) | (tag.constructed ? 0x20 : 0));
  if (tag.number < 0x1f) {
    out->push_back(lead | static_cast<uint8_t>(tag.number));
  } else {
    out->push_back(lead | 0x1f);
    int shift = 28;
    while (shift > 0 && (tag.number >> shift) == 0) shift -= 7;
    for (; shift > 0; shift -= 7) out->push_back(0x80 | ((tag.number >> shift) & 0x7f));
    out->push_back(tag.number & 0x7f);
  }
  if (length < 0x80) {
    out->push_back(static_cast<uint8_t>(length));
    return;
  }
  int n = 0;
  for (size_t l = length; l != 0; l >>= 8) ++n;
  out->push_back(static_cast<uint8_t>(0x80 | n));
  for (int i = n - 1; i >= 0; --i) out->push_back(static_cast<uint8_t>(length >> (8 * i)));
}

absl::StatusOr<std::string> OidToString(absl::Span<const uint8_t> contents) {
  if (contents.empty()) return absl::DataLossError("OID: empty");
  std::string out;
  uint64_t arc = 0;
  bool first = true, arc_start = true;
  for (size_t i = 0; i < contents.size(); ++i) {
    const uint8_t b = contents[i];
    if (arc_start && b == 0x80) return absl::DataLossError("OID: non-minimal arc");
    if (arc > (UINT64_MAX >> 7)) return absl::DataLossError("OID: arc too large");
    arc = (arc << 7) | (b & 0x7f);
    arc_start = (b & 0x80) == 0;
    if (!arc_start) continue;
    if (first) {
      const uint64_t top = arc < 80 ? arc / 40 : 2;
      absl::StrAppend(&out, top, ".", arc - 40 * top);
      first = false;
    } else {
      absl::StrAppend(&out, ".", arc);
    }
    arc = 0;
  }
  if (!arc_start) return absl::DataLossError("OID: truncated arc");
  return out;
}

std::optional<absl::string_view> DerStringView(const DerElement& element) {
  if (element.tag.cls != DerClass::kUniversal || element.tag.constructed) return std::nullopt;
  switch (element.tag.number) {
    case 12:  // UTF8String
    case 18:  // NumericString
    case 19:  // PrintableString
    case 22:  // IA5String
    case 26:  // VisibleString
      return absl::string_view(reinterpret_cast<const char*>(element.contents.data()),
                               element.contents.size());
    default:
      return std::nullopt;
  }
}

absl::StatusOr<std::string> DecodeDerString(const DerElement& element) {
  if (element.tag.cls != DerClass::kUniversal || element.tag.constructed) {
    return absl::DataLossError("DER string: not a primitive universal string");
  }
  if (std::optional<absl::string_view> text = DerStringView(element)) return std::string(*text);
  const absl::Span<const uint8_t> c = element.contents;
  switch (element.tag.number) {
    case 20: {  // TeletexString: in practice Latin-1.
      std::string out;
      for (uint8_t b : c) AppendUtf8(b, &out);
      return out;
    }
    case 30:  // BMPString
      return WideToUtf8(c, 2);
    case 28:  // UniversalString
      return WideToUtf8(c, 4);
    default:
      return absl::DataLossError(absl::StrCat("DER string: unsupported tag ", element.tag.number));
  }
}

absl::StatusOr<absl::Time> DecodeDerTime(const DerElement& element) {
  const absl::string_view s(reinterpret_cast<const char*>(element.contents.data()),
                            element.contents.size());
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  size_t pos = 0;
  if (element.tag == kDerUtcTime) {
    if (!Digits(s, 0, 2, &year)) return absl::DataLossError("UTCTime: bad year");
    year += year < 50 ? 2000 : 1900;  // RFC 5280 §4.1.2.5.1.
    pos = 2;
  } else if (element.tag == kDerGeneralizedTime) {
    if (!Digits(s, 0, 4, &year)) return absl::DataLossError("GeneralizedTime: bad year");
    pos = 4;
  } else {
    return absl::DataLossError("time: neither UTCTime nor GeneralizedTime");
  }
  if (!Digits(s, pos, 2, &month) || !Digits(s, pos + 2, 2, &day) || !Digits(s, pos + 4, 2, &hour) ||
      !Digits(s, pos + 6, 2, &minute)) {
    return absl::DataLossError("time: bad digits");
  }
  pos += 8;
  if (Digits(s, pos, 2, &second)) pos += 2;
  if (element.tag == kDerGeneralizedTime && pos < s.size() && s[pos] == '.') {
    ++pos;  // Fractional seconds are dropped: X.509 times are whole seconds.
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
  }
  // DER says 'Z'; a "+hhmm"/"-hhmm" offset (BER, found in real old roots) is accepted too.
  int offset_minutes = 0;
  const bool zulu = pos + 1 == s.size() && s[pos] == 'Z';
  if (!zulu && pos + 5 == s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int oh = 0, om = 0;
    if (!Digits(s, pos + 1, 2, &oh) || !Digits(s, pos + 3, 2, &om) || oh > 23 || om > 59) {
      return absl::DataLossError("time: bad offset");
    }
    offset_minutes = (s[pos] == '+' ? 1 : -1) * (oh * 60 + om);
  } else if (!zulu) {
    return absl::DataLossError("time: no 'Z' or offset (local time is ambiguous)");
  }
  const absl::CivilSecond civil(year, month, day, hour, minute, second);
  if (civil.month() != month || civil.day() != day || hour > 23 || minute > 59 || second > 59) {
    return absl::DataLossError("time: field out of range");
  }
  return absl::FromCivil(civil, absl::UTCTimeZone()) - absl::Minutes(offset_minutes);
}

}  // namespace caawatch::ctlog
