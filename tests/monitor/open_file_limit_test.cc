// `caawatch run` raises a soft open-file limit that is too low for its configuration (a
// shell's 1,024 is below the default 1,024 subscribers plus the store and the logs), never
// past the hard limit, and says what to change when even the hard limit is too low.
#include "monitor/open_file_limit.h"

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "store/database.h"

namespace caawatch::monitor {
namespace {

class OpenFileLimitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &saved_), 0);
    // The test lowers the soft limit and needs room under the hard one to raise it again.
    if (saved_.rlim_max != RLIM_INFINITY && saved_.rlim_max < 2048) {
      GTEST_FAIL() << "the hard open-file limit here (" << saved_.rlim_max
                   << ") is below what the test needs (2048)";
    }
  }
  void TearDown() override { setrlimit(RLIMIT_NOFILE, &saved_); }
  static rlim_t Soft() {
    rlimit now{};
    EXPECT_EQ(getrlimit(RLIMIT_NOFILE, &now), 0);
    return now.rlim_cur;
  }
  static void SetSoft(rlim_t soft) {
    rlimit now{};
    ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &now), 0);
    now.rlim_cur = soft;
    ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &now), 0);
  }
  rlimit saved_{};
};

TEST_F(OpenFileLimitTest, TheDefaultsNeedMoreThanAShellsDefaultLimit) {
  // 1,024 subscribers (the default grpc_max_subscribers) and the ~40 usable public logs.
  const uint64_t needed = OpenFilesNeeded(40, 1024);
  EXPECT_GT(needed, 1024u);
  EXPECT_GE(needed, uint64_t{store::kMaxOpenTableFiles} + 1024 + 40 * kFilesPerLog);
}

TEST_F(OpenFileLimitTest, ALowSoftLimitIsRaisedToWhatIsNeeded) {
  ASSERT_NO_FATAL_FAILURE(SetSoft(1024));
  absl::StatusOr<OpenFileLimit> limit = RaiseOpenFileLimit(1800);
  ASSERT_TRUE(limit.ok()) << limit.status();
  EXPECT_EQ(limit->soft_before, 1024u);
  EXPECT_EQ(limit->soft, 1800u);
  EXPECT_EQ(Soft(), 1800u);
  EXPECT_TRUE(limit->enough());
  EXPECT_TRUE(absl::StrContains(limit->Describe(), "raised from 1024 to 1800"))
      << limit->Describe();
}

TEST_F(OpenFileLimitTest, AHigherSoftLimitIsLeftAsItIs) {
  ASSERT_NO_FATAL_FAILURE(SetSoft(2000));
  absl::StatusOr<OpenFileLimit> limit = RaiseOpenFileLimit(1500);
  ASSERT_TRUE(limit.ok()) << limit.status();
  EXPECT_EQ(limit->soft, 2000u);
  EXPECT_EQ(Soft(), 2000u);
}

TEST_F(OpenFileLimitTest, AHardLimitTooLowGivesTheHardLimitAndSaysWhatToChange) {
  // Lowering the hard limit cannot be undone without privileges: a child process does it.
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    rlimit low{512, 900};
    if (setrlimit(RLIMIT_NOFILE, &low) != 0) _exit(2);
    absl::StatusOr<OpenFileLimit> limit = RaiseOpenFileLimit(1500);
    if (!limit.ok() || limit->enough() || limit->soft != 900 || limit->hard != 900) _exit(3);
    rlimit now{};
    if (getrlimit(RLIMIT_NOFILE, &now) != 0 || now.rlim_cur != 900) _exit(4);
    const std::string said = limit->Describe();
    if (!absl::StrContains(said, "LimitNOFILE") ||
        !absl::StrContains(said, "grpc_max_subscribers") || !absl::StrContains(said, "1500")) {
      _exit(5);
    }
    _exit(0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0)
      << "2: setrlimit, 3: the limits, 4: the soft limit, 5: the message";
}

}  // namespace
}  // namespace caawatch::monitor
