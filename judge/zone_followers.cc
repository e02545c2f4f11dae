#include "judge/zone_followers.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"

namespace caawatch::judge {
namespace {

// "127.0.0.1" of "127.0.0.1:53", "::1" of "[::1]:53": the address a NOTIFY comes from.
std::string HostOf(const std::string& primary) {
  if (!primary.empty() && primary.front() == '[') {
    const size_t end = primary.find(']');
    return end == std::string::npos ? primary : primary.substr(1, end - 1);
  }
  const size_t colon = primary.find(':');
  if (colon != std::string::npos && primary.find(':', colon + 1) == std::string::npos) {
    return primary.substr(0, colon);
  }
  return primary;
}

}  // namespace

ZoneFollowers::ZoneFollowers(std::vector<FollowedZoneSettings> zones, store::Store* store,
                             const Clock* clock, const Logger* logger, absl::Duration max_gap,
                             std::function<void(const NewObservation&)> on_change)
    : store_(store), logger_(logger), clock_(clock) {
  for (FollowedZoneSettings& z : zones) {
    followers_.push_back(
        std::make_unique<ZoneFollower>(std::move(z), store, clock, max_gap, on_change));
  }
}

ZoneFollowers::~ZoneFollowers() { Stop(); }

void ZoneFollowers::RefreshDue() {
  absl::MutexLock refresh(&refresh_mu_);
  for (const std::unique_ptr<ZoneFollower>& f : followers_) {
    if (f->next_refresh() > clock_->Now()) continue;
    const std::optional<uint32_t> before = f->status().serial;
    const absl::Status refreshed = f->Refresh();
    Persist(*f);
    if (const absl::Status& s = refreshed; !s.ok()) {
      logger_->Log(LogLevel::kWarning, "zones",
                   absl::StrCat("zone ", f->zone(),
                                ": refresh failed, the CAA history is "
                                "unchanged; retrying at the SOA retry time: ",
                                s.message()));
      continue;
    }
    const ZoneFollowStatus st = f->status();
    if (st.serial != before) {
      logger_->Log(LogLevel::kInfo, "zones",
                   absl::StrCat("zone ", f->zone(), ": at serial ", st.serial.value_or(0),
                                before ? absl::StrCat(" (was ", *before, ")") : " (first transfer)",
                                "; ", st.changes_recorded, " CAA changes recorded so far"));
    }
  }
}

void ZoneFollowers::Start() {
  if (followers_.empty() || thread_.joinable()) return;
  thread_ = std::thread([this] { Loop(); });
}

void ZoneFollowers::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

void ZoneFollowers::Loop() {
  while (true) {
    absl::Time next = absl::InfiniteFuture();
    for (const std::unique_ptr<ZoneFollower>& f : followers_) {
      next = std::min(next, f->next_refresh());
    }
    {
      absl::MutexLock lock(&mu_);
      clock_->AwaitWithDeadline(&mu_, absl::Condition(this, &ZoneFollowers::ShouldWake), next);
      if (stopping_) return;
      wake_ = false;
    }
    RefreshDue();
  }
}

void ZoneFollowers::Notified(const std::string& zone, std::optional<uint32_t> serial) {
  for (const std::unique_ptr<ZoneFollower>& f : followers_) {
    if (f->zone() != zone) continue;
    f->NoteNotify(serial);
    Persist(*f);
    absl::MutexLock lock(&mu_);
    wake_ = true;
  }
}

store::ZoneStatusRecord ZoneFollowers::RecordOf(const ZoneFollowStatus& st) const {
  const auto ms = [](absl::Time t) {
    return t == absl::InfinitePast() ? 0 : absl::ToUnixMillis(t);
  };
  store::ZoneStatusRecord r;
  r.set_zone(st.zone);
  r.set_has_serial(st.serial.has_value());
  r.set_serial(st.serial.value_or(0));
  r.set_last_transfer_ms(ms(st.last_transfer));
  r.set_last_notify_ms(ms(st.last_notify));
  r.set_last_error(st.last_error);
  r.set_last_error_ms(ms(st.last_error_at));
  r.set_expire_ms(absl::ToInt64Milliseconds(st.expire));
  r.set_updated_ms(absl::ToUnixMillis(clock_->Now()));
  r.set_last_transfer_kind(st.last_transfer_kind);
  r.set_full_transfers(st.full_transfers);
  r.set_incremental_transfers(st.incremental_transfers);
  r.set_changes_recorded(st.changes_recorded);
  r.set_last_disagreement(st.last_disagreement);
  r.set_last_disagreement_ms(ms(st.last_disagreement_at));
  r.set_disagreements(st.disagreements);
  return r;
}

std::vector<store::ZoneStatusRecord> ZoneFollowers::StatusRecords() const {
  std::vector<store::ZoneStatusRecord> out;
  for (const std::unique_ptr<ZoneFollower>& f : followers_) out.push_back(RecordOf(f->status()));
  return out;
}

void ZoneFollowers::Persist(const ZoneFollower& f) const {
  // Read and written under one lock: a slower writer never stores an older state over a newer.
  absl::MutexLock lock(&persist_mu_);
  const ZoneFollowStatus st = f.status();
  if (absl::Status s = store_->followed_zones().PutStatus(RecordOf(st)); !s.ok()) {
    logger_->Log(LogLevel::kWarning, "zones",
                 absl::StrCat("zone ", st.zone, ": status not stored: ", s.message()));
  }
}

bool ZoneFollowers::NoteDisagreement(const std::string& zone, const std::string& text) {
  for (const std::unique_ptr<ZoneFollower>& f : followers_) {
    if (f->zone() != zone) continue;
    const bool news = f->NoteDisagreement(text);
    Persist(*f);
    return news;
  }
  return false;
}

std::vector<ZoneFollowStatus> ZoneFollowers::Status() const {
  std::vector<ZoneFollowStatus> out;
  for (const std::unique_ptr<ZoneFollower>& f : followers_) out.push_back(f->status());
  return out;
}

std::vector<caa::NotifySource> ZoneFollowers::NotifySources() const {
  std::vector<caa::NotifySource> out;
  for (const std::unique_ptr<ZoneFollower>& f : followers_) {
    caa::NotifySource s;
    s.zone = f->zone();
    for (const std::string& p : f->settings().primaries) s.primaries.push_back(HostOf(p));
    s.tsig = f->settings().tsig;
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<std::string> ZoneFollowers::zones() const {
  std::vector<std::string> out;
  for (const std::unique_ptr<ZoneFollower>& f : followers_) out.push_back(f->zone());
  return out;
}

}  // namespace caawatch::judge
