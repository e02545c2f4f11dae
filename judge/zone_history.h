// CAA answers of names in followed zones, reconstructed from the zone records the followers
// wrote (SCHEMA.md "Followed zones"), for the evaluation at issuance time (issue 18): where the
// zone was followed, the answer a CAA query for a name got at any moment is known exactly, so a
// name never looked up has a history all the same. The answer at a moment follows the zone's
// DNAMEs and CNAMEs inside the zone as an RFC 1034 lookup would (caa-rules.md); an alias that
// leaves the zone, a loop, or a record the zone's signatures do not prove is a failed answer
// (indeterminate), never a policy. Reads the store; thread-safe.
#ifndef CAAWATCH_JUDGE_ZONE_HISTORY_H_
#define CAAWATCH_JUDGE_ZONE_HISTORY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "caa/issuance_window.h"
#include "store/store.h"

namespace caawatch::judge {

// One stretch of a name's reconstructed history, with the zone state it comes from.
struct ZoneObservation {
  caa::Observation observation;  // qname, answer, [first_seen, last_seen].
  std::string zone;
  uint32_t serial = 0;  // The newest zone serial among the records that gave the answer.
};

class ZoneHistory {
 public:
  // `zones`: the followed zones' apexes. `max_gap`: as the followers' (spans of following
  // closer than it are one span). `store` is borrowed.
  ZoneHistory(store::Store* store, std::vector<std::string> zones, absl::Duration max_gap);

  // The followed zone holding `query_name` (the longest apex it is at or under), if any.
  std::optional<std::string> ZoneOf(const std::string& query_name) const;
  absl::Duration max_gap() const { return max_gap_; }
  // The answers a CAA query for `query_name` (in ZoneOf's zone) got while the zone was
  // followed, oldest first, contiguous within each span of following. Errors: the store's.
  [[nodiscard]] absl::StatusOr<std::vector<ZoneObservation>> History(
      const std::string& query_name) const;

 private:
  store::Store* const store_;
  const std::vector<std::string> zones_;
  const absl::Duration max_gap_;
};

}  // namespace caawatch::judge

#endif  // CAAWATCH_JUDGE_ZONE_HISTORY_H_
