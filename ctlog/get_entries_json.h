// RFC 6962 §4.6 get-entries responses, the one parser of them: a single pass over the body that
// builds no JSON document and decodes the base64 straight into the entries. Chosen over
// simdjson's On-Demand API and an nlohmann DOM by bench/get_entries_json_bench.cc (figures in
// bench/README.md).
#ifndef CAAWATCH_CTLOG_GET_ENTRIES_JSON_H_
#define CAAWATCH_CTLOG_GET_ENTRIES_JSON_H_

#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "ctlog/log_types.h"

namespace caawatch::ctlog {

// {"entries": [{"leaf_input": b64, "extra_data": b64, ...}, ...], ...}: the entries, in order.
// Takes any valid JSON (RFC 8259) of that shape, as a full parser would: escapes, UTF-8, a
// leading byte order mark, other members of any kind; for repeated keys the last wins. The
// base64 is strict RFC 4648 §4 (padding required, no whitespace).
// kDataLoss otherwise, saying what is wrong and, for broken JSON, at which byte: not JSON, not
// an object, "entries" missing or not an array, an entry that is not an object or lacks a string
// leaf_input or extra_data, invalid base64, a number out of double's range, or another member
// nested deeper than 32 levels (refused rather than followed). Input is quoted escaped and cut
// to 100 bytes.
absl::StatusOr<std::vector<RawEntry>> ParseGetEntriesJson(absl::string_view body);

}  // namespace caawatch::ctlog

#endif  // CAAWATCH_CTLOG_GET_ENTRIES_JSON_H_
