#include "store/scan.h"

#include <memory>

#include "absl/strings/str_cat.h"

namespace caawatch::store {

KeyRange KeyRange::Prefix(absl::string_view prefix) {
  KeyRange range;
  range.lower = std::string(prefix);
  // The successor of the prefix: its last byte below 0xff incremented, what follows dropped.
  // A prefix of only 0xff bytes (or none) has no successor: the range runs to the end.
  std::string upper(prefix);
  while (!upper.empty() && static_cast<unsigned char>(upper.back()) == 0xff) upper.pop_back();
  if (!upper.empty())
    upper.back() = static_cast<char>(static_cast<unsigned char>(upper.back()) + 1);
  range.upper = std::move(upper);
  return range;
}

std::string KeyAfter(absl::string_view key) {
  return absl::StrCat(key, absl::string_view("\0", 1));
}

absl::Status Scan(const Database& db, Family family, const KeyRange& range,
                  const ScanOptions& options, ScanVisitor visit) {
  if (db.handle(family) == nullptr || options.limit == 0) return absl::OkStatus();
  if (!range.upper.empty() && range.upper <= range.lower) return absl::OkStatus();
  // The bounds also go to RocksDB, which then stops at them instead of reading on (and, in a
  // family with a prefix extractor such as caa_obs, keeps a prefix seek within its prefix).
  const rocksdb::Slice lower(range.lower);
  const rocksdb::Slice upper(range.upper);
  rocksdb::ReadOptions read;
  read.snapshot = options.snapshot;
  read.total_order_seek = options.total_order;
  read.iterate_lower_bound = &lower;
  if (!range.upper.empty()) read.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it(db.db()->NewIterator(read, db.handle(family)));
  if (options.reverse) {
    if (range.upper.empty()) {
      it->SeekToLast();
    } else {
      it->SeekForPrev(upper);
      if (it->Valid() && it->key() == upper) it->Prev();
    }
  } else {
    it->Seek(lower);
  }
  size_t visited = 0;
  for (; it->Valid() && visited < options.limit; options.reverse ? it->Prev() : it->Next()) {
    const rocksdb::Slice key = it->key();
    // Checked here too: the range is the contract, whatever RocksDB does with the bounds.
    if (key.compare(lower) < 0 || (!range.upper.empty() && key.compare(upper) >= 0)) break;
    ++visited;
    absl::StatusOr<ScanStep> step =
        visit(absl::string_view(key.data(), key.size()),
              absl::string_view(it->value().data(), it->value().size()));
    if (!step.ok()) return step.status();
    if (*step == ScanStep::kStop) break;
  }
  return FromRocks(it->status(), absl::StrCat("scan ", Database::FamilyName(family)));
}

}  // namespace caawatch::store
