// A test CA and a leaf it issued with a CRL distribution point, shared by the revoke tests.
#ifndef CAAWATCH_TESTS_FAKES_CRL_TEST_CA_H_
#define CAAWATCH_TESTS_FAKES_CRL_TEST_CA_H_

#include <openssl/x509v3.h>

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "tests/fakes/certificate_factory.h"

namespace caawatch::fakes {

inline const absl::Time kCrlTestNow = absl::FromUnixSeconds(1796000000);  // 2026-11-29.

struct CrlTestCa {
  TestCa root;
  TestCa ca;  // Issues the leaf and signs its CRLs.
  std::vector<uint8_t> leaf_der;
};

// Fails the calling test (ASSERT) when OpenSSL fails. `crl_dp`: the leaf's
// crlDistributionPoints in OpenSSL config syntax ("URI:http://...,URI:..."); empty = none.
inline void MakeCrlTestCa(const std::string& crl_dp, CrlTestCa* out, uint64_t seed = 7) {
  CertificateFactory factory(seed);
  auto root =
      factory.MakeRoot({"Revoke Test", "Revoke Test Root"}, kCrlTestNow - absl::Hours(24 * 400),
                       kCrlTestNow + absl::Hours(24 * 400));
  ASSERT_TRUE(root.ok()) << root.status();
  auto ca = factory.MakeIntermediate(*root, {"Revoke Test", "Revoke Test CA"},
                                     kCrlTestNow - absl::Hours(24 * 300),
                                     kCrlTestNow + absl::Hours(24 * 300));
  ASSERT_TRUE(ca.ok()) << ca.status();
  LeafSpec spec;
  spec.dns_names = {"www.example.com"};
  spec.not_before = kCrlTestNow - absl::Hours(24);
  spec.not_after = kCrlTestNow + absl::Hours(24 * 89);
  if (!crl_dp.empty()) spec.extra_extensions = {{NID_crl_distribution_points, crl_dp}};
  auto leaf = factory.MakeLeaf(*ca, spec);
  ASSERT_TRUE(leaf.ok()) << leaf.status();
  out->root = *std::move(root);
  out->ca = *std::move(ca);
  out->leaf_der = *std::move(leaf);
}

}  // namespace caawatch::fakes

#endif  // CAAWATCH_TESTS_FAKES_CRL_TEST_CA_H_
