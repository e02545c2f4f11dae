// CRL distribution points as real certificates carry them.
#include "revoke/distribution_points.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/fakes/crl_test_ca.h"

namespace caawatch::revoke {
namespace {

using ::caawatch::fakes::CrlTestCa;
using ::caawatch::fakes::kCrlTestNow;
using ::caawatch::fakes::MakeCrlTestCa;

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(DistributionPointsTest, HttpUrisInOrderWithoutLdapOrDuplicates) {
  CrlTestCa ca;
  ASSERT_NO_FATAL_FAILURE(MakeCrlTestCa(
      "URI:http://c.example/1.crl,URI:ldap://l.example/cn=x,URI:https://c.example/2.crl,"
      "URI:http://c.example/1.crl",
      &ca));
  auto uris = CrlDistributionPointUris(ca.leaf_der);
  ASSERT_TRUE(uris.ok()) << uris.status();
  EXPECT_THAT(*uris, ElementsAre("http://c.example/1.crl", "https://c.example/2.crl"));
}

TEST(DistributionPointsTest, NoneWhenTheExtensionIsAbsent) {
  CrlTestCa ca;
  ASSERT_NO_FATAL_FAILURE(MakeCrlTestCa("", &ca));
  auto uris = CrlDistributionPointUris(ca.leaf_der);
  ASSERT_TRUE(uris.ok()) << uris.status();
  EXPECT_THAT(*uris, IsEmpty());
}

TEST(DistributionPointsTest, AtMostAFewAreFollowed) {
  std::string many;
  for (int i = 0; i < 20; ++i) {
    many += (i == 0 ? "" : ",") + std::string("URI:http://c.example/") + std::to_string(i);
  }
  CrlTestCa ca;
  ASSERT_NO_FATAL_FAILURE(MakeCrlTestCa(many, &ca));
  auto uris = CrlDistributionPointUris(ca.leaf_der);
  ASSERT_TRUE(uris.ok()) << uris.status();
  EXPECT_EQ(uris->size(), kMaxDistributionPoints);
}

TEST(DistributionPointsTest, GarbageIsAnErrorNotACrash) {
  const std::vector<uint8_t> garbage = {0x30, 0x82, 0xff, 0xff, 0x01};
  EXPECT_EQ(CrlDistributionPointUris(garbage).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace caawatch::revoke
