#include "judge/zone_history.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "judge/caa_observer.h"

namespace caawatch::judge {
namespace {

constexpr int kMaxAliases = 8;  // Alias steps followed before an answer counts as a loop.
constexpr int kMaxRounds = 4;   // Rounds of finding the owners an answer can depend on.

bool AtOrUnder(const std::string& name, const std::string& zone) {
  return name == zone || absl::EndsWith(name, absl::StrCat(".", zone));
}

struct Span {
  int64_t start = 0;
  int64_t end = 0;
};

// The records of one owner, oldest first.
using Records = std::vector<store::CaaObservationRecord>;

// Reads and caches the zone records of the owners an answer consults.
class ZoneState {
 public:
  ZoneState(store::Store* store, std::string zone) : store_(store), zone_(std::move(zone)) {}

  absl::StatusOr<const Records*> Of(const std::string& owner) {
    auto it = cache_.find(owner);
    if (it != cache_.end()) return &it->second;
    CAAWATCH_ASSIGN_OR_RETURN(
        std::vector<store::CaaObservationRecord> all,
        store_->caa_history().Observations(owner, absl::InfinitePast(), absl::InfiniteFuture()));
    Records mine;
    for (store::CaaObservationRecord& r : all) {
      if (r.basis() == "zone" && r.zone() == zone_) mine.push_back(std::move(r));
    }
    return &cache_.emplace(owner, std::move(mine)).first->second;
  }
  // The record in force for `owner` at `t` in the span starting at `span_start`, or null.
  absl::StatusOr<const store::CaaObservationRecord*> At(const std::string& owner, int64_t t,
                                                        int64_t span_start) {
    CAAWATCH_ASSIGN_OR_RETURN(const Records* records, Of(owner));
    const store::CaaObservationRecord* found = nullptr;
    for (const store::CaaObservationRecord& r : *records) {
      if (r.first_seen_ms() <= t && r.last_seen_ms() >= span_start) found = &r;
    }
    return found;
  }
  const std::map<std::string, Records>& cache() const { return cache_; }
  const std::string& zone() const { return zone_; }

 private:
  store::Store* const store_;
  const std::string zone_;
  std::map<std::string, Records> cache_;
};

struct Resolved {
  caa::CaaAnswer answer;
  uint32_t serial = 0;
};

bool SameAnswer(const caa::CaaAnswer& a, const caa::CaaAnswer& b) {
  return a.outcome == b.outcome && a.records == b.records && a.cname_chain == b.cname_chain &&
         a.ttl == b.ttl && a.dnssec == b.dnssec && a.error == b.error;
}

caa::CaaAnswer Failure(const std::string& qname, std::string why) {
  caa::CaaAnswer a;
  a.qname = qname;
  a.outcome = caa::LookupOutcome::kOtherError;
  a.dnssec = caa::DnssecStatus::kIndeterminate;
  a.error = std::move(why);
  return a;
}

// A record the zone's signatures do not prove: not believed.
caa::CaaAnswer Bogus(const std::string& qname, const std::string& why) {
  caa::CaaAnswer a = Failure(qname, why);
  a.outcome = caa::LookupOutcome::kBogus;
  a.dnssec = caa::DnssecStatus::kBogus;
  return a;
}

// An alias (`kind`, "CNAME" or "DNAME") to `target` outside the zone: the zone cannot say.
caa::CaaAnswer LeavesZone(const std::string& qname, absl::string_view kind,
                          const std::string& target, const std::string& zone) {
  return Failure(qname, absl::StrCat("the ", kind, " target ", target,
                                     " is outside the followed zone ", zone));
}

// The answer a CAA query for `qname` got at `t` (see the header), from the zone state.
absl::StatusOr<Resolved> Resolve(ZoneState* state, const std::string& qname, int64_t t,
                                 int64_t span_start) {
  Resolved out;
  std::string name = qname;
  std::vector<std::string> chain;
  const auto note = [&](const store::CaaObservationRecord* r) {
    if (r != nullptr) out.serial = std::max(out.serial, r->zone_serial());
  };
  // The apex's record says whether the zone is believed at all (its DNSKEYs).
  CAAWATCH_ASSIGN_OR_RETURN(const store::CaaObservationRecord* apex,
                            state->At(state->zone(), t, span_start));
  note(apex);
  for (int step = 0; step <= kMaxAliases; ++step) {
    // A DNAME at an ancestor inside the zone (the highest one) rewrites the name below it.
    std::vector<std::string> ancestors;
    for (size_t dot = name.find('.'); dot != std::string::npos; dot = name.find('.', dot + 1)) {
      const std::string a = name.substr(dot + 1);
      if (!AtOrUnder(a, state->zone())) break;
      ancestors.push_back(a);
    }
    bool rewritten = false;
    for (auto it = ancestors.rbegin(); it != ancestors.rend(); ++it) {
      CAAWATCH_ASSIGN_OR_RETURN(const store::CaaObservationRecord* r,
                                state->At(*it, t, span_start));
      if (r == nullptr || r->dname_target().empty()) continue;
      note(r);
      if (r->outcome() == "bogus") {
        out.answer = Bogus(qname, r->error());
        return out;
      }
      name = absl::StrCat(name.substr(0, name.size() - it->size()), r->dname_target());
      rewritten = true;
      break;
    }
    if (rewritten) {
      chain.push_back(name);
      if (!AtOrUnder(name, state->zone())) {
        out.answer = LeavesZone(qname, "DNAME", name, state->zone());
        return out;
      }
      continue;
    }
    CAAWATCH_ASSIGN_OR_RETURN(const store::CaaObservationRecord* r, state->At(name, t, span_start));
    note(r);
    if (r != nullptr && r->outcome() == "bogus") {
      out.answer = Bogus(qname, r->error());
      return out;
    }
    if (r != nullptr && r->cname_chain_size() > 0) {
      name = r->cname_chain(0);
      chain.push_back(name);
      if (!AtOrUnder(name, state->zone())) {
        out.answer = LeavesZone(qname, "CNAME", name, state->zone());
        return out;
      }
      continue;
    }
    caa::CaaAnswer& a = out.answer;
    a.qname = qname;
    a.outcome = caa::LookupOutcome::kNoError;
    a.cname_chain = chain;
    const std::string& dnssec = r != nullptr      ? r->dnssec()
                                : apex != nullptr ? apex->dnssec()
                                                  : std::string("indeterminate");
    // An empty answer is not proven by the zone's signatures (no NSEC check): not "secure".
    a.dnssec = r != nullptr && r->records_size() > 0 && dnssec == "secure"
                   ? caa::DnssecStatus::kSecure
                   : caa::DnssecStatus::kIndeterminate;
    if (r != nullptr) {
      a.ttl = r->ttl();
      for (const store::CaaRecordPb& pb : r->records()) {
        a.records.push_back(caa::CaaRecord{static_cast<uint8_t>(pb.flags()), pb.tag(), pb.value()});
      }
    }
    return out;
  }
  out.answer = Failure(qname, absl::StrCat("more than ", kMaxAliases, " aliases"));
  return out;
}

}  // namespace

ZoneHistory::ZoneHistory(store::Store* store, std::vector<std::string> zones,
                         absl::Duration max_gap)
    : store_(store), zones_(std::move(zones)), max_gap_(max_gap) {}

std::optional<std::string> ZoneHistory::ZoneOf(const std::string& query_name) const {
  std::optional<std::string> best;
  for (const std::string& z : zones_) {
    if (AtOrUnder(query_name, z) && (!best || z.size() > best->size())) best = z;
  }
  return best;
}

absl::StatusOr<std::vector<ZoneObservation>> ZoneHistory::History(
    const std::string& query_name) const {
  std::vector<ZoneObservation> out;
  const std::optional<std::string> zone = ZoneOf(query_name);
  if (!zone) return out;
  ZoneState state(store_, *zone);
  // The spans of following: the apex's zone records, merged across gaps under max_gap.
  CAAWATCH_ASSIGN_OR_RETURN(const Records* apex, state.Of(*zone));
  std::vector<Span> spans;
  const int64_t gap = absl::ToInt64Milliseconds(max_gap_);
  for (const store::CaaObservationRecord& r : *apex) {
    if (!spans.empty() && r.first_seen_ms() - spans.back().end <= gap) {
      spans.back().end = std::max(spans.back().end, r.last_seen_ms());
    } else {
      spans.push_back({r.first_seen_ms(), r.last_seen_ms()});
    }
  }
  for (const Span& span : spans) {
    // The moments the answer can change: the span's start, and every record of an owner the
    // answer consulted at some moment (found in rounds: an alias adds its target's owners).
    std::set<int64_t> times = {span.start};
    std::set<std::string> owners_seen;
    for (int round = 0; round < kMaxRounds; ++round) {
      for (const int64_t t : std::set<int64_t>(times)) {
        CAAWATCH_RETURN_IF_ERROR(Resolve(&state, query_name, t, span.start).status());
      }
      bool grew = false;
      for (const auto& [owner, records] : state.cache()) {
        if (!owners_seen.insert(owner).second) continue;
        for (const store::CaaObservationRecord& r : records) {
          if (r.first_seen_ms() > span.start && r.first_seen_ms() <= span.end) {
            grew |= times.insert(r.first_seen_ms()).second;
          }
        }
      }
      if (!grew) break;
    }
    const std::vector<int64_t> moments(times.begin(), times.end());
    for (size_t i = 0; i < moments.size(); ++i) {
      CAAWATCH_ASSIGN_OR_RETURN(Resolved resolved,
                                Resolve(&state, query_name, moments[i], span.start));
      const int64_t end = i + 1 < moments.size() ? moments[i + 1] - 1 : span.end;
      if (!out.empty() && out.back().zone == *zone &&
          out.back().observation.last_seen == absl::FromUnixMillis(moments[i] - 1) &&
          SameAnswer(out.back().observation.answer, resolved.answer)) {
        out.back().observation.last_seen = absl::FromUnixMillis(end);
        continue;
      }
      ZoneObservation z;
      z.zone = *zone;
      z.serial = resolved.serial;
      z.observation.answer = std::move(resolved.answer);
      z.observation.first_seen = absl::FromUnixMillis(moments[i]);
      z.observation.last_seen = absl::FromUnixMillis(std::max(end, moments[i]));
      z.observation.answer.observed_at = z.observation.first_seen;
      out.push_back(std::move(z));
    }
  }
  return out;
}

}  // namespace caawatch::judge
