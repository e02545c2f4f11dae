// A bounded, non-allocating reader for ASN.1 DER (X.690 §8, §10) and the few value decoders
// X.509 needs (OIDs, strings, times). Every result is a span into the caller's buffer; every
// failure is a value: a reader that fails stays failed, so reads can be chained with &&.
#ifndef CAAWATCH_CTLOG_DER_H_
#define CAAWATCH_CTLOG_DER_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"

namespace caawatch::ctlog {

enum class DerClass : uint8_t { kUniversal = 0, kApplication = 1, kContext = 2, kPrivate = 3 };

struct DerTag {
  DerClass cls = DerClass::kUniversal;
  bool constructed = false;
  uint32_t number = 0;
  friend bool operator==(const DerTag&, const DerTag&) = default;
};

inline constexpr DerTag UniversalTag(uint32_t number, bool constructed = false) {
  return DerTag{DerClass::kUniversal, constructed, number};
}
inline constexpr DerTag ContextTag(uint32_t number, bool constructed) {
  return DerTag{DerClass::kContext, constructed, number};
}
inline constexpr DerTag kDerBoolean = UniversalTag(1);
inline constexpr DerTag kDerInteger = UniversalTag(2);
inline constexpr DerTag kDerBitString = UniversalTag(3);
inline constexpr DerTag kDerOctetString = UniversalTag(4);
inline constexpr DerTag kDerOid = UniversalTag(6);
inline constexpr DerTag kDerUtcTime = UniversalTag(23);
inline constexpr DerTag kDerGeneralizedTime = UniversalTag(24);
inline constexpr DerTag kDerSequence = UniversalTag(16, true);
inline constexpr DerTag kDerSet = UniversalTag(17, true);

// One TLV. `whole` is header + contents, `contents` the value octets; both point into the input.
struct DerElement {
  DerTag tag;
  absl::Span<const uint8_t> contents;
  absl::Span<const uint8_t> whole;
  // The length was not in minimal form (X.690 §10.1): BER, tolerated but worth flagging.
  bool non_minimal_length = false;
};

// Nesting deeper than this many Enter() calls fails the child reader.
inline constexpr int kDerMaxDepth = 32;

// Cursor over a sequence of TLVs. Accepts single- and multi-byte tags (tag numbers below 2^28)
// and definite lengths up to 2^32-1 that fit the remaining input. Rejects the indefinite length
// (BER), the reserved length octet 0xFF, non-minimal tag numbers and truncation. Any failure
// makes ok() false for good and every later read fail.
class DerReader {
 public:
  explicit DerReader(absl::Span<const uint8_t> input, int depth = 0)
      : rest_(input), depth_(depth), ok_(depth <= kDerMaxDepth) {}

  // Reads the next element, whatever its tag.
  bool Read(DerElement* out);
  // Reads the next element and fails unless its tag is `tag`.
  bool ReadExpected(DerTag tag, DerElement* out);
  // If the next element has tag `tag`, reads it into `out` and sets `*present`; otherwise
  // leaves the reader where it was and clears `*present`. Fails only on malformed input.
  bool ReadOptional(DerTag tag, DerElement* out, bool* present);
  // The tag of the next element without consuming it. False at the end or on a malformed tag.
  bool PeekTag(DerTag* out) const;
  // A reader over `element`'s contents, one level deeper; a failed reader past kDerMaxDepth.
  DerReader Enter(const DerElement& element) const {
    return DerReader(element.contents, depth_ + 1);
  }

  bool ok() const { return ok_; }
  bool empty() const { return ok_ && rest_.empty(); }
  // Octets not yet consumed (empty after a failure).
  absl::Span<const uint8_t> rest() const { return rest_; }

 private:
  bool Fail() {
    ok_ = false;
    rest_ = {};
    return false;
  }
  absl::Span<const uint8_t> rest_;
  int depth_;
  bool ok_;
};

// Parses `input` as exactly one element with nothing after it. kDataLoss otherwise.
absl::StatusOr<DerElement> ParseDerElement(absl::Span<const uint8_t> input);

// Appends a DER header (tag, minimal definite length) for `length` content octets. Tag
// numbers of 31 and above use the multi-byte form.
void AppendDerHeader(DerTag tag, size_t length, std::vector<uint8_t>* out);

// Appends code point `cp` to `out` as UTF-8; a surrogate or a value above U+10FFFF becomes
// U+FFFD.
void AppendUtf8(uint32_t cp, std::string* out);

// "1.2.840.113549" from OID contents; kDataLoss on empty contents or a truncated/non-minimal arc.
absl::StatusOr<std::string> OidToString(absl::Span<const uint8_t> contents);

// Text of a directory/IA5 string element as UTF-8: UTF8String, PrintableString, IA5String,
// VisibleString, NumericString and TeletexString (read as Latin-1) are copied or converted;
// BMPString (UCS-2) and UniversalString (UCS-4) are converted. UTF-8 is not validated (a bad
// byte sequence is passed through). kDataLoss for other tags or an odd-sized BMP/UCS-4 body.
absl::StatusOr<std::string> DecodeDerString(const DerElement& element);
// The text of a string element that DecodeDerString copies unchanged (UTF8String,
// NumericString, PrintableString, IA5String, VisibleString), as a view of its contents; nullopt
// for every other element.
std::optional<absl::string_view> DerStringView(const DerElement& element);

// UTCTime (YYMMDDHHMM[SS]Z; YY < 50 is 20YY) or GeneralizedTime (YYYYMMDDHHMM[SS][.f*]Z).
// A "+hhmm"/"-hhmm" offset instead of Z (BER, seen in old real roots) is applied. kDataLoss for
// anything else, including a local time with neither Z nor offset.
absl::StatusOr<absl::Time> DecodeDerTime(const DerElement& element);

}  // namespace caawatch::ctlog

#endif  // CAAWATCH_CTLOG_DER_H_
