#include "monitor/caa_queries.h"

#include "base/status_macros.h"
#include "caa/relevant_set.h"
#include "judge/caa_observer.h"
#include "monitor/store_access.h"
#include "names/domain_name.h"

namespace caawatch::monitor {

caa::ResolverOptions ResolverOptionsFor(const MonitorConfig& config) {
  caa::ResolverOptions options;
  options.servers = config.dns_servers;
  options.dnssec = config.dnssec;
  options.trust_anchor_file = config.trust_anchor_file;
  options.timeout = config.dns_timeout;
  options.retries = config.dns_retries;
  options.tcp_fallback = config.dns_tcp_fallback;
  return options;
}

absl::StatusOr<std::unique_ptr<CaaCheckSession>> CaaCheckSession::Live(
    const MonitorConfig& config) {
  std::unique_ptr<CaaCheckSession> session(new CaaCheckSession());
  CAAWATCH_ASSIGN_OR_RETURN(session->resolver_, caa::UnboundResolver::Create(
                                                    ResolverOptionsFor(config), &session->clock_));
  return session;
}

absl::StatusOr<std::unique_ptr<CaaCheckSession>> CaaCheckSession::AgainstHistory(
    const std::string& data_dir) {
  std::unique_ptr<CaaCheckSession> session(new CaaCheckSession());
  CAAWATCH_ASSIGN_OR_RETURN(session->store_, OpenStoreForReading(data_dir));
  return session;
}

absl::StatusOr<std::unique_ptr<CaaCheckSession>> CaaCheckSession::AgainstHistory(
    const MonitorConfig& config) {
  CAAWATCH_ASSIGN_OR_RETURN(std::unique_ptr<CaaCheckSession> session,
                            AgainstHistory(config.data_dir));
  std::vector<std::string> zones;
  for (const FollowedZoneConfig& z : config.zones) zones.push_back(z.zone);
  if (!zones.empty()) {
    // The followers' max_gap (Pipeline): two missed polls make a gap.
    session->zones_ = std::make_unique<judge::ZoneHistory>(
        session->store_.get(), std::move(zones), 2 * config.caa_poll_interval + absl::Minutes(5));
  }
  return session;
}

absl::StatusOr<judge::CaaCheckResult> CaaCheckSession::Check(
    const std::vector<std::string>& names, const std::vector<std::string>& issuers,
    std::optional<absl::Time> at) {
  judge::CaaChecker checker(resolver_.get(), store_ ? &store_->caa_history() : nullptr);
  if (zones_ != nullptr) checker.FollowZones(zones_.get());
  return checker.CheckNames(names, issuers, at);
}

std::vector<std::string> CaaSearchPath(const std::string& name) {
  absl::StatusOr<names::DomainName> parsed = names::DomainName::Parse(name);
  if (!parsed.ok()) return {};
  std::vector<std::string> path;
  for (const names::DomainName& q : caa::SearchNames(*parsed)) path.push_back(q.str());
  return path;
}

absl::StatusOr<std::vector<StoredCaaObservation>> StoredCaaObservations(
    store::Store& store, const std::string& query_name) {
  CAAWATCH_ASSIGN_OR_RETURN(
      const std::vector<store::CaaObservationRecord> records,
      store.caa_history().Observations(query_name, absl::InfinitePast(), absl::InfiniteFuture()));
  std::vector<StoredCaaObservation> out;
  out.reserve(records.size());
  for (const store::CaaObservationRecord& r : records) {
    out.push_back({r, judge::FromObservationRecord(r)});
  }
  return out;
}

}  // namespace caawatch::monitor
