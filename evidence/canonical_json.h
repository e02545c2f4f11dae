// The one JSON form of every bundle file caawatch writes (sorted keys, two-space indent, a final
// newline), and the checks its readers share: a file whose text is not exactly what its values
// encode to has been changed.
#ifndef CAAWATCH_EVIDENCE_CANONICAL_JSON_H_
#define CAAWATCH_EVIDENCE_CANONICAL_JSON_H_

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "nlohmann/json.hpp"

namespace caawatch::evidence {

using Json = nlohmann::json;

// The text of `doc` as every bundle file is written.
std::string CanonicalJson(const Json& doc);
// Canonical base64 of `bytes`.
std::string Base64(absl::Span<const uint8_t> bytes);

// `text` parsed as JSON (no exception); kDataLoss when it is not JSON.
[[nodiscard]] absl::StatusOr<Json> ParseJson(absl::string_view text);
// OK when `doc` is an object with exactly `keys`; kDataLoss otherwise.
[[nodiscard]] absl::Status HasExactly(const Json& doc, std::initializer_list<const char*> keys);
// doc[key] as an unsigned integer; kDataLoss when it is something else.
[[nodiscard]] absl::StatusOr<uint64_t> Unsigned(const Json& doc, const char* key);
// The bytes of canonical base64 only, so that no two texts hold the same bytes; kDataLoss
// naming `what` otherwise.
[[nodiscard]] absl::StatusOr<std::vector<uint8_t>> Base64Bytes(const Json& value,
                                                               absl::string_view what);
// OK when `text` is `written`; kDataLoss saying at which byte they differ otherwise.
[[nodiscard]] absl::Status SameAsWritten(absl::string_view text, const std::string& written);

}  // namespace caawatch::evidence

#endif  // CAAWATCH_EVIDENCE_CANONICAL_JSON_H_
