#include "monitor/caa_poll_ledger.h"

#include <algorithm>

#include "base/status_macros.h"

namespace caawatch::monitor {

uint64_t PolledNameHash(absl::string_view query_name) {
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (const char c : query_name) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

absl::StatusOr<CaaPollLedger> CaaPollLedger::Load(store::FindingStore* store, absl::Time since) {
  CAAWATCH_ASSIGN_OR_RETURN(std::vector<store::CaaPolled> records, store->CaaPolledSince(since));
  CaaPollLedger ledger;
  size_t total = 0;
  for (const store::CaaPolled& r : records) total += r.name_hashes.size();
  ledger.polled_.reserve(total);
  for (const store::CaaPolled& r : records) {
    const int64_t ms = absl::ToUnixMillis(r.polled_at);
    for (const uint64_t hash : r.name_hashes) ledger.polled_.emplace_back(hash, ms);
  }
  // Newest first within a hash, then keep the first of each.
  std::sort(ledger.polled_.begin(), ledger.polled_.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first < b.first : a.second > b.second;
  });
  ledger.polled_.erase(std::unique(ledger.polled_.begin(), ledger.polled_.end(),
                                   [](const auto& a, const auto& b) { return a.first == b.first; }),
                       ledger.polled_.end());
  ledger.polled_.shrink_to_fit();
  return ledger;
}

std::optional<absl::Time> CaaPollLedger::PolledAt(absl::string_view query_name) const {
  const uint64_t hash = PolledNameHash(query_name);
  const auto it = std::lower_bound(polled_.begin(), polled_.end(), hash,
                                   [](const auto& entry, uint64_t h) { return entry.first < h; });
  if (it == polled_.end() || it->first != hash) return std::nullopt;
  return absl::FromUnixMillis(it->second);
}

}  // namespace caawatch::monitor
