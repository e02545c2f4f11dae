// What a (pre)certificate says about whom it is for and who issued it: the identities the
// monitor matches and the hashes that link a precertificate to its final certificate.
#ifndef CAAWATCH_CTLOG_CERTIFICATE_IDENTITY_H_
#define CAAWATCH_CTLOG_CERTIFICATE_IDENTITY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "ctlog/sha256.h"

namespace caawatch::ctlog {

struct CertificateIdentity {
  // SAN dNSNames, lowercased, trailing dot dropped, in certificate order, deduplicated.
  std::vector<std::string> dns_names;
  std::vector<std::string> common_names;  // Subject CN values, normalised like dns_names.
  std::vector<std::string> ip_addresses;  // SAN iPAddress, textual (v4 dotted, v6 RFC 5952).
  std::string subject_dn;                 // RFC 4514-ish one-line form, e.g. "CN=x, O=y, C=US".
  std::string issuer_dn;
  std::string issuer_organization;  // Issuer O=, empty if absent.
  std::string issuer_common_name;   // Issuer CN=, empty if absent.
  std::string serial_hex;
  absl::Time not_before = absl::InfinitePast();
  absl::Time not_after = absl::InfinitePast();
  bool is_precertificate = false;         // Carries the CT poison extension.
  std::vector<uint8_t> authority_key_id;  // keyIdentifier of AKI, empty if absent.
  Sha256Hash sha256{};                    // Of the whole DER.
  // SHA-256 of the DER TBSCertificate with the poison and SCT-list extensions removed: the
  // same for a precertificate and its final certificate.
  Sha256Hash tbs_sha256{};
  // Why tbs_sha256 could not be computed (the TBSCertificate or its extension list is not
  // well-formed DER); it is then all zero and identifies nothing. Empty when it was computed.
  std::string tbs_error;
  // Empty when every field above was read; otherwise why some could not be (the fields that
  // could be read are still filled).
  std::string parse_error;
};

// The CA certificate that signed a (pre)certificate, as needed to map it to CAA identifiers.
struct IssuerIdentity {
  std::string subject_dn;
  std::string organization;
  std::string common_name;
  Sha256Hash spki_sha256{};
  std::vector<uint8_t> subject_key_id;
  Sha256Hash sha256{};
  // True when this is an RFC 6962 Precertificate Signing Certificate (EKU
  // 1.3.6.1.4.1.11129.2.4.4); the real issuer is then its own issuer.
  bool is_precert_signing_cert = false;
};

}  // namespace caawatch::ctlog

#endif  // CAAWATCH_CTLOG_CERTIFICATE_IDENTITY_H_
