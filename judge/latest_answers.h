// The CAA answer in force now for each query name, from the store: the latest lookup answer,
// or, for a name in a followed zone, the zone's latest state (judge/zone_history.h), which is
// what caawatch judges such a name by. Read once per name; for `caa suggest` and the renewal
// guard. Not thread-safe: one per task.
#ifndef CAAWATCH_JUDGE_LATEST_ANSWERS_H_
#define CAAWATCH_JUDGE_LATEST_ANSWERS_H_

#include <map>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "caa/caa_answer.h"
#include "caa/issuance_window.h"
#include "judge/zone_history.h"
#include "names/domain_name.h"
#include "store/store.h"

namespace caawatch::judge {

class LatestAnswers {
 public:
  // `store` and `zones` (null: no followed zone) are borrowed.
  explicit LatestAnswers(store::Store* store, const ZoneHistory* zones = nullptr)
      : store_(store), zones_(zones) {}

  // The latest observation of `qname`. A name never observed has a failed answer ("never
  // observed") seen at InfinitePast. A store error is kept in error() and reads as never
  // observed.
  const caa::Observation& Latest(const names::DomainName& qname);
  caa::CaaAnswer Lookup(const names::DomainName& qname) { return Latest(qname).answer; }
  // Latest()'s last_seen for a name already read; InfinitePast otherwise.
  absl::Time LastSeen(const std::string& qname) const;
  // Whether Latest(qname) came from a followed zone.
  bool FromZone(const std::string& qname) const { return from_zone_.count(qname) > 0; }
  const absl::Status& error() const { return error_; }

 private:
  caa::Observation Read(const std::string& qname);

  store::Store* const store_;
  const ZoneHistory* const zones_;
  std::map<std::string, caa::Observation> latest_;
  std::map<std::string, bool> from_zone_;
  absl::Status error_;
};

}  // namespace caawatch::judge

#endif  // CAAWATCH_JUDGE_LATEST_ANSWERS_H_
