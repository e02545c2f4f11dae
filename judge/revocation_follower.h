// Revocation follow-up (SPEC §8): for every forbidden and likely_forbidden finding, the CRLs
// of its certificate's distribution points are read (through a polite CrlCache), verified
// against the issuer stored with the finding, and the first time the certificate is seen
// revoked is recorded (store/revocations.h), until it is revoked or expires. A CRL that does
// not verify is refused, logged at ERROR and kept as the record's last error, never believed.
#ifndef CAAWATCH_JUDGE_REVOCATION_FOLLOWER_H_
#define CAAWATCH_JUDGE_REVOCATION_FOLLOWER_H_

#include <cstddef>
#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "base/clock.h"
#include "base/log.h"
#include "revoke/crl_cache.h"
#include "store/records.pb.h"
#include "store/revocation.pb.h"
#include "store/store.h"

namespace caawatch::judge {

struct RevocationFollowerOptions {
  // Certificates checked per round at most (the oldest findings first); the rest wait for
  // the next round, with a warning.
  size_t max_followed = 1000;
};

struct RevocationRound {
  size_t checked = 0;        // Certificates whose CRLs were asked this round.
  size_t newly_revoked = 0;  // Seen revoked for the first time.
  size_t failed = 0;         // Checks that ended in an error (kept in their records).
};

// Not thread-safe: run by one loop (the supervisor's). All borrowed.
class RevocationFollower {
 public:
  RevocationFollower(store::Store* store, revoke::CrlCache* crls, const Clock* clock,
                     const Logger* logger, RevocationFollowerOptions options = {});

  // One round over the followed findings. Errors only when the store fails.
  [[nodiscard]] absl::StatusOr<RevocationRound> RunOnce();

 private:
  // Each CRL is fetched once a round, however many certificates it covers.
  using RoundCrls =
      absl::flat_hash_map<std::string, absl::StatusOr<std::shared_ptr<const std::string>>>;
  // Checks one finding and updates `record`; true when it was seen revoked just now.
  bool Check(const store::FindingRecord& finding, store::RevocationRecord& record, absl::Time now,
             RoundCrls& crls);
  void Fail(store::RevocationRecord& record, std::string error, absl::Time now);

  store::Store* const store_;
  revoke::CrlCache* const crls_;
  const Clock* const clock_;
  const Logger* const logger_;
  const RevocationFollowerOptions options_;
};

}  // namespace caawatch::judge

#endif  // CAAWATCH_JUDGE_REVOCATION_FOLLOWER_H_
