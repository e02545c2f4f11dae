// Who issues in the test log: CA chains whose subjects impersonate real issuers (so the
// monitor's CA identification sees familiar O/CN), and planting of precert/final pairs.
#ifndef CAAWATCH_TESTS_FAKES_TEST_POPULATION_H_
#define CAAWATCH_TESTS_FAKES_TEST_POPULATION_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "tests/fakes/certificate_factory.h"
#include "tests/fakes/test_log.h"

namespace caawatch::fakes {

// Intermediates: kLetsEncrypt "O=Let's Encrypt, CN=R11"; kGoogle "O=Google Trust Services,
// CN=WR2"; kDigiCert "O=DigiCert Inc, CN=DigiCert Global G2 TLS RSA SHA256 2020 CA1";
// kUnknown "O=Unknown Test Authority, CN=Unknown Issuing CA 1".
enum class CaBrand { kLetsEncrypt, kGoogle, kDigiCert, kUnknown };

// "letsencrypt" | "google" | "digicert" | "unknown"; kInvalidArgument otherwise.
absl::StatusOr<CaBrand> ParseCaBrand(absl::string_view name);
absl::string_view CaBrandName(CaBrand brand);

struct CaChain {
  CaBrand brand;
  TestCa root;
  TestCa intermediate;
};

// Root and intermediate valid from `now` - 1 year to `now` + 5 years.
absl::StatusOr<CaChain> MakeCaChain(CertificateFactory* factory, CaBrand brand, absl::Time now);

struct PlantedEntries {
  uint64_t precert_index;
  uint64_t final_index;
};

// Issues a precert/final pair for `spec` from `chain.intermediate` and appends both to `log`
// (pending until the log publishes): the precert entry first, then the x509 entry.
absl::StatusOr<PlantedEntries> PlantCertificate(TestLog* log, CertificateFactory* factory,
                                                const CaChain& chain, const LeafSpec& spec);

// A LeafSpec for one DNS name (CN and the only SAN), valid `now` - 1h to `now` + 90 days.
LeafSpec LeafFor(absl::string_view dns_name, absl::Time now);

}  // namespace caawatch::fakes

#endif  // CAAWATCH_TESTS_FAKES_TEST_POPULATION_H_
