#include "store/store_stats.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <memory>

#include "absl/functional/function_ref.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/types/span.h"
#include "base/hex.h"
#include "base/status_macros.h"
#include "store/scan.h"

namespace caawatch::store {
namespace {

// The prefix a key is counted under (SCHEMA.md); "" for a family of one kind of key.
std::string PrefixOf(Family family, absl::string_view key) {
  switch (family) {
    case Family::kMeta: {
      // `kind/` + id, or a single key (schema_version, next_seq, caa_poll_pass).
      const size_t slash = key.find('/');
      if (slash != absl::string_view::npos) return std::string(key.substr(0, slash + 1));
      return "(single keys)";
    }
    case Family::kFindings:
      if (key.empty()) return "?";
      if (key[0] == 'c') return "c (certificate)";
      if (key[0] == 'l') return "l (malformed_cert)";
      if (key[0] == 'm') return "m (log_misbehaviour)";
      if (key[0] == 'r') return "r (caa_breaks_renewal)";
      return "?";
    case Family::kReeval:
      if (key.empty()) return "?";
      if (key[0] == 't') return "t (by issuance time)";
      if (key[0] == 'u') return "u (unknown issuer)";
      return "?";
    case Family::kTreeHeads:
    case Family::kLogState:
      // Per log: its ID's first 4 bytes, as `status` shows no shorter name offline.
      if (key.size() < 32) return "?";
      return absl::StrCat(
          "log ", HexEncode(absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(key.data()), 4)));
    default:
      return "";
  }
}

void AddSstFiles(const Database& db, const std::map<std::string, FamilyStats*>& by_name) {
  std::vector<rocksdb::LiveFileMetaData> files;
  db.db()->GetLiveFilesMetaData(&files);
  for (const rocksdb::LiveFileMetaData& f : files) {
    const auto it = by_name.find(f.column_family_name);
    if (it == by_name.end()) continue;
    ++it->second->sst_files;
    it->second->sst_bytes += f.size;
  }
}

// Calls `visit` with the name and size of each regular file of `dir`.
absl::Status ForEachFile(const std::string& dir,
                         absl::FunctionRef<void(absl::string_view name, uint64_t size)> visit) {
  std::unique_ptr<DIR, int (*)(DIR*)> d(opendir(dir.c_str()), closedir);
  if (d == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot list ", dir, ": ", std::strerror(errno)));
  }
  while (const dirent* e = readdir(d.get())) {
    struct stat st;
    // A file gone since the listing (a compaction's input) is simply not counted.
    if (fstatat(dirfd(d.get()), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
    if (S_ISREG(st.st_mode)) visit(e->d_name, static_cast<uint64_t>(st.st_size));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<uint64_t> DirectoryBytes(const std::string& dir) {
  uint64_t total = 0;
  CAAWATCH_RETURN_IF_ERROR(
      ForEachFile(dir, [&](absl::string_view, uint64_t size) { total += size; }));
  return total;
}

absl::StatusOr<StoreStats> CollectStoreStats(const Database& db) {
  StoreStats stats;
  std::map<std::string, FamilyStats*> by_name;
  stats.families.reserve(static_cast<size_t>(Family::kCaaPolled) + 1);
  for (int i = 0; i <= static_cast<int>(Family::kCaaPolled); ++i) {
    const Family family = static_cast<Family>(i);
    if (db.handle(family) == nullptr) continue;  // A reader of an older store: empty.
    FamilyStats& f = stats.families.emplace_back();
    f.family = Database::FamilyName(family);
    std::map<std::string, PrefixStats> prefixes;
    ScanOptions options;
    options.total_order = true;
    CAAWATCH_RETURN_IF_ERROR(Scan(db, family, KeyRange::All(), options,
                                  [&](absl::string_view key, absl::string_view value) {
                                    ++f.keys;
                                    f.bytes += key.size() + value.size();
                                    std::string prefix = PrefixOf(family, key);
                                    if (!prefix.empty()) {
                                      PrefixStats& p = prefixes[prefix];
                                      ++p.keys;
                                      p.bytes += key.size() + value.size();
                                    }
                                    return ScanStep::kNext;
                                  }));
    for (auto& [name, p] : prefixes) {
      p.prefix = name;
      f.prefixes.push_back(std::move(p));
    }
    std::sort(f.prefixes.begin(), f.prefixes.end(),
              [](const PrefixStats& a, const PrefixStats& b) { return a.bytes > b.bytes; });
  }
  for (FamilyStats& f : stats.families) by_name[f.family] = &f;
  AddSstFiles(db, by_name);
  std::stable_sort(stats.families.begin(), stats.families.end(),
                   [](const FamilyStats& a, const FamilyStats& b) {
                     return std::max(a.bytes, a.sst_bytes) > std::max(b.bytes, b.sst_bytes);
                   });

  CAAWATCH_RETURN_IF_ERROR(ForEachFile(db.dir(), [&](absl::string_view name, uint64_t size) {
    stats.total_bytes += size;
    // Write-ahead logs are NNNNNN.log; RocksDB's info log is LOG (and LOG.old.*).
    if (absl::EndsWith(name, ".log") && !absl::StartsWith(name, "LOG")) {
      ++stats.wal_files;
      stats.wal_bytes += size;
    }
  }));
  return stats;
}

}  // namespace caawatch::store
