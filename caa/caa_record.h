// CAA resource record RDATA (RFC 8659 §4.1): decoding the wire bytes into a CaaRecord, and
// the tag comparison every interpreter must use (tags match case-insensitively).
#ifndef CAAWATCH_CAA_CAA_RECORD_H_
#define CAAWATCH_CAA_CAA_RECORD_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "caa/caa_answer.h"

namespace caawatch::caa {

// Decodes one CAA RDATA: flags (1 octet) | tag length (1 octet, >= 1) | tag | value (the rest
// of the RDATA, no length byte, may be empty or longer than 255 octets). All flag bits are kept
// as received (only 128 means "critical"; the others are reserved and ignored by policy).
// The tag keeps its wire case. A tag that RFC 8659 forbids (characters outside [A-Za-z0-9])
// is kept as an unknown property, its bytes outside printable ASCII C-escaped. Returns
// kDataLoss when the RDATA is shorter than 2 octets or the tag length is 0 or runs past the end.
[[nodiscard]] absl::StatusOr<CaaRecord> ParseCaaRdata(absl::Span<const uint8_t> rdata);

// Encodes `record` as RDATA (the inverse of ParseCaaRdata). Precondition: 1 <= tag size <= 255.
std::string EncodeCaaRdata(const CaaRecord& record);

// True when the property tags are equal ignoring ASCII case ("IsSuE" names "issue").
bool TagIs(absl::string_view tag, absl::string_view wanted);

}  // namespace caawatch::caa

#endif  // CAAWATCH_CAA_CAA_RECORD_H_
