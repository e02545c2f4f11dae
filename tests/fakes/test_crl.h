// Real CRLs for tests, signed by a test CA's key (or any key, to forge one): what a CA's CRL
// distribution point serves.
#ifndef CAAWATCH_TESTS_FAKES_TEST_CRL_H_
#define CAAWATCH_TESTS_FAKES_TEST_CRL_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "tests/fakes/certificate_factory.h"

namespace caawatch::fakes {

struct RevokedCert {
  std::vector<uint8_t> cert_der;  // Its serial is listed.
  absl::Time revocation_date;
  std::optional<int> reason;  // CRLReason code; absent: no reason extension.
};

struct CrlSpec {
  absl::Time this_update;
  std::optional<absl::Time> next_update;
  std::vector<RevokedCert> revoked;
};

// A DER CRL (v2) with `issuer`'s subject as its issuer, signed with `signing_key` (null:
// issuer's own key). kInternal from OpenSSL failures, kInvalidArgument for a bad cert_der.
absl::StatusOr<std::string> MakeCrl(const TestCa& issuer, const CrlSpec& spec,
                                    EVP_PKEY* signing_key = nullptr);
// MakeCrl of a partitioned CRL (RFC 5280 §5.2.5): with a critical Issuing Distribution Point
// whose distributionPoint fullName is `idp_urls`.
absl::StatusOr<std::string> MakePartitionedCrl(const TestCa& issuer, const CrlSpec& spec,
                                               const std::vector<std::string>& idp_urls);

}  // namespace caawatch::fakes

#endif  // CAAWATCH_TESTS_FAKES_TEST_CRL_H_
