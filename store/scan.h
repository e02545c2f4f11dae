// The one way the store walks a column family: a bounded key range, forward or backward, at
// most `limit` entries, optionally at a snapshot. Every listing and index walk goes through it,
// so none can run past its range or swallow an iterator error.
#ifndef CAAWATCH_STORE_SCAN_H_
#define CAAWATCH_STORE_SCAN_H_

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "base/status_macros.h"
#include "store/database.h"

namespace caawatch::store {

// Keys k with lower <= k < upper; an empty upper means the end of the family.
struct KeyRange {
  std::string lower;
  std::string upper;

  // Every key starting with `prefix` (and no key of a neighbour that merely sorts near it).
  static KeyRange Prefix(absl::string_view prefix);
  // The whole family.
  static KeyRange All() { return KeyRange{}; }
};

// The smallest key above `key`: resuming a forward scan after the last key it returned is
// scanning from KeyAfter(last).
std::string KeyAfter(absl::string_view key);

struct ScanOptions {
  bool reverse = false;  // Highest key first.
  // At most this many entries are passed to the visitor.
  size_t limit = std::numeric_limits<size_t>::max();
  const rocksdb::Snapshot* snapshot = nullptr;  // Null: the current state.
  // Walks across the prefixes of a family with a prefix extractor (caa_obs), which a bounded
  // scan otherwise keeps within one prefix: whole-family walks (stats, retention) set it.
  bool total_order = false;
};

enum class ScanStep { kNext, kStop };
// Sees each entry in key order (reverse order with ScanOptions::reverse); an error ends the
// scan and is Scan's result.
using ScanVisitor =
    absl::FunctionRef<absl::StatusOr<ScanStep>(absl::string_view key, absl::string_view value)>;

// Calls `visit` for the entries of `family` in `range`. An absent family (a reader of a store
// no writer has upgraded) is empty. Errors: the visitor's, or the iterator's (kDataLoss for a
// damaged file, as FromRocks says) naming the family.
[[nodiscard]] absl::Status Scan(const Database& db, Family family, const KeyRange& range,
                                const ScanOptions& options, ScanVisitor visit);

// Every entry of `range` parsed as a Record, in scan order; a value that does not parse is
// kDataLoss naming `what`.
template <typename Record>
[[nodiscard]] absl::StatusOr<std::vector<Record>> ScanRecords(const Database& db, Family family,
                                                              const KeyRange& range,
                                                              absl::string_view what,
                                                              const ScanOptions& options = {}) {
  std::vector<Record> out;
  CAAWATCH_RETURN_IF_ERROR(
      Scan(db, family, range, options,
           [&](absl::string_view, absl::string_view value) -> absl::StatusOr<ScanStep> {
             CAAWATCH_ASSIGN_OR_RETURN(Record r, ParseRecord<Record>(value, what));
             out.push_back(std::move(r));
             return ScanStep::kNext;
           }));
  return out;
}

}  // namespace caawatch::store

#endif  // CAAWATCH_STORE_SCAN_H_
