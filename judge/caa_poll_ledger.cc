#include "judge/caa_poll_ledger.h"

#include "base/status_macros.h"
#include "watch/stable_hash.h"

namespace caawatch::judge {

uint64_t PolledNameHash(absl::string_view query_name) { return watch::StableHash64(query_name); }

absl::StatusOr<CaaPollLedger> CaaPollLedger::Load(store::CaaPolls* polls, absl::Time since) {
  CAAWATCH_ASSIGN_OR_RETURN(std::vector<store::CaaPolled> records, polls->PolledSince(since));
  CaaPollLedger ledger;
  size_t total = 0;
  for (const store::CaaPolled& r : records) total += r.name_hashes.size();
  ledger.polled_.reserve(total);
  for (const store::CaaPolled& r : records) {  // Oldest first: a later record overwrites.
    const int64_t ms = absl::ToUnixMillis(r.polled_at);
    for (const uint64_t hash : r.name_hashes) ledger.polled_.insert_or_assign(hash, ms);
  }
  return ledger;
}

std::optional<absl::Time> CaaPollLedger::PolledAt(absl::string_view query_name) const {
  const auto it = polled_.find(PolledNameHash(query_name));
  if (it == polled_.end()) return std::nullopt;
  return absl::FromUnixMillis(it->second);
}

}  // namespace caawatch::judge
