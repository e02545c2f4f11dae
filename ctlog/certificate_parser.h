// Identities of X.509 (pre)certificates (RFC 5280 §4.1, RFC 6962 §3.1) read by our own bounded
// DER walker, not OpenSSL, so that a certificate a strict parser refuses still yields the
// names it carries (certspotter's lesson: a CA's malformed certificate is still its issuance).
#ifndef CAAWATCH_CTLOG_CERTIFICATE_PARSER_H_
#define CAAWATCH_CTLOG_CERTIFICATE_PARSER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "ctlog/certificate_identity.h"
#include "ctlog/certificate_names.h"

namespace caawatch::ctlog {

// Reads the identities of one DER certificate or precertificate. Never fails: when a part
// cannot be read, the fields before it (and any independent ones after it) are still filled
// and `parse_error` says what was wrong. Only the TBSCertificate is needed; a missing or
// damaged signature does not matter.
//
// Normalisation (also see certificate_identity.h):
//  - dNSName and CN values are lowercased (ASCII only) and one trailing dot is dropped;
//    duplicates are removed, first occurrence kept.
//  - A dNSName or CN with an embedded NUL (the 2009 "NUL prefix" attack) yields two names:
//    the whole name with each NUL written as the DNS presentation escape "\000" (so no
//    string we hand out ever carries a raw NUL), then the part before the first NUL, which
//    is what a NUL-terminated verifier would have matched.
//  - CN strings: UTF8String, PrintableString, IA5String, VisibleString, BMPString,
//    UniversalString and TeletexString (as Latin-1) are converted to UTF-8. A CN that is a
//    host name written with U-labels is converted to A-labels ("xn--...", names::DomainName:
//    UTS #46 mapping); any other non-ASCII CN is kept as UTF-8. dNSNames are never converted.
//  - iPAddress: 4 octets as dotted quad, 16 octets as RFC 5952 text; other sizes are skipped
//    and reported in parse_error.
//  - subject_dn / issuer_dn: attributes in certificate order, "C=US, O=Let's Encrypt, CN=R11";
//    multi-valued RDNs joined by " + "; RFC 4514 special characters backslash-escaped; an
//    unknown attribute type is written as its dotted OID, a non-string value as "#" + hex DER.
//  - serial_hex: lowercase hex of the INTEGER contents with a sign-padding 0x00 removed.
//  - tbs_sha256: see TbsWithoutCtExtensions; all zero if the TBSCertificate is malformed, and
//    tbs_error then says why (such a hash is no key: see certificate_identity.h).
CertificateIdentity ParseCertificateIdentity(absl::Span<const uint8_t> der);

// Same as ParseCertificateIdentity for a bare DER TBSCertificate (the body of a precert_entry).
// `sha256` stays all zero (there is no certificate); tbs_sha256 is computed as usual.
CertificateIdentity ParseTbsCertificateIdentity(absl::Span<const uint8_t> tbs_der);

// The DNS names a watchlist is matched against: the SAN dNSNames, then the subject CNs not
// already among them.
std::vector<std::string> MatchNames(const CertificateIdentity& identity);

// MatchNames(ParseCertificateIdentity(der)) for a certificate or a bare TBSCertificate, with
// nothing else decoded or hashed: the per-entry cost of tailing, the full parse being only
// needed for the entries that match. The names are views into `der` where it holds them as
// given (CertificateNames): keep `der` while they are used. The list is marked incomplete
// (CertificateNames::complete) when damage may hide names: a malformed TBSCertificate,
// extension list, subjectAltName or subject.
CertificateNames ReadMatchNames(absl::Span<const uint8_t> der);

// The DER TBSCertificate of `der` (a certificate, or a bare TBSCertificate when `der` is one)
// with the CT poison (1.3.6.1.4.1.11129.2.4.3) and the embedded SCT list
// (1.3.6.1.4.1.11129.2.4.2) extensions removed and every enclosing length re-encoded. When no
// extension remains, the [3] wrapper is dropped too (as certificate-transparency-go does). This
// is the TBS a log signs for a precertificate (RFC 6962 §3.2), and the same bytes for its final
// certificate. Other elements keep their original encoding. kDataLoss if the certificate or its
// TBS/extensions are not well-formed DER.
absl::StatusOr<std::vector<uint8_t>> TbsWithoutCtExtensions(absl::Span<const uint8_t> der);

// Reads an issuing CA certificate. kDataLoss when the subject or SubjectPublicKeyInfo cannot be
// read (the CA cannot be identified without them); other damaged parts are left empty.
absl::StatusOr<IssuerIdentity> ParseIssuerIdentity(absl::Span<const uint8_t> der);

}  // namespace caawatch::ctlog

#endif  // CAAWATCH_CTLOG_CERTIFICATE_PARSER_H_
