#include "judge/latest_answers.h"

#include <vector>

#include "judge/caa_observer.h"

namespace caawatch::judge {

const caa::Observation& LatestAnswers::Latest(const names::DomainName& qname) {
  auto [it, inserted] = latest_.try_emplace(qname.str());
  if (inserted) it->second = Read(qname.str());
  return it->second;
}

absl::Time LatestAnswers::LastSeen(const std::string& qname) const {
  auto it = latest_.find(qname);
  return it == latest_.end() ? absl::InfinitePast() : it->second.last_seen;
}

caa::Observation LatestAnswers::Read(const std::string& qname) {
  caa::Observation out;
  out.answer.qname = qname;
  out.answer.outcome = caa::LookupOutcome::kOtherError;
  out.answer.error = "never observed";
  out.first_seen = absl::InfinitePast();
  out.last_seen = absl::InfinitePast();
  // A name in a followed zone is judged by the zone's records (issue 18), so they are in force;
  // lookups count only while the zone has no history yet.
  if (zones_ != nullptr && zones_->ZoneOf(qname)) {
    absl::StatusOr<std::vector<ZoneObservation>> zone = zones_->History(qname);
    if (!zone.ok()) {
      error_.Update(zone.status());
      return out;
    }
    if (!zone->empty()) {
      from_zone_[qname] = true;
      return zone->back().observation;
    }
  }
  // A followed zone's RRsets are stored beside the lookups but are no lookup answers, so they
  // are left out here, as `caa check --at` does.
  absl::StatusOr<std::vector<store::CaaObservationRecord>> records =
      store_->caa_history().Observations(qname, absl::InfinitePast(), absl::InfiniteFuture());
  if (!records.ok()) {
    error_.Update(records.status());
    return out;
  }
  for (auto r = records->rbegin(); r != records->rend(); ++r) {
    if (r->basis() != "zone") return FromObservationRecord(*r);
  }
  return out;
}

}  // namespace caawatch::judge
