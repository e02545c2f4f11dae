// `caawatch heads compare FILE` (SPEC §9): heads from elsewhere (another caawatch's `heads`)
// checked against the local verified view. Each note is verified with its log's key (the log
// found by the note's origin among the configured logs), then compared with the local head: the
// same size must have the same root; different sizes must be proven consistent by the log's
// consistency proof (RFC 6962 get-sth-consistency, or computed from a tiled log's hash tiles).
#ifndef CAAWATCH_MONITOR_HEADS_COMPARE_H_
#define CAAWATCH_MONITOR_HEADS_COMPARE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "ctlog/http_fetcher.h"
#include "ctlog/log_types.h"
#include "judge/gossip_fork.h"
#include "monitor/config.h"
#include "store/store.h"

namespace caawatch::monitor {

inline constexpr size_t kMaxComparedNotes = 10000;

// The notes of `text` as `caawatch heads` writes them: separated by a blank line (a note's own
// blank line is followed by its "— " signature lines). At most kMaxComparedNotes.
std::vector<std::string> SplitHeadNotes(absl::string_view text);

struct HeadsComparison {
  std::vector<std::string> lines;  // One per note: the log and what was found.
  int forks = 0;                   // Notes that verify but contradict the local view.
  int unchecked = 0;               // Unknown log, bad signature, no local head, log unreachable.
  // One per fork: both signed heads and the failed proof, what a log_misbehaviour finding keeps.
  std::vector<judge::GossipFork> fork_evidence;
};

// Compares each note of `text` with the local view in `store` (borrowed), for `logs`; `fetcher`
// (borrowed) asks logs for consistency proofs. Errors are the store's only: everything about a
// note is a line of the result.
[[nodiscard]] absl::StatusOr<HeadsComparison> CompareHeads(absl::string_view text,
                                                           const std::vector<ctlog::LogInfo>& logs,
                                                           store::Store* store,
                                                           ctlog::HttpFetcher* fetcher);

// Far above any real list: a note is ~300 bytes, there are a few hundred logs.
inline constexpr size_t kMaxHeadsTextBytes = size_t{16} << 20;

// The text of `file_or_url`: an http:// or https:// URL is fetched (through `config`'s
// log_ca_file; a status other than 200 is kUnavailable), anything else read as a file. At most
// kMaxHeadsTextBytes (kInvalidArgument for a larger file, kDataLoss for a larger answer).
[[nodiscard]] absl::StatusOr<std::string> ReadHeadsText(const std::string& file_or_url,
                                                        const MonitorConfig& config);

// CompareHeads for the logs `config` names (its log_list, or the embedded list), asking them
// through a fetcher made for `config` (log_ca_file). kInvalidArgument/kUnavailable when the log
// list cannot be read.
[[nodiscard]] absl::StatusOr<HeadsComparison> CompareHeadsWithConfig(absl::string_view text,
                                                                     const MonitorConfig& config,
                                                                     store::Store* store);

}  // namespace caawatch::monitor

#endif  // CAAWATCH_MONITOR_HEADS_COMPARE_H_
