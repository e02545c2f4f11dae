// The certificate files of an evidence bundle: a certificate (or precertificate) and the
// issuer chain its log entry carried, as PEM, leaf first.
#ifndef CAAWATCH_EVIDENCE_CERTIFICATE_FILES_H_
#define CAAWATCH_EVIDENCE_CERTIFICATE_FILES_H_

#include <string>
#include <vector>

namespace caawatch::evidence {

inline constexpr char kCertificateFileName[] = "certificate.pem";
inline constexpr char kPrecertificateFileName[] = "precertificate.pem";

// One "CERTIFICATE" PEM block per DER, in order (RFC 7468: base64 in lines of 64).
std::string CertificatesPem(const std::vector<std::string>& ders);

}  // namespace caawatch::evidence

#endif  // CAAWATCH_EVIDENCE_CERTIFICATE_FILES_H_
