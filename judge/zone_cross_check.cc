#include "judge/zone_cross_check.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/quoted_input.h"
#include "base/status_macros.h"

namespace caawatch::judge {
namespace {

std::vector<std::string> Sorted(const std::vector<caa::CaaRecord>& records) {
  std::vector<std::string> out;
  for (const caa::CaaRecord& r : records) {
    out.push_back(absl::StrCat(r.flags, " ", r.tag, " ", QuoteInput(r.value)));
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string Text(const std::vector<std::string>& records) {
  return records.empty() ? "no CAA" : absl::StrJoin(records, ", ");
}

}  // namespace

absl::StatusOr<std::optional<std::string>> CrossCheckLookup(const ZoneHistory& zones,
                                                            store::Store* store,
                                                            const std::string& query_name) {
  if (!zones.ZoneOf(query_name)) return std::nullopt;
  CAAWATCH_ASSIGN_OR_RETURN(
      std::vector<store::CaaObservationRecord> all,
      store->caa_history().Observations(query_name, absl::InfinitePast(), absl::InfiniteFuture()));
  const store::CaaObservationRecord* lookup = nullptr;
  for (const store::CaaObservationRecord& r : all) {
    if (r.basis().empty()) lookup = &r;
  }
  if (lookup == nullptr || (lookup->outcome() != "noerror" && lookup->outcome() != "nxdomain")) {
    return std::nullopt;
  }
  const absl::Time at = absl::FromUnixMillis(lookup->last_seen_ms());
  CAAWATCH_ASSIGN_OR_RETURN(std::vector<ZoneObservation> history, zones.History(query_name));
  for (size_t i = 0; i < history.size(); ++i) {
    const ZoneObservation& z = history[i];
    const caa::Observation& o = z.observation;
    // The newest state holds past its last confirmation until the next refresh, which comes
    // within max_gap (a change before it is NOTIFYed): a lookup made since, as every lookup
    // checked as it is recorded is, is compared with it.
    const absl::Time until = i + 1 == history.size() ? o.last_seen + zones.max_gap() : o.last_seen;
    if (o.first_seen > at || until < at) continue;
    if (!o.answer.is_answer()) return std::nullopt;  // Bogus in the zone: said elsewhere.
    // A resolver may serve the state before a change for a TTL after it.
    if (at - o.first_seen < absl::Seconds(std::max(lookup->ttl(), o.answer.ttl))) {
      return std::nullopt;
    }
    std::vector<caa::CaaRecord> looked_up;
    for (const store::CaaRecordPb& pb : lookup->records()) {
      looked_up.push_back({static_cast<uint8_t>(pb.flags()), pb.tag(), pb.value()});
    }
    const std::vector<std::string> a = Sorted(looked_up);
    const std::vector<std::string> b = Sorted(o.answer.records);
    if (a == b) return std::nullopt;
    return absl::StrCat("CAA of ", query_name, " looked up at ", absl::FormatTime(at), ": ",
                        Text(a), "; followed zone ", z.zone, " at serial ", z.serial, ": ",
                        Text(b));
  }
  return std::nullopt;
}

}  // namespace caawatch::judge
