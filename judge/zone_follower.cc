#include "judge/zone_follower.h"

#include <algorithm>
#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "caa/caa_record.h"
#include "judge/zone_rdata.h"

namespace caawatch::judge {
namespace {

constexpr uint16_t kCname = 5, kDname = 39, kCaa = 257;

// Errors after which the copy held cannot be advanced by increments: transfer it whole.
bool NeedsFullTransfer(const absl::Status& s) {
  return s.code() == absl::StatusCode::kFailedPrecondition ||
         s.code() == absl::StatusCode::kDataLoss;
}

}  // namespace

ZoneFollower::ZoneFollower(FollowedZoneSettings settings, store::Store* store, const Clock* clock,
                           absl::Duration max_gap,
                           std::function<void(const NewObservation&)> on_change)
    : settings_(std::move(settings)),
      store_(store),
      clock_(clock),
      max_gap_(max_gap),
      on_change_(std::move(on_change)) {
  status_.zone = settings_.zone;
}

void ZoneFollower::NoteNotify(std::optional<uint32_t> serial) {
  absl::MutexLock lock(&mu_);
  status_.last_notify = clock_->Now();
  // A NOTIFY for the serial already held costs nothing (RFC 1996 §4.7: the secondary may skip).
  if (serial && status_.serial && *serial == *status_.serial) return;
  notified_ = true;
}

bool ZoneFollower::NoteDisagreement(const std::string& text) {
  absl::MutexLock lock(&mu_);
  ++status_.disagreements;
  status_.last_disagreement_at = clock_->Now();
  if (status_.last_disagreement == text) return false;
  status_.last_disagreement = text;
  return true;
}

absl::Time ZoneFollower::next_refresh() const {
  absl::MutexLock lock(&mu_);
  if (notified_) return absl::InfinitePast();
  return status_.next_refresh;
}

ZoneFollowStatus ZoneFollower::status() const {
  absl::MutexLock lock(&mu_);
  return status_;
}

void ZoneFollower::Fail(const absl::Status& status, absl::Time now) {
  absl::MutexLock lock(&mu_);
  status_.last_error = std::string(status.message());
  status_.last_error_at = now;
  status_.next_refresh = now + retry_;
}

absl::StatusOr<caa::ZoneSnapshot> ZoneFollower::Axfr(std::string* used_primary) const {
  absl::Status last = absl::FailedPreconditionError("no primary configured");
  for (const std::string& primary : settings_.primaries) {
    caa::ZoneTransferOptions options;
    options.primary = primary;
    options.tsig = settings_.tsig;
    options.timeout = settings_.transfer_timeout;
    absl::StatusOr<caa::ZoneSnapshot> snapshot = caa::TransferZone(settings_.zone, options);
    if (snapshot.ok()) {
      *used_primary = primary;
      return snapshot;
    }
    last = Annotate(snapshot.status(), absl::StrCat("AXFR of ", settings_.zone, " from ", primary));
  }
  return last;
}

absl::StatusOr<std::unique_ptr<caa::FollowedZone>> ZoneFollower::LoadCopy() {
  CAAWATCH_ASSIGN_OR_RETURN(std::optional<store::ZoneCopyRecord> saved,
                            store_->followed_zones().GetCopy(settings_.zone));
  if (!saved || saved->zone() != settings_.zone) return nullptr;
  caa::ZoneSnapshot snapshot;
  snapshot.serial = saved->serial();
  for (const store::ZoneRecordPb& r : saved->records()) {
    snapshot.records.push_back({r.owner(), static_cast<uint16_t>(r.type()), r.ttl(),
                                std::vector<uint8_t>(r.rdata().begin(), r.rdata().end())});
  }
  if (saved->refresh_s() > 0) {
    refresh_ =
        std::clamp(absl::Seconds(saved->refresh_s()), settings_.min_refresh, settings_.max_refresh);
    retry_ =
        std::clamp(absl::Seconds(saved->retry_s()), settings_.min_refresh, settings_.max_refresh);
    expire_ = std::max(absl::Seconds(saved->expire_s()), refresh_ + retry_);
  }
  return std::make_unique<caa::FollowedZone>(settings_.zone, snapshot);
}

absl::Status ZoneFollower::SaveCopy(absl::Time now) {
  store::ZoneCopyRecord saved;
  saved.set_zone(settings_.zone);
  saved.set_serial(copy_->serial());
  saved.set_saved_ms(absl::ToUnixMillis(now));
  saved.set_refresh_s(absl::ToInt64Seconds(refresh_));
  saved.set_retry_s(absl::ToInt64Seconds(retry_));
  saved.set_expire_s(absl::ToInt64Seconds(expire_));
  for (const caa::ZoneRecord& r : copy_->Records()) {
    store::ZoneRecordPb* pb = saved.add_records();
    pb->set_owner(r.owner);
    pb->set_type(r.type);
    pb->set_ttl(r.ttl);
    pb->set_rdata(std::string(r.rdata.begin(), r.rdata.end()));
  }
  return Annotate(store_->followed_zones().PutCopy(saved),
                  absl::StrCat("save the copy of followed zone ", settings_.zone));
}

absl::Status ZoneFollower::Refresh() {
  const absl::Time now = clock_->Now();
  {
    absl::MutexLock lock(&mu_);
    notified_ = false;
  }
  std::string primary;
  std::vector<std::string> owners;  // Owners whose RRsets changed.
  bool full = false;
  std::string kind = "up_to_date";
  if (copy_ == nullptr && !loaded_) {
    absl::StatusOr<std::unique_ptr<caa::FollowedZone>> saved = LoadCopy();
    if (!saved.ok()) {
      Fail(saved.status(), now);
      return saved.status();
    }
    loaded_ = true;
    copy_ = *std::move(saved);
    resumed_ = copy_ != nullptr;
  }
  const bool resumed = resumed_;
  if (copy_ == nullptr) {
    absl::StatusOr<caa::ZoneSnapshot> snapshot = Axfr(&primary);
    if (!snapshot.ok()) {
      Fail(snapshot.status(), now);
      return snapshot.status();
    }
    auto copy = std::make_unique<caa::FollowedZone>(settings_.zone, *snapshot);
    for (const caa::RrsetChange& r : copy->Rrsets()) owners.push_back(r.owner);
    if (std::optional<SoaTimers> t = ParseSoaTimers(*snapshot)) {
      refresh_ = std::clamp(t->refresh, settings_.min_refresh, settings_.max_refresh);
      retry_ = std::clamp(t->retry, settings_.min_refresh, settings_.max_refresh);
      expire_ = std::max(t->expire, refresh_ + retry_);
    }
    copy_ = std::move(copy);
    full = true;
    kind = "axfr";
  } else {
    absl::Status last = absl::FailedPreconditionError("no primary configured");
    bool done = false;
    for (const std::string& p : settings_.primaries) {
      caa::ZoneTransferOptions options;
      options.primary = p;
      options.tsig = settings_.tsig;
      options.timeout = settings_.transfer_timeout;
      absl::StatusOr<caa::IxfrAnswer> answer =
          caa::TransferZoneChanges(settings_.zone, copy_->serial(), options);
      if (!answer.ok()) {
        last = Annotate(answer.status(), absl::StrCat("IXFR of ", settings_.zone, " from ", p));
        continue;
      }
      if (answer->kind == caa::IxfrAnswer::Kind::kFull) {
        for (const caa::RrsetChange& c : copy_->Replace(answer->zone)) owners.push_back(c.owner);
        full = true;
        kind = "axfr";
      } else if (answer->kind == caa::IxfrAnswer::Kind::kIncremental) {
        // Applied to a scratch copy: a sequence that does not fit leaves the copy as it was.
        caa::FollowedZone next = *copy_;
        absl::Status applied = absl::OkStatus();
        for (const caa::ZoneChange& change : answer->changes) {
          absl::StatusOr<std::vector<caa::RrsetChange>> changed = next.Apply(change);
          if (!changed.ok()) {
            applied = changed.status();
            break;
          }
          for (const caa::RrsetChange& c : *changed) owners.push_back(c.owner);
        }
        if (!applied.ok()) {
          if (!NeedsFullTransfer(applied)) {
            last = applied;
            continue;
          }
          // The increments do not fit the copy held: take the whole zone (RFC 1995 §4's
          // fallback, done by the secondary).
          owners.clear();
          caa::ZoneTransferOptions axfr = options;
          absl::StatusOr<caa::ZoneSnapshot> snapshot = caa::TransferZone(settings_.zone, axfr);
          if (!snapshot.ok()) {
            last = Annotate(snapshot.status(),
                            absl::StrCat("AXFR of ", settings_.zone, " from ", p,
                                         " after IXFR did not apply (", applied.message(), ")"));
            continue;
          }
          for (const caa::RrsetChange& c : copy_->Replace(*snapshot)) owners.push_back(c.owner);
          full = true;
          kind = "axfr";
        } else {
          *copy_ = std::move(next);
          kind = "ixfr";
          absl::MutexLock lock(&mu_);
          ++status_.incremental_transfers;
        }
      }
      primary = p;
      done = true;
      break;
    }
    if (!done) {
      Fail(last, now);
      return last;
    }
  }
  if (full) {
    absl::MutexLock lock(&mu_);
    ++status_.full_transfers;
  }
  if (resumed) {
    // The first refresh after a restart records every owner, as a first transfer does:
    // unchanged ones extend their records across a restart shorter than max_gap, and start
    // the new span of following after a longer one.
    for (const caa::RrsetChange& r : copy_->Rrsets()) owners.push_back(r.owner);
  }
  // Signatures expire and keys roll without any RRset changing: where they are checked, every
  // owner is checked again after a full transfer and at most once per refresh interval (an
  // unchanged result only extends its record).
  const bool recheck = !settings_.ds.empty() && (full || now - last_full_check_ >= refresh_);
  if (recheck) {
    for (const caa::RrsetChange& r : copy_->Rrsets()) owners.push_back(r.owner);
  }
  if (absl::Status s = RecordOwners(std::move(owners), now); !s.ok()) {
    Fail(s, now);
    return s;
  }
  if (recheck) last_full_check_ = now;
  if (kind != "up_to_date" || resumed) {
    if (absl::Status s = SaveCopy(now); !s.ok()) {
      Fail(s, now);
      return s;
    }
  }
  resumed_ = false;
  absl::MutexLock lock(&mu_);
  status_.serial = copy_->serial();
  status_.last_transfer = now;
  status_.last_error.clear();
  status_.next_refresh = now + refresh_;
  status_.expire = expire_;
  status_.last_transfer_kind = kind;
  return absl::OkStatus();
}

store::CaaObservationRecord ZoneFollower::OwnerRecord(const std::string& owner,
                                                      const std::vector<caa::ZoneRecord>* dnskeys,
                                                      const std::string& dnskey_error,
                                                      absl::Time now) const {
  store::CaaObservationRecord r;
  r.set_query_name(owner);
  r.set_first_seen_ms(absl::ToUnixMillis(now));
  r.set_last_seen_ms(absl::ToUnixMillis(now));
  r.set_basis("zone");
  r.set_zone(settings_.zone);
  r.set_zone_serial(copy_->serial());
  r.set_outcome("noerror");
  r.set_dnssec(settings_.ds.empty() ? "indeterminate" : "secure");
  std::string bogus;
  for (const uint16_t type : {kCaa, kCname, kDname}) {
    const std::vector<caa::ZoneRecord> rrset = copy_->RrsetWithSignatures(owner, type);
    std::vector<const caa::ZoneRecord*> data;
    for (const caa::ZoneRecord& z : rrset) {
      if (z.type == type) data.push_back(&z);
    }
    if (data.empty()) continue;
    if (!settings_.ds.empty() && bogus.empty()) {
      if (dnskeys == nullptr) {
        bogus = dnskey_error;
      } else {
        const caa::RrsetCheck check = caa::CheckRrset(owner, type, rrset, *dnskeys, now);
        if (check.security == caa::RrsetSecurity::kBogus) {
          bogus = absl::StrCat("type ", type, " at ", owner, ": ", check.why);
        }
      }
    }
    for (const caa::ZoneRecord* z : data) {
      if (type == kCaa) {
        r.set_ttl(z->ttl);
        absl::StatusOr<caa::CaaRecord> caa = caa::ParseCaaRdata(z->rdata);
        if (!caa.ok()) {
          bogus = absl::StrCat("malformed CAA record at ", owner, ": ", caa.status().message());
          continue;
        }
        store::CaaRecordPb* pb = r.add_records();
        pb->set_flags(caa->flags);
        pb->set_tag(caa->tag);
        pb->set_value(caa->value);
      } else {
        std::optional<std::string> target = WireNameText(z->rdata);
        if (!target) {
          bogus = absl::StrCat("malformed alias target at ", owner);
          continue;
        }
        if (type == kCname) {
          r.clear_cname_chain();
          r.add_cname_chain(*target);
        } else {
          r.set_dname_target(*target);
        }
      }
    }
  }
  if (!bogus.empty()) {
    // Not believed: a record the zone's keys do not sign is a failure, never a policy.
    r.set_outcome("bogus");
    r.set_dnssec("bogus");
    r.set_error(bogus);
  }
  return r;
}

absl::Status ZoneFollower::RecordOwners(std::vector<std::string> owners, absl::Time now) {
  owners.push_back(settings_.zone);  // The apex's record says the zone was followed until now.
  std::sort(owners.begin(), owners.end());
  owners.erase(std::unique(owners.begin(), owners.end()), owners.end());
  std::optional<std::vector<caa::ZoneRecord>> dnskeys;
  std::string dnskey_error;
  if (!settings_.ds.empty()) {
    std::vector<caa::ZoneRecord> keys = copy_->KeysWithSignatures();
    absl::StatusOr<std::vector<caa::ZoneRecord>> trusted =
        caa::TrustedDnskeys(settings_.zone, keys, settings_.ds, now);
    if (trusted.ok()) {
      dnskeys = std::move(*trusted);
    } else {
      dnskey_error = absl::StrCat("DNSKEY of ", settings_.zone, ": ", trusted.status().message());
    }
  }
  std::vector<store::CaaObservationRecord> records;
  records.reserve(owners.size());
  for (const std::string& owner : owners) {
    records.push_back(OwnerRecord(owner, dnskeys ? &*dnskeys : nullptr, dnskey_error, now));
  }
  absl::StatusOr<std::vector<store::RecordedObservation>> recorded =
      store_->caa_history().RecordAll(records, max_gap_);
  if (!recorded.ok()) {
    return Annotate(recorded.status(),
                    absl::StrCat("record the changes of followed zone ", settings_.zone));
  }
  uint64_t started = 0;
  for (size_t i = 0; i < records.size(); ++i) {
    if ((*recorded)[i].kind != store::RecordedObservation::Kind::kStarted) continue;
    ++started;
    if (on_change_) on_change_({records[i].query_name(), now, records[i].ttl()});
  }
  absl::MutexLock lock(&mu_);
  status_.changes_recorded += started;
  return absl::OkStatus();
}

}  // namespace caawatch::judge
