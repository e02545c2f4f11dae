// The finding kinds' one spelling (store/finding_kind.h): the words users and the API read
// (monitor.proto's Finding.kind, SPEC §1's `log_misbehaviour`) and the store keeps, both ways.
#include "store/finding_kind.h"

#include <set>
#include <string>

#include "gtest/gtest.h"
#include "store/records.pb.h"

namespace caawatch::store {
namespace {

TEST(FindingKindTest, NamesAreTheStoredAndPublishedWords) {
  EXPECT_EQ(FindingKindName(FindingKind::kCertificate), "certificate");
  EXPECT_EQ(FindingKindName(FindingKind::kMalformedCert), "malformed_cert");
  EXPECT_EQ(FindingKindName(FindingKind::kLogMisbehaviour), "log_misbehaviour");
  EXPECT_EQ(FindingKindName(FindingKind::kCaaBreaksRenewal), "caa_breaks_renewal");
}

TEST(FindingKindTest, EveryKindRoundTripsAndNoTwoShareAName) {
  std::set<std::string> seen;
  for (FindingKind kind : kAllFindingKinds) {
    const std::string name = FindingKindName(kind);
    EXPECT_FALSE(name.empty());
    EXPECT_TRUE(seen.insert(name).second) << name;
    absl::StatusOr<FindingKind> back = FindingKindFromName(name);
    ASSERT_TRUE(back.ok()) << back.status();
    EXPECT_EQ(*back, kind);
  }
}

TEST(FindingKindTest, OtherWordsAreRefusedQuoted) {
  for (const char* name : {"", "Certificate", "malformed", "log_misbehavior", "forbidden"}) {
    absl::StatusOr<FindingKind> kind = FindingKindFromName(name);
    ASSERT_FALSE(kind.ok()) << name;
    EXPECT_EQ(kind.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(kind.status().message().find("finding kind"), std::string::npos);
  }
}

TEST(FindingKindTest, RecordsAreSetAndAskedThroughTheTable) {
  FindingRecord f;
  for (FindingKind kind : kAllFindingKinds) {
    SetKind(kind, &f);
    EXPECT_EQ(f.kind(), FindingKindName(kind));
    for (FindingKind other : kAllFindingKinds) EXPECT_EQ(HasKind(f, other), other == kind);
  }
  f.set_kind("something_new");  // Written by a later caawatch: no kind this one knows.
  for (FindingKind kind : kAllFindingKinds) EXPECT_FALSE(HasKind(f, kind));
}

}  // namespace
}  // namespace caawatch::store
