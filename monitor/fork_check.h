// `caawatch heads verify-fork`: a log_misbehaviour finding's fork evidence (two signed heads
// of one log that contradict each other, as gossip or the tailer stored it) checked offline
// against the keys of a log list the user trusts, never against the evidence's own word.
#ifndef CAAWATCH_MONITOR_FORK_CHECK_H_
#define CAAWATCH_MONITOR_FORK_CHECK_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace caawatch::monitor {

// Checks the fork evidence in `path`: a finding as `caawatch findings --json` prints it (one
// line), an evidence bundle's finding.json, or a directory holding one. Both heads (`head` and
// `against`: their signed notes, or for an RFC 6962 head without a note its STH signature) must
// verify with the key that `log_list` ("" = the embedded list; a file, never a URL) gives the
// log ID the evidence names, and must contradict each other: the same size with different roots,
// or different sizes the evidence's consistency proof does not link. Returns one line saying what
// was proven. kDataLoss naming what failed; kInvalidArgument for an unreadable file or list.
//
// Witness findings (SPEC §9): a split view (`witness` set: `head` is the witness's cosigned
// checkpoint) is proven as above; with the witness's key among `witness_vkeys`
// ("NAME+KEYID+BASE64", the user's, never the evidence's) its cosignature on the note must
// verify too. A `bad_cosignature` finding needs that key: the note must verify as the log's
// checkpoint of the stated head, and its line in the witness's name and key ID must not verify
// with the key (kInvalidArgument without it).
// `now` dates the cosignature checks (the time of the check, from the caller's clock).
[[nodiscard]] absl::StatusOr<std::string> VerifyForkEvidence(
    const std::string& path, const std::string& log_list,
    const std::vector<std::string>& witness_vkeys, absl::Time now);

// Whether `path` (a finding file or a bundle's directory) holds a log_misbehaviour finding with
// evidence: signed heads to check with VerifyForkEvidence, no log entry for `evidence verify`.
bool HoldsMisbehaviourEvidence(const std::string& path);

}  // namespace caawatch::monitor

#endif  // CAAWATCH_MONITOR_FORK_CHECK_H_
