// RFC 6962 §4.6 get-entries responses read without building a JSON document: one pass over the
// body, base64 decoded straight into the entries. Handles the plain form logs emit; anything
// else (escapes inside strings, malformed JSON, bad base64) is left to the full parser in
// http_log_client.cc, which also words the errors.
#ifndef CAAWATCH_CTLOG_GET_ENTRIES_JSON_H_
#define CAAWATCH_CTLOG_GET_ENTRIES_JSON_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "ctlog/log_types.h"

namespace caawatch::ctlog {

// {"entries": [{"leaf_input": b64, "extra_data": b64, ...}, ...], ...}: the entries, when
// `body` is valid JSON of that shape with strict RFC 4648 §4 base64 (padding required, no
// whitespace) and no escape sequence in any string. Other members are skipped; for repeated
// keys the last wins, as in the full parser. nullopt otherwise: the caller must then parse the
// body with a full JSON parser, which accepts or rejects it with a reason.
std::optional<std::vector<RawEntry>> ScanGetEntriesJson(absl::string_view body);

// The same response read with simdjson's On-Demand API, which accepts any valid JSON (escapes,
// UTF-8, members of any kind) and so needs no fallback. The entries, or kDataLoss saying what
// is wrong (invalid JSON, "entries" missing or not an array, an entry that is not an object or
// lacks a string leaf_input/extra_data, invalid base64 quoted escaped and cut to 100 bytes,
// other members nested deeper than 32 levels). For repeated keys the last wins. `body` keeps
// its contents; its capacity may grow by the 64 bytes simdjson reads past the end.
// (A candidate measured by bench/get_entries_json_bench.cc; not on the product path.)
absl::StatusOr<std::vector<RawEntry>> ParseGetEntriesJson(std::string* body);

}  // namespace caawatch::ctlog

#endif  // CAAWATCH_CTLOG_GET_ENTRIES_JSON_H_
