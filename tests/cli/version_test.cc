// `caawatch --version` names the release and the commit it was built from.
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/cli/cli_fixture.h"
#include "tests/e2e/subprocess.h"

namespace caawatch {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;

class VersionTest : public testing::CliFixture {};

TEST_F(VersionTest, VersionNamesTheCommitOfTheSourceTree) {
  const testing::CommandResult head = testing::RunCommand(
      {"/usr/bin/env", "git", "-C", CAAWATCH_SOURCE_DIR, "rev-parse", "--short=12", "HEAD"}, dir_,
      absl::Seconds(30));
  ASSERT_EQ(head.exit_code, 0) << "the tests run from a git checkout: " << head.err;
  const std::string commit(absl::StripAsciiWhitespace(head.out));
  const testing::CommandResult version = Caawatch({"--version"});
  EXPECT_EQ(version.exit_code, 0) << version.err;
  EXPECT_THAT(version.out, MatchesRegex("caawatch [0-9]+\\.[0-9]+\\.[0-9]+ \\(revision "
                                        "[0-9a-f]{12}(-dirty)?\\)\n"));
  EXPECT_THAT(version.out, HasSubstr(absl::StrCat("(revision ", commit)));
}

// A build from a release tarball has no git history: the revision says so instead of failing.
TEST_F(VersionTest, OutsideAGitCheckoutTheRevisionIsUnknown) {
  const std::string header = dir_ + "/git_revision.h";
  const testing::CommandResult run =
      testing::RunCommand({"/usr/bin/env", "cmake", "-DSOURCE_DIR=" + dir_, "-DOUTPUT=" + header,
                           "-P", CAAWATCH_SOURCE_DIR "/cmake/git_revision.cmake"},
                          dir_, absl::Seconds(60));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const testing::CommandResult cat =
      testing::RunCommand({"/bin/cat", header}, dir_, absl::Seconds(10));
  EXPECT_EQ(cat.out, "#define CAAWATCH_GIT_REVISION \"unknown\"\n");
}

}  // namespace
}  // namespace caawatch
