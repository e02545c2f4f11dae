// A CRL checked before it is believed (RFC 5280 §5, §6.3): parsed, its signature verified
// with the issuer's key, its issuer name the certificate's issuer, its dates sane; then the
// certificate's serial looked up in it. A CRL that fails any of these says nothing.
#ifndef CAAWATCH_REVOKE_CRL_H_
#define CAAWATCH_REVOKE_CRL_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"

namespace caawatch::revoke {

// How far a CRL's thisUpdate may lie ahead of our clock (the CA's clock may run ahead).
inline constexpr absl::Duration kMaxClockSkew = absl::Minutes(10);

struct Revocation {
  absl::Time revocation_date;
  // RFC 5280 §5.3.1 CRLReason name ("keyCompromise", ...); "unspecified" when the entry has
  // no reason code, as the RFC says to read it.
  std::string reason;
};

struct CrlFinding {
  absl::Time this_update;
  std::optional<absl::Time> next_update;  // Absent: the CA promised no next one.
  bool stale = false;  // next_update has passed: a listed revocation still counts, an absence not.
  std::optional<Revocation> revocation;  // Set when the certificate is on the CRL.
};

// Checks the DER CRL `crl_der` for the certificate `cert_der` issued by `issuer_der` (both
// DER X.509), at time `now`. Errors, each naming what failed: kInvalidArgument when the CRL,
// the certificate or the issuer does not parse, or when the CRL's dates are absurd (thisUpdate
// more than kMaxClockSkew after `now`, nextUpdate before thisUpdate); kPermissionDenied "CRL
// signature does not verify" when it is not signed by the issuer's key (a forged or damaged
// CRL); kFailedPrecondition when the CRL's issuer is not the certificate's issuer, or it is a
// delta CRL (which alone cannot say a certificate is not revoked), or when its scope does not
// cover the certificate as fetched from `url` (a partitioned CRL: revoke/crl_scope.h; an empty
// `url` skips the distribution point match).
absl::StatusOr<CrlFinding> CheckCrl(absl::string_view crl_der, absl::Span<const uint8_t> cert_der,
                                    absl::Span<const uint8_t> issuer_der, absl::Time now,
                                    absl::string_view url = {});

// CheckCrl for a CRL the CA disclosed elsewhere than in the certificate (CCADB's "Full CRL
// Issued By This CA" or one of its partitioned CRLs): the same checks, but in scope only as
// revoke/crl_scope.h's CheckCrlScopeForCertificate says, given the certificate's own http
// distribution points `cert_urls` (a partition covers the certificate only via its IDP).
absl::StatusOr<CrlFinding> CheckDisclosedCrl(absl::string_view crl_der,
                                             absl::Span<const uint8_t> cert_der,
                                             absl::Span<const uint8_t> issuer_der, absl::Time now,
                                             absl::Span<const std::string> cert_urls);

// The RFC 5280 name of CRLReason `code`, or "reason N" for a code it does not define.
std::string CrlReasonName(long code);

}  // namespace caawatch::revoke

#endif  // CAAWATCH_REVOKE_CRL_H_
