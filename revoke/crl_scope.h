// What a CRL covers (RFC 5280 §5.2.5, Issuing Distribution Point): a partitioned CRL names the
// distribution point it was published for and may hold only some certificates or reasons. A
// CRL is believed about a certificate only when its scope covers the certificate as fetched.
#ifndef CAAWATCH_REVOKE_CRL_SCOPE_H_
#define CAAWATCH_REVOKE_CRL_SCOPE_H_

#include <openssl/x509.h>

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace caawatch::revoke {

// OK when `crl` (signature already verified) covers the end-entity certificate fetched from
// `url`: no IDP extension (a full CRL), or an IDP whose distributionPoint fullName lists `url`
// (or names none) and that is not only for CA or attribute certificates, only for some reasons,
// or indirect. An empty `url` skips the name match. kFailedPrecondition saying which otherwise.
absl::Status CheckCrlScope(const X509_CRL* crl, absl::string_view url);

// The same for a CRL found elsewhere than the certificate's distribution points (the CA's
// CCADB disclosure): a full CRL covers every certificate of its issuer, a partition only a
// certificate whose own distribution points `cert_urls` include one its IDP names (RFC 5280
// §6.3.3: a certificate without any is covered by full CRLs alone).
absl::Status CheckCrlScopeForCertificate(const X509_CRL* crl,
                                         absl::Span<const std::string> cert_urls);

}  // namespace caawatch::revoke

#endif  // CAAWATCH_REVOKE_CRL_SCOPE_H_
