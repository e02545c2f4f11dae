// `caawatch store stats|compact`: what takes space in the store, and the retention rule applied
// to a stopped store followed by RocksDB's compaction (SCHEMA.md "Retention of tree heads").
#include <cstdio>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "cli/commands.h"
#include "cli/context.h"
#include "cli/table.h"
#include "monitor/store_maintenance.h"
#include "nlohmann/json.hpp"

namespace caawatch::cli {
namespace {

// "812 B", "3.4 KiB", "1.2 GiB": binary units, one decimal above bytes.
std::string Size(uint64_t bytes) {
  static constexpr const char* kUnits[] = {"KiB", "MiB", "GiB", "TiB"};
  if (bytes < 1024) return absl::StrCat(bytes, " B");
  double value = static_cast<double>(bytes) / 1024;
  size_t unit = 0;
  while (value >= 1024 && unit + 1 < std::size(kUnits)) {
    value /= 1024;
    ++unit;
  }
  return absl::StrFormat("%.1f %s", value, kUnits[unit]);
}

nlohmann::json StatsJson(const store::StoreStats& stats) {
  nlohmann::json families = nlohmann::json::array();
  for (const store::FamilyStats& f : stats.families) {
    nlohmann::json prefixes = nlohmann::json::array();
    for (const store::PrefixStats& p : f.prefixes) {
      prefixes.push_back({{"prefix", p.prefix}, {"keys", p.keys}, {"bytes", p.bytes}});
    }
    families.push_back({{"family", f.family},
                        {"keys", f.keys},
                        {"bytes", f.bytes},
                        {"sst_files", f.sst_files},
                        {"sst_bytes", f.sst_bytes},
                        {"prefixes", prefixes}});
  }
  return {{"families", families},
          {"wal_files", stats.wal_files},
          {"wal_bytes", stats.wal_bytes},
          {"total_bytes", stats.total_bytes}};
}

int Stats(const CommonOptions& options) {
  std::variant<CommandContext, int> prepared = Prepare(options);
  if (const int* code = std::get_if<int>(&prepared)) return *code;
  const CommandContext& ctx = std::get<CommandContext>(prepared);
  absl::StatusOr<std::unique_ptr<store::Store>> store = OpenStoreForReading(ctx);
  if (!store.ok()) return Fail(store.status());
  absl::StatusOr<store::StoreStats> stats = monitor::CollectStoreStats(store->get());
  if (!stats.ok()) return Fail(stats.status());
  if (ctx.json) {
    std::puts(
        StatsJson(*stats).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
    return 0;
  }
  Table table({"FAMILY", "PREFIX", "KEYS", "BYTES", "SST FILES", "ON DISK"});
  for (const store::FamilyStats& f : stats->families) {
    table.Add({f.family, "", absl::StrCat(f.keys), Size(f.bytes), absl::StrCat(f.sst_files),
               Size(f.sst_bytes)});
    for (const store::PrefixStats& p : f.prefixes) {
      table.Add({"", p.prefix, absl::StrCat(p.keys), Size(p.bytes), "", ""});
    }
  }
  table.Print(stdout);
  std::printf("write-ahead log: %s in %llu file(s)\ntotal on disk: %s\n",
              Size(stats->wal_bytes).c_str(), static_cast<unsigned long long>(stats->wal_files),
              Size(stats->total_bytes).c_str());
  return 0;
}

int Compact(const CommonOptions& options) {
  std::variant<CommandContext, int> prepared = Prepare(options);
  if (const int* code = std::get_if<int>(&prepared)) return *code;
  const CommandContext& ctx = std::get<CommandContext>(prepared);
  // There must be a store to compact: a writer's open would create one.
  if (absl::StatusOr<std::unique_ptr<store::Store>> existing = OpenStoreForReading(ctx);
      !existing.ok() && absl::IsNotFound(existing.status())) {
    return Fail(existing.status());
  }
  // A writer's open: it fails, naming the holder, while `caawatch run` holds the store (whose
  // own pruner then does the same work in the background).
  absl::StatusOr<std::unique_ptr<store::Store>> store = OpenStoreForWriting(ctx);
  if (!store.ok()) return Fail(store.status());
  store::RetentionRule rule;
  rule.head_interval = ctx.config.tree_head_history_interval;
  rule.keep_all_heads_for = ctx.config.keep_all_tree_heads_for;
  absl::StatusOr<monitor::CompactReport> report =
      monitor::CompactStore(store->get(), rule, ctx.config.caa_poll_interval,
                            ctx.config.caa_raw_answer_retention, absl::Now());
  if (!report.ok()) return Fail(report.status());
  if (ctx.json) {
    const nlohmann::json line = {{"bytes_before", report->bytes_before},
                                 {"bytes_after", report->bytes_after},
                                 {"tree_heads_examined", report->heads.examined},
                                 {"tree_heads_removed", report->heads.removed},
                                 {"caa_raw_answers_dropped", report->raw_answers_dropped},
                                 {"caa_polled_before", report->ledger_records_before},
                                 {"caa_polled_after", report->ledger_records_after}};
    std::puts(line.dump().c_str());
    return 0;
  }
  std::printf(
      "tree heads: %llu examined, %llu removed\nold raw CAA answers dropped: %llu\n"
      "CAA poll ledger records: %lld -> %lld\non disk: %s -> %s\n",
      static_cast<unsigned long long>(report->heads.examined),
      static_cast<unsigned long long>(report->heads.removed),
      static_cast<unsigned long long>(report->raw_answers_dropped),
      static_cast<long long>(report->ledger_records_before),
      static_cast<long long>(report->ledger_records_after), Size(report->bytes_before).c_str(),
      Size(report->bytes_after).c_str());
  return 0;
}

}  // namespace

Command AddStoreCommand(CLI::App* app) {
  CLI::App* store = app->add_subcommand("store", "what takes space in the store, and compaction");
  store->require_subcommand(1);
  CLI::App* stats = store->add_subcommand("stats", "keys and bytes per column family and prefix");
  stats->footer(
      "Per column family (largest first): its keys and their bytes before compression (exact: "
      "one scan of the store), its SST files and their size on disk (RocksDB's live files); "
      "below each family, the same per key prefix (meta kinds such as log_health/ and zone_copy/, "
      "finding kinds, tree heads per log). Then the write-ahead log and the whole data directory. "
      "Works while `caawatch run` holds the store. --json: one object.");
  auto stats_options = std::make_shared<CommonOptions>();
  AddCommonOptions(stats, stats_options.get());
  CLI::App* compact = store->add_subcommand(
      "compact", "apply the retention rule to a stopped store and compact it");
  compact->footer(
      "Removes the tree heads the retention rule drops (config keep_all_tree_heads_for and "
      "tree_head_history_interval; each log's latest verified head, heads not yet audited or "
      "found to be misbehaviour, and every head a finding's inclusion proof leads to always "
      "stay), the raw DNS answers of CAA observations older than caa_raw_answer_retention that "
      "no finding used, and the CAA poll ledger records older than caa_poll_interval, then "
      "compacts "
      "every column family. Prints what it removed and the bytes on disk before and after. "
      "Refused while `caawatch run` holds the store: its own pruner does this as it runs.");
  auto compact_options = std::make_shared<CommonOptions>();
  AddCommonOptions(compact, compact_options.get());
  return {store, [stats, stats_options, compact_options] {
            if (stats->parsed()) return Stats(*stats_options);
            return Compact(*compact_options);
          }};
}

}  // namespace caawatch::cli
