// The part of a followed zone that CAA lookups can meet (issue 18): its CAA, CNAME and DNAME
// RRsets, with their RRSIGs and the zone's DNSKEYs for the signature checks, at one serial.
// Built from a full transfer and advanced by IXFR difference sequences; each step reports the
// CAA, CNAME and DNAME RRsets whose content changed (re-signing alone changes nothing), so the
// follower records exactly the changes in the CAA history. Pure; not thread-safe.
#ifndef CAAWATCH_CAA_FOLLOWED_ZONE_H_
#define CAAWATCH_CAA_FOLLOWED_ZONE_H_

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "caa/zone_transfer.h"

namespace caawatch::caa {

// One RRset as it is after a step: empty `records` means the RRset is gone.
struct RrsetChange {
  std::string owner;
  uint16_t type = 0;
  std::vector<ZoneRecord> records;
};

class FollowedZone {
 public:
  FollowedZone(std::string zone, const ZoneSnapshot& snapshot);

  // Applies one IXFR difference sequence, which must start at serial(). kFailedPrecondition if
  // it starts elsewhere, kDataLoss if it removes a record the zone does not hold (the follower
  // then transfers the whole zone). Nothing changes on error.
  absl::StatusOr<std::vector<RrsetChange>> Apply(const ZoneChange& change);
  // Takes a whole new copy of the zone (AXFR, or an IXFR answered with the whole zone).
  std::vector<RrsetChange> Replace(const ZoneSnapshot& snapshot);

  const std::string& zone() const { return zone_; }
  uint32_t serial() const { return serial_; }
  // The records at `owner` of `type`, and the RRSIGs at `owner` covering it (for CheckRrset).
  std::vector<ZoneRecord> RrsetWithSignatures(const std::string& owner, uint16_t type) const;
  // The zone's DNSKEY RRset and its RRSIGs (for TrustedDnskeys).
  std::vector<ZoneRecord> KeysWithSignatures() const;
  // Every CAA, CNAME and DNAME RRset held, owner order.
  std::vector<RrsetChange> Rrsets() const;
  // Every record held, RRSIGs included: a snapshot of them at serial() rebuilds this copy
  // (the follower saves it, to continue by IXFR after a restart).
  std::vector<ZoneRecord> Records() const;

 private:
  using Key = std::pair<std::string, uint16_t>;  // Owner, type (RRSIGs: by the type covered).
  struct Held {
    std::vector<ZoneRecord> records;
    std::vector<ZoneRecord> signatures;
  };
  static std::map<Key, Held> Index(const std::vector<ZoneRecord>& records);
  static std::vector<RrsetChange> Diff(const std::map<Key, Held>& before,
                                       const std::map<Key, Held>& after);

  std::string zone_;
  uint32_t serial_ = 0;
  std::map<Key, Held> rrsets_;
};

}  // namespace caawatch::caa

#endif  // CAAWATCH_CAA_FOLLOWED_ZONE_H_
