// CertificateNames: views that stay valid when the list moves, and repeats removed in order by
// both the linear and the hashed search.
#include "ctlog/certificate_names.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace caawatch::ctlog {
namespace {

using ::testing::ElementsAre;

// A view of `der` and kept copies, short (inside their std::string) and long.
CertificateNames ViewsAndKeptCopies(absl::string_view der) {
  CertificateNames names;
  names.Add(der);
  names.Add(names.Keep("b.example"));
  names.Add(names.Keep(std::string(100, 'c')));
  for (int i = 0; i < 10; ++i) names.Add(names.Keep(absl::StrCat("n", i)));
  return names;
}

TEST(CertificateNamesTest, KeptNamesStayValidWhenTheListMoves) {
  const std::string der = "a.example";  // Stands in for the certificate's bytes.
  CertificateNames moved(ViewsAndKeptCopies(der));
  CertificateNames assigned = ViewsAndKeptCopies("other");
  assigned = std::move(moved);
  ASSERT_EQ(assigned.names().size(), 13u);
  EXPECT_EQ(assigned.names()[0], "a.example");
  EXPECT_EQ(assigned.names()[1], "b.example");
  EXPECT_EQ(assigned.names()[2], std::string(100, 'c'));
  EXPECT_EQ(assigned.names()[12], "n9");
}

TEST(CertificateNamesTest, RemoveRepeatsKeepsEachFirstOccurrenceInPlace) {
  for (const int distinct : {3, 16, 17, 300}) {
    SCOPED_TRACE(distinct);
    CertificateNames names;
    std::vector<std::string> want;
    for (int i = 0; i < distinct; ++i) {
      want.push_back(absl::StrCat("n", i, ".example"));
      names.Add(names.Keep(want.back()));
      if (i % 2 == 1) names.Add(names.Keep(want.front()));
      if (i % 3 == 2) names.Add(names.Keep(want[i - 1]));
    }
    names.RemoveRepeats();
    EXPECT_EQ(names.ToStrings(), want);
  }
  CertificateNames none;
  none.RemoveRepeats();
  EXPECT_THAT(none.names(), ElementsAre());
}

}  // namespace
}  // namespace caawatch::ctlog
