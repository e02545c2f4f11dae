#include "caa/followed_zone.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "base/quoted_input.h"

namespace caawatch::caa {
namespace {

constexpr uint16_t kCname = 5, kDname = 39, kRrsig = 46, kDnskey = 48, kCaa = 257;

bool Tracked(uint16_t type) {
  return type == kCaa || type == kCname || type == kDname || type == kDnskey;
}
// The types whose changes are reported: what a CAA lookup reads or follows.
bool Reported(uint16_t type) { return type == kCaa || type == kCname || type == kDname; }

uint16_t Covered(const ZoneRecord& rrsig) {
  return rrsig.rdata.size() >= 2 ? static_cast<uint16_t>((rrsig.rdata[0] << 8) | rrsig.rdata[1])
                                 : 0;
}

bool ByRdata(const ZoneRecord& a, const ZoneRecord& b) { return a.rdata < b.rdata; }

// Whether two RRsets hold the same data (TTLs aside: a TTL change alters no CAA policy).
bool SameData(const std::vector<ZoneRecord>& a, const std::vector<ZoneRecord>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](const ZoneRecord& x, const ZoneRecord& y) { return x.rdata == y.rdata; });
}

}  // namespace

FollowedZone::FollowedZone(std::string zone, const ZoneSnapshot& snapshot)
    : zone_(std::move(zone)), serial_(snapshot.serial), rrsets_(Index(snapshot.records)) {}

std::vector<ZoneRecord> FollowedZone::Records() const {
  std::vector<ZoneRecord> out;
  for (const auto& [key, held] : rrsets_) {
    out.insert(out.end(), held.records.begin(), held.records.end());
    out.insert(out.end(), held.signatures.begin(), held.signatures.end());
  }
  return out;
}

std::map<FollowedZone::Key, FollowedZone::Held> FollowedZone::Index(
    const std::vector<ZoneRecord>& records) {
  std::map<Key, Held> out;
  for (const ZoneRecord& r : records) {
    if (Tracked(r.type)) {
      out[{r.owner, r.type}].records.push_back(r);
    } else if (r.type == kRrsig && Tracked(Covered(r))) {
      out[{r.owner, Covered(r)}].signatures.push_back(r);
    }
  }
  for (auto& [key, held] : out) {
    std::sort(held.records.begin(), held.records.end(), ByRdata);
    held.records.erase(
        std::unique(held.records.begin(), held.records.end(),
                    [](const ZoneRecord& a, const ZoneRecord& b) { return a.rdata == b.rdata; }),
        held.records.end());
  }
  return out;
}

std::vector<RrsetChange> FollowedZone::Diff(const std::map<Key, Held>& before,
                                            const std::map<Key, Held>& after) {
  std::set<Key> keys;
  for (const auto& [key, held] : before) keys.insert(key);
  for (const auto& [key, held] : after) keys.insert(key);
  std::vector<RrsetChange> out;
  static const std::vector<ZoneRecord> kNone;
  for (const Key& key : keys) {
    if (!Reported(key.second)) continue;
    const auto b = before.find(key);
    const auto a = after.find(key);
    const std::vector<ZoneRecord>& old_records = b == before.end() ? kNone : b->second.records;
    const std::vector<ZoneRecord>& new_records = a == after.end() ? kNone : a->second.records;
    if (!SameData(old_records, new_records)) out.push_back({key.first, key.second, new_records});
  }
  return out;
}

absl::StatusOr<std::vector<RrsetChange>> FollowedZone::Apply(const ZoneChange& change) {
  if (change.from_serial != serial_) {
    return absl::FailedPreconditionError(absl::StrCat("the changes of ", zone_, " start at serial ",
                                                      change.from_serial, ", the copy held is at ",
                                                      serial_));
  }
  std::map<Key, Held> next = rrsets_;
  for (const ZoneRecord& r : change.removed) {
    const bool signature = r.type == kRrsig;
    if (!Tracked(signature ? Covered(r) : r.type)) continue;
    const auto held = next.find({r.owner, signature ? Covered(r) : r.type});
    std::vector<ZoneRecord>* list = held == next.end() ? nullptr
                                    : signature        ? &held->second.signatures
                                                       : &held->second.records;
    const auto found = list == nullptr
                           ? std::vector<ZoneRecord>::iterator()
                           : std::find_if(list->begin(), list->end(),
                                          [&](const ZoneRecord& x) { return x.rdata == r.rdata; });
    if (list == nullptr || found == list->end()) {
      return absl::DataLossError(absl::StrCat(
          "the changes of ", zone_, " to serial ", change.to_serial, " remove a record of ",
          QuoteInput(r.owner), " (type ", r.type, ") that the copy held does not have"));
    }
    list->erase(found);
    if (held->second.records.empty() && held->second.signatures.empty()) next.erase(held);
  }
  for (const ZoneRecord& r : change.added) {
    const bool signature = r.type == kRrsig;
    if (!Tracked(signature ? Covered(r) : r.type)) continue;
    Held& held = next[{r.owner, signature ? Covered(r) : r.type}];
    std::vector<ZoneRecord>& list = signature ? held.signatures : held.records;
    if (std::none_of(list.begin(), list.end(),
                     [&](const ZoneRecord& x) { return x.rdata == r.rdata; })) {
      list.push_back(r);
      if (!signature) std::sort(list.begin(), list.end(), ByRdata);
    }
  }
  std::vector<RrsetChange> changed = Diff(rrsets_, next);
  rrsets_ = std::move(next);
  serial_ = change.to_serial;
  return changed;
}

std::vector<RrsetChange> FollowedZone::Replace(const ZoneSnapshot& snapshot) {
  std::map<Key, Held> next = Index(snapshot.records);
  std::vector<RrsetChange> changed = Diff(rrsets_, next);
  rrsets_ = std::move(next);
  serial_ = snapshot.serial;
  return changed;
}

std::vector<ZoneRecord> FollowedZone::RrsetWithSignatures(const std::string& owner,
                                                          uint16_t type) const {
  const auto held = rrsets_.find({owner, type});
  if (held == rrsets_.end()) return {};
  std::vector<ZoneRecord> out = held->second.records;
  out.insert(out.end(), held->second.signatures.begin(), held->second.signatures.end());
  return out;
}

std::vector<ZoneRecord> FollowedZone::KeysWithSignatures() const {
  return RrsetWithSignatures(zone_, kDnskey);
}

std::vector<RrsetChange> FollowedZone::Rrsets() const {
  std::vector<RrsetChange> out;
  for (const auto& [key, held] : rrsets_) {
    if (Reported(key.second) && !held.records.empty()) {
      out.push_back({key.first, key.second, held.records});
    }
  }
  return out;
}

}  // namespace caawatch::caa
