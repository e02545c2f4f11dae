// Follows one zone its owner lets caawatch transfer, as a secondary server does (issue 18): a
// full transfer at the start, then IXFR (AXFR when the increments do not apply) at the SOA's
// refresh time (its retry time after a failure) and at once after a NOTIFY. Every change of the
// zone's CAA, CNAME or DNAME RRsets is recorded in the store's CAA history as a record with
// basis "zone" and the serial (SCHEMA.md "Followed zones"); where the zone is signed and a DS
// is configured, each RRset is checked against the zone's signatures and a tampered one is
// recorded bogus. A failed transfer changes nothing in the history. The copy held is saved in
// the store after every refresh that changed it, so that a restart continues with IXFR from
// its serial and the history stays continuous. Thread-compatible: one
// thread calls Refresh (ZoneFollowers), others may call NoteNotify and status().
#ifndef CAAWATCH_JUDGE_ZONE_FOLLOWER_H_
#define CAAWATCH_JUDGE_ZONE_FOLLOWER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "base/clock.h"
#include "caa/followed_zone.h"
#include "caa/zone_signatures.h"
#include "caa/zone_transfer.h"
#include "judge/caa_observer.h"
#include "store/store.h"

namespace caawatch::judge {

struct FollowedZoneSettings {
  std::string zone;                    // Apex: lowercase, no final dot.
  std::vector<std::string> primaries;  // "IP:PORT", tried in order.
  std::optional<caa::TsigKey> tsig;
  // The zone's DS records: set, DNSKEYs and RRSIGs are checked; empty, the zone's RRsets are
  // recorded with DNSSEC status "indeterminate" (not validated).
  std::vector<caa::DsRecord> ds;
  absl::Duration transfer_timeout = absl::Seconds(30);
  // Bounds on the SOA's refresh and retry times: a refresh also confirms that the zone is still
  // followed (the apex's record), so it must come well within the CAA history's max_gap.
  absl::Duration min_refresh = absl::Seconds(5);
  absl::Duration max_refresh = absl::Hours(1);
};

// What `caawatch zones status` shows of one zone.
struct ZoneFollowStatus {
  std::string zone;
  std::optional<uint32_t> serial;                   // None before the first transfer.
  absl::Time last_transfer = absl::InfinitePast();  // Last successful refresh.
  absl::Time last_notify = absl::InfinitePast();    // Last accepted NOTIFY.
  std::string last_error;                           // Empty when the last refresh succeeded.
  absl::Time last_error_at = absl::InfinitePast();
  absl::Time next_refresh = absl::InfinitePast();
  // How long the copy stays good without a successful refresh: the SOA's expire, at least the
  // refresh plus retry interval followed (a shorter one would lapse between two refreshes).
  absl::Duration expire = absl::ZeroDuration();
  std::string last_transfer_kind;      // "axfr", "ixfr" or "up_to_date"; "" before the first.
  uint64_t full_transfers = 0;         // AXFRs, and IXFRs answered with the whole zone.
  uint64_t incremental_transfers = 0;  // IXFRs applied as increments.
  uint64_t changes_recorded = 0;       // Zone records that started a new observation.
  // The cross-check (zone_cross_check.h): the latest lookup answer that disagreed with the
  // zone, when, and how many answers did.
  std::string last_disagreement;
  absl::Time last_disagreement_at = absl::InfinitePast();
  uint64_t disagreements = 0;
};

class ZoneFollower {
 public:
  // `store`, `clock` borrowed. `on_change` (may be empty) is told of each record that started
  // a new observation, as CaaObserver tells of new answers (re-evaluation). `max_gap` as the
  // observer's: the apex's record is extended across refreshes closer than it.
  ZoneFollower(FollowedZoneSettings settings, store::Store* store, const Clock* clock,
               absl::Duration max_gap, std::function<void(const NewObservation&)> on_change);

  // One refresh: the first is a full transfer, later ones IXFR from the serial held, falling
  // back to AXFR when the increments do not apply to the copy held. Records what changed.
  // Errors: the transfer's (caa/zone_transfer.h), kept for status(); the history is unchanged.
  [[nodiscard]] absl::Status Refresh();
  // A NOTIFY for this zone was accepted: refresh at once.
  void NoteNotify(std::optional<uint32_t> serial);
  // A lookup answer disagreed with the zone (`text` says how). True when `text` differs from
  // the disagreement noted last (news to log).
  bool NoteDisagreement(const std::string& text);
  // When the next Refresh is due (now after a NOTIFY or before the first transfer).
  absl::Time next_refresh() const;
  ZoneFollowStatus status() const;
  const std::string& zone() const { return settings_.zone; }
  const FollowedZoneSettings& settings() const { return settings_; }

 private:
  absl::StatusOr<caa::ZoneSnapshot> Axfr(std::string* used_primary) const;
  // The copy saved by an earlier run (store/followed_zones.h), if any: the first refresh then
  // asks for the changes since its serial. Errors: the store's.
  absl::StatusOr<std::unique_ptr<caa::FollowedZone>> LoadCopy();
  absl::Status SaveCopy(absl::Time now);
  // The zone record of `owner` as the copy holds it now.
  store::CaaObservationRecord OwnerRecord(const std::string& owner,
                                          const std::vector<caa::ZoneRecord>* dnskeys,
                                          const std::string& dnskey_error, absl::Time now) const;
  // Records the owners' records (and the apex's); after a full transfer, every owner.
  absl::Status RecordOwners(std::vector<std::string> owners, absl::Time now);
  void Fail(const absl::Status& status, absl::Time now);

  const FollowedZoneSettings settings_;
  store::Store* const store_;
  const Clock* const clock_;
  const absl::Duration max_gap_;
  const std::function<void(const NewObservation&)> on_change_;
  std::unique_ptr<caa::FollowedZone> copy_;  // Refresh's thread only.
  bool loaded_ = false;                      // LoadCopy was tried.
  bool resumed_ = false;  // The copy came from the store; not yet refreshed since.
  absl::Duration refresh_ = absl::Minutes(5);
  absl::Duration retry_ = absl::Minutes(1);
  absl::Duration expire_ = absl::Hours(24 * 7);        // Until an SOA says otherwise.
  absl::Time last_full_check_ = absl::InfinitePast();  // Of every owner's signatures.

  mutable absl::Mutex mu_;
  ZoneFollowStatus status_ ABSL_GUARDED_BY(mu_);
  bool notified_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace caawatch::judge

#endif  // CAAWATCH_JUDGE_ZONE_FOLLOWER_H_
