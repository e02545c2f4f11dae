// Small files the store keeps beside RocksDB's own (store/seq_reservation.h, store/holder.h),
// replaced whole: a reader sees the old content or the new, never a mix.
#ifndef CAAWATCH_STORE_REPLACED_FILE_H_
#define CAAWATCH_STORE_REPLACED_FILE_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace caawatch::store {

// Writes `bytes` to a temporary file beside `path`, syncs it, renames it over `path` and syncs
// the directory: once this returns OK, `path` holds `bytes` even after a power cut.
// kFailedPrecondition (with the path and errno) when any step fails; `path` is then unchanged.
[[nodiscard]] absl::Status ReplaceFile(const std::string& path, absl::string_view bytes);

}  // namespace caawatch::store

#endif  // CAAWATCH_STORE_REPLACED_FILE_H_
