// Revocation follow-up (SPEC §8): for every forbidden and likely_forbidden finding, the CRLs
// of its certificate's distribution points, and those its issuer disclosed in CCADB (the
// issuer map's disclosed_crls, matched by the issuer's SKI), are read (through a polite
// CrlCache), verified
// against the issuer stored with the finding, and the first time the certificate is seen
// revoked is recorded (store/revocations.h), until it is revoked or expires. A CRL that does
// not verify is refused, logged at ERROR and kept as the record's last error, never believed.
#ifndef CAAWATCH_JUDGE_REVOCATION_FOLLOWER_H_
#define CAAWATCH_JUDGE_REVOCATION_FOLLOWER_H_

#include <cstddef>
#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "base/clock.h"
#include "base/log.h"
#include "judge/issuer_source.h"
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
  size_t crls_fetched = 0;   // Distinct CRLs fetched.
  size_t crls_refused = 0;   // Of them, refused at least once (signature, scope, parse).
  // The round's latest error, a CRL's first (what `status` shows); its URL when about a CRL.
  std::string last_error;
  std::string last_error_url;
};

// Not thread-safe: run by one loop (the supervisor's). All borrowed.
class RevocationFollower {
 public:
  // `issuers` (may be null: distribution points only) gives the CCADB-disclosed CRLs.
  RevocationFollower(store::Store* store, revoke::CrlCache* crls, const Clock* clock,
                     const Logger* logger, RevocationFollowerOptions options = {},
                     const IssuerSource* issuers = nullptr);

  // One round over the followed findings, summed up in the store's follower record
  // (store::Revocations::PutFollowerStatus) at its end. Errors only when the store fails.
  [[nodiscard]] absl::StatusOr<RevocationRound> RunOnce();

 private:
  // Each CRL is fetched once a round, however many certificates it covers.
  using RoundCrls =
      absl::flat_hash_map<std::string, absl::StatusOr<std::shared_ptr<const std::string>>>;
  // Checks one finding and updates `record`; true when it was seen revoked just now.
  struct RoundState {
    RoundCrls crls;
    absl::flat_hash_set<std::string> refused;  // URLs of CRLs refused at least once.
    RevocationRound round;
  };
  bool Check(const store::FindingRecord& finding, store::RevocationRecord& record, absl::Time now,
             RoundState& state);
  void Fail(store::RevocationRecord& record, std::string error, absl::Time now);
  // Notes a round-level error: a CRL's (`url` set) is kept over a certificate's.
  static void NoteError(RevocationRound& round, const std::string& error, const std::string& url);
  // Writes the round's summary over the previous one; nothing while no finding was ever
  // followed (a store without forbidden findings shows no follower in `status`).
  absl::Status PutSummary(RoundState& state, size_t candidates);

  store::Store* const store_;
  revoke::CrlCache* const crls_;
  const Clock* const clock_;
  const Logger* const logger_;
  const RevocationFollowerOptions options_;
  const IssuerSource* const issuers_;
};

}  // namespace caawatch::judge

#endif  // CAAWATCH_JUDGE_REVOCATION_FOLLOWER_H_
