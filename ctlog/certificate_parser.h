// Reading the identities out of a (pre)certificate: DNS names, IPs, subject and issuer, validity,
// the CT poison extension, and the TBS hash that links a precertificate to its certificate.
#ifndef CAAWATCH_CTLOG_CERTIFICATE_PARSER_H_
#define CAAWATCH_CTLOG_CERTIFICATE_PARSER_H_

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "ctlog/certificate_identity.h"

namespace caawatch::ctlog {

// Never fails: what cannot be read is explained in `parse_error`, and `sha256` is always set.
// Names are lowercased without trailing dots; a name with an embedded NUL yields both the part
// before the NUL and the whole name (with the NUL written as "\0"), so a null-prefix trick
// cannot hide a watched name.
CertificateIdentity ParseCertificateIdentity(absl::Span<const uint8_t> der);

// The issuing CA certificate's identity. kDataLoss if it is not a certificate.
absl::StatusOr<IssuerIdentity> ParseIssuerIdentity(absl::Span<const uint8_t> der);

}  // namespace caawatch::ctlog

#endif  // CAAWATCH_CTLOG_CERTIFICATE_PARSER_H_
