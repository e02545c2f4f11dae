// What certspotter (0.19 and later) says about one certificate, computed the way certspotter
// computes it, so that a hook script written for certspotter reads the same values from
// caawatch: the DN and serial formats, the three hashes, the times and the parse errors.
#ifndef CAAWATCH_NOTIFY_CERTSPOTTER_CERT_INFO_H_
#define CAAWATCH_NOTIFY_CERTSPOTTER_CERT_INFO_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "absl/types/span.h"
#include "ctlog/sha256.h"

namespace caawatch::notify {

struct CertspotterCertInfo {
  ctlog::Sha256Hash sha256{};         // CERT_SHA256: of the whole DER as logged.
  ctlog::Sha256Hash tbs_sha256{};     // TBS_SHA256: poison and SCT list removed (RFC 6962 §3.2).
  ctlog::Sha256Hash pubkey_sha256{};  // PUBKEY_SHA256: of the DER SubjectPublicKeyInfo.
  std::vector<uint8_t> subject_der;   // The Name elements as encoded (JSON subject_der/issuer_der).
  std::vector<uint8_t> issuer_der;
  // Each value below is set only when its *_error is empty, as certspotter sets either
  // SUBJECT_DN or SUBJECT_PARSE_ERROR, never both.
  std::string subject_dn, subject_error;  // "C=US, O=Let's Encrypt, CN=R3": see the .cc.
  std::string issuer_dn, issuer_error;
  absl::Time not_before, not_after;
  std::string validity_error;
  std::string serial, serial_error;       // Go's %x of a big.Int: "-" when negative, no leading 0s.
  std::vector<std::string> dns_names;     // SAN dNSNames then subject CNs (ctlog::MatchNames).
  std::vector<std::string> ip_addresses;  // SAN iPAddresses.
  std::string tbs_error;  // The TBSCertificate itself could not be walked; nothing above is set.
};

// Reads `der`, a certificate or precertificate. Never fails: what cannot be read gets its error.
CertspotterCertInfo ReadCertspotterCertInfo(absl::Span<const uint8_t> der);

// certspotter's time formats: Go's time.Time.String() ("2023-01-31 03:47:26 +0000 UTC"),
// time.RFC3339 ("2023-01-31T03:47:26Z", no fraction) and the JSON form (RFC 3339 with the
// fraction when there is one).
std::string GoTimeString(absl::Time t);
std::string GoRfc3339(absl::Time t);
std::string GoJsonTime(absl::Time t);

}  // namespace caawatch::notify

#endif  // CAAWATCH_NOTIFY_CERTSPOTTER_CERT_INFO_H_
