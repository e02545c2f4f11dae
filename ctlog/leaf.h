// Decoding log entries: the RFC 6962 §3.4 MerkleTreeLeaf and its get-entries extra_data.
#ifndef CAAWATCH_CTLOG_LEAF_H_
#define CAAWATCH_CTLOG_LEAF_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "ctlog/log_entry.h"
#include "ctlog/log_types.h"

namespace caawatch::ctlog {

// kDataLoss only when leaf_input itself is malformed (then nothing can be read). A certificate
// or extra_data that cannot be read gives an entry with decode_error set and whatever was
// readable filled in.
absl::StatusOr<LogEntry> DecodeLogEntry(uint64_t index, const RawEntry& raw);

}  // namespace caawatch::ctlog

#endif  // CAAWATCH_CTLOG_LEAF_H_
