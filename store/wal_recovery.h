// Recovery from a damaged write-ahead log: the store is rolled back to its last intact write,
// and what the damaged log held past that point is read (as far as it can be) to say what was
// lost. Log positions roll back with the findings they were committed with, so tailing again
// from the kept positions reads the lost entries again and restores the findings.
#ifndef CAAWATCH_STORE_WAL_RECOVERY_H_
#define CAAWATCH_STORE_WAL_RECOVERY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace caawatch::store {

// What a damaged write-ahead log took, as far as the records after the damage tell.
struct WalLoss {
  // Findings with seq in [first_lost_seq, end_lost_seq) had been recorded (and alerted) and are
  // gone; empty when the records after the damage name none. New findings start at
  // end_lost_seq, so a finding found again reaches subscribers as a new alert.
  uint64_t first_lost_seq = 0;
  uint64_t end_lost_seq = 0;
  struct Rewind {
    std::string log;             // The log's description, else its URL.
    uint64_t kept_position = 0;  // Entries [kept_position, lost_position) are read again.
    uint64_t lost_position = 0;
  };
  std::vector<Rewind> logs;
  // No record after the damage could be read: the damage was at the end of the log, and
  // what the damaged records held is not known beyond the seq high-water mark
  // (store/seq_reservation.h): [first_lost_seq, end_lost_seq) then holds the seqs handed out
  // past the last intact write, which that write's findings took (unless it failed).
  bool unknown = false;
  // No high-water mark could be read (a store written before it existed, or a damaged file):
  // with `unknown`, seqs the lost writes handed out may be handed out again.
  bool no_high_water = false;

  // One paragraph for the operator: what was lost and that reading the logs again restores it.
  std::string Describe() const;
};

// For a store whose open failed with kDataLoss: if the damage is confined to the write-ahead
// log, rolls the store back to its last intact write (point-in-time recovery; the damaged log
// is then gone), keeps seqs from being handed out twice, and returns what was lost. Any other
// damage: the error of the recovering open (kDataLoss). The store must not be open elsewhere.
[[nodiscard]] absl::StatusOr<WalLoss> RecoverDamagedWal(const std::string& dir);

}  // namespace caawatch::store

#endif  // CAAWATCH_STORE_WAL_RECOVERY_H_
