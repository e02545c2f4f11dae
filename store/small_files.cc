#include "store/small_files.h"

#include <map>

#include "base/status_macros.h"

namespace caawatch::store {

absl::StatusOr<std::vector<std::string>> MergeSmallFiles(Database& db) {
  struct Files {
    size_t count = 0;
    uint64_t bytes = 0;
  };
  std::map<std::string, Files> by_family;
  std::vector<rocksdb::LiveFileMetaData> live;
  db.db()->GetLiveFilesMetaData(&live);
  for (const rocksdb::LiveFileMetaData& f : live) {
    Files& files = by_family[f.column_family_name];
    ++files.count;
    files.bytes += f.size;
  }
  std::vector<std::string> compacted;
  for (int i = 0; i <= static_cast<int>(Family::kCaaPolled); ++i) {
    const Family family = static_cast<Family>(i);
    const auto it = by_family.find(Database::FamilyName(family));
    if (db.handle(family) == nullptr || it == by_family.end()) continue;
    const Files& files = it->second;
    if (files.count <= kMaxSmallFiles || files.bytes >= files.count * kSmallFileBytes) continue;
    // The files sit in the last level already: only a forced rewrite of it merges them.
    CAAWATCH_RETURN_IF_ERROR(db.CompactWhole(family));
    compacted.emplace_back(Database::FamilyName(family));
  }
  return compacted;
}

}  // namespace caawatch::store
