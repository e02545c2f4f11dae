// Real X.509 test certificates (ECDSA P-256, SHA-256 signatures) for the test CT log: CA
// chains impersonating chosen issuers, leaves, and RFC 6962 §3.1 precertificate/final pairs.
#ifndef CAAWATCH_TESTS_FAKES_CERTIFICATE_FACTORY_H_
#define CAAWATCH_TESTS_FAKES_CERTIFICATE_FACTORY_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "tests/fakes/openssl_handles.h"

namespace caawatch::fakes {

inline constexpr char kPoisonOid[] = "1.3.6.1.4.1.11129.2.4.3";   // RFC 6962 §3.1, critical.
inline constexpr char kSctListOid[] = "1.3.6.1.4.1.11129.2.4.2";  // RFC 6962 §3.3.

struct DistinguishedName {
  std::string organization;  // O; omitted when empty.
  std::string common_name;   // CN; omitted when empty.
};

// A CA able to issue: its name, key and certificate. Move-only.
struct TestCa {
  DistinguishedName name;
  UniqueEvpPkey key;
  UniqueX509 cert;
  std::vector<uint8_t> der;
};

struct LeafSpec {
  std::string common_name;             // Omitted when empty.
  std::vector<std::string> dns_names;  // SAN dNSNames, in order.
  absl::Time not_before;
  absl::Time not_after;
  // Borrowed; null: the factory's next key. Reusing keys skips an EC scalar multiplication
  // per certificate (benchmark logs of millions of entries).
  EVP_PKEY* subject_key = nullptr;
  // Extra extensions in OpenSSL config syntax (nid, value), added after the SAN, e.g.
  // {NID_info_access, "OCSP;URI:http://o.example"}: makes sizes look like real leaves.
  std::vector<std::pair<int, std::string>> extra_extensions;
  // Extra non-critical extensions as (dotted OID, DER extnValue contents), for those OpenSSL's
  // config syntax cannot build without a config database (certificatePolicies).
  std::vector<std::pair<std::string, std::vector<uint8_t>>> raw_extensions;
};

// A precertificate and the final certificate issued from it: identical TBSCertificate except
// that the precert ends with the poison extension and the final cert with an SCT-list
// extension, so removing either yields the same bytes (they link by TBS hash).
struct PrecertPair {
  std::vector<uint8_t> precert_der;
  std::vector<uint8_t> final_der;
};

// Keys and serial numbers derive from (seed, call order), so the same calls on the same seed
// produce the same names, keys and serials. ECDSA signatures still differ run to run
// (OpenSSL 3.0 has no deterministic nonces). Errors: kInternal from OpenSSL failures.
class CertificateFactory {
 public:
  explicit CertificateFactory(uint64_t seed) : seed_(seed) {}

  absl::StatusOr<TestCa> MakeRoot(const DistinguishedName& name, absl::Time not_before,
                                  absl::Time not_after);
  absl::StatusOr<TestCa> MakeIntermediate(const TestCa& issuer, const DistinguishedName& name,
                                          absl::Time not_before, absl::Time not_after);
  // A plain end-entity certificate (no poison, no SCTs), for an x509_entry.
  absl::StatusOr<std::vector<uint8_t>> MakeLeaf(const TestCa& issuer, const LeafSpec& spec);
  absl::StatusOr<PrecertPair> MakePrecertPair(const TestCa& issuer, const LeafSpec& spec);

  // The next P-256 key of this factory's deterministic sequence.
  absl::StatusOr<UniqueEvpPkey> NextKey();

 private:
  absl::StatusOr<UniqueEvpPkey> KeyFor(const LeafSpec& spec);  // spec's key or NextKey().
  std::vector<uint8_t> NextSerial();
  uint64_t seed_;
  uint64_t counter_ = 0;
};

// A P-256 key whose private scalar is SHA-256(seed) reduced mod n. kInternal on failure.
absl::StatusOr<UniqueEvpPkey> P256KeyFromSeed(absl::string_view seed);
// DER encodings; empty on failure.
std::vector<uint8_t> CertificateDer(X509* cert);
std::vector<uint8_t> PublicKeyDer(EVP_PKEY* key);  // SubjectPublicKeyInfo.
// Parses one DER certificate; null if malformed.
UniqueX509 ParseCertificate(const std::vector<uint8_t>& der);

}  // namespace caawatch::fakes

#endif  // CAAWATCH_TESTS_FAKES_CERTIFICATE_FACTORY_H_
