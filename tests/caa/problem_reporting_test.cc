#include "caa/problem_reporting.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace caawatch::caa {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::SizeIs;

// Cells as CCADB's CA information report has them (tests/caa/data/SOURCE.md).
TEST(ProblemReportingTest, SpelledOutAddressesAndUrlsBecomeContactsInOrder) {
  EXPECT_THAT(
      ProblemReportingContacts(
          "security[at]letsencrypt[dot]org, "
          "cert-prob-reports[at]letsencrypt[dot]org, "
          "https://letsencrypt.org/contact/, https://letsencrypt.org/repository/"),
      ElementsAre("security@letsencrypt.org", "cert-prob-reports@letsencrypt.org",
                  "https://letsencrypt.org/contact/", "https://letsencrypt.org/repository/"));
  EXPECT_THAT(ProblemReportingContacts("PKIPolicy[at]visa[dot]com, www.visa.com/pki"),
              ElementsAre("PKIPolicy@visa.com", "www.visa.com/pki"));
}

TEST(ProblemReportingTest, ContactsAreFoundInsideProse) {
  EXPECT_THAT(ProblemReportingContacts("by mail to support[at]comsign[dot]co[dot]il\n"
                                       "at our site at https://www.comsign.co.il/ and all over"),
              ElementsAre("support@comsign.co.il", "https://www.comsign.co.il/"));
  EXPECT_THAT(ProblemReportingContacts("https://www.swisssign.com/en/contact (for Topic choose "
                                       "Notification of incorrectly issued certificate)"),
              ElementsAre("https://www.swisssign.com/en/contact"));
  EXPECT_THAT(ProblemReportingContacts("contact x[AT]ca[DOT]example. Or mailto:y@ca.example!"),
              ElementsAre("x@ca.example", "y@ca.example"));
}

TEST(ProblemReportingTest, TextWithoutAnyContactIsKeptCutAndBlankGivesNone) {
  EXPECT_THAT(ProblemReportingContacts(" \n "), IsEmpty());
  EXPECT_THAT(ProblemReportingContacts("use the  form\non our site"),
              ElementsAre("use the form on our site"));
  const std::vector<std::string> long_text = ProblemReportingContacts(std::string(300, 'x') + "é");
  ASSERT_THAT(long_text, SizeIs(1));
  EXPECT_EQ(long_text[0].size(), kMaxContactBytes);
  // A cut never leaves half of a UTF-8 character.
  const std::vector<std::string> cut = ProblemReportingContacts(std::string(255, 'x') + "é");
  ASSERT_THAT(cut, SizeIs(1));
  EXPECT_EQ(cut[0], std::string(255, 'x'));
}

TEST(ProblemReportingTest, ContactsAreBoundedAndNotRepeated) {
  std::string cell;
  for (int i = 0; i < 20; ++i) cell += "a" + std::to_string(i) + "[at]ca.example, ";
  EXPECT_THAT(ProblemReportingContacts(cell), SizeIs(kMaxContacts));
  EXPECT_THAT(ProblemReportingContacts("a@ca.example a@ca.example"), ElementsAre("a@ca.example"));
  EXPECT_THAT(ProblemReportingContacts("@ca.example a@b a@@b.example"),
              ElementsAre("@ca.example a@b a@@b.example"));
}

}  // namespace
}  // namespace caawatch::caa
