// The CAA questions a command asks outside the monitor: a check of names against issuer
// identifiers (`caawatch caa check`: live through the resolver the configuration describes, or
// at a past time against the stored history), and the stored observations along the search path
// of a name (`caawatch caa history`).
#ifndef CAAWATCH_MONITOR_CAA_QUERIES_H_
#define CAAWATCH_MONITOR_CAA_QUERIES_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "base/clock.h"
#include "caa/issuance_window.h"
#include "caa/unbound_resolver.h"
#include "judge/caa_check.h"
#include "judge/zone_history.h"
#include "monitor/config.h"
#include "store/store.h"

namespace caawatch::monitor {

// The resolver settings of `config` (dns_servers, dnssec, trust anchor, timeout, retries, TCP).
caa::ResolverOptions ResolverOptionsFor(const MonitorConfig& config);

// What a check needs, held for its duration: a resolver (live) or the store (at a time).
class CaaCheckSession {
 public:
  // Live checks; errors are the resolver's (a bad server address or trust anchor).
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<CaaCheckSession>> Live(
      const MonitorConfig& config);
  // Checks at a past time against the store in `data_dir`, opened read-only.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<CaaCheckSession>> AgainstHistory(
      const std::string& data_dir);
  // The same in config.data_dir, and names in the followed zones of config.zones are judged
  // against the zones' records (issue 18), as `run` judges them.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<CaaCheckSession>> AgainstHistory(
      const MonitorConfig& config);

  // judge::CaaChecker::CheckNames; `at` must be set for a session AgainstHistory.
  [[nodiscard]] absl::StatusOr<judge::CaaCheckResult> Check(const std::vector<std::string>& names,
                                                            const std::vector<std::string>& issuers,
                                                            std::optional<absl::Time> at);

 private:
  CaaCheckSession() = default;
  RealClock clock_;
  std::unique_ptr<caa::UnboundResolver> resolver_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<judge::ZoneHistory> zones_;  // AgainstHistory(config) only.
};

// The names the RFC 8659 search for `name` consults, most specific first (parents up to the
// TLD; "*.x" is searched from "x"); empty if `name` is not a DNS name.
std::vector<std::string> CaaSearchPath(const std::string& name);

// One stored observation with its decoded answer (records, CNAME chain, times).
struct StoredCaaObservation {
  store::CaaObservationRecord record;
  caa::Observation observation;
};
// Every stored observation of `query_name`, oldest first.
[[nodiscard]] absl::StatusOr<std::vector<StoredCaaObservation>> StoredCaaObservations(
    store::Store& store, const std::string& query_name);

}  // namespace caawatch::monitor

#endif  // CAAWATCH_MONITOR_CAA_QUERIES_H_
