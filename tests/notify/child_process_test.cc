// RunChild keeps a program's stdout and stderr apart when asked (the end-to-end tests read each),
// and together otherwise (a sink's error message shows both, in the order written).
#include "notify/child_process.h"

#include "gtest/gtest.h"

namespace caawatch::notify {
namespace {

ChildRequest Shell(const char* script) {
  ChildRequest request;
  request.path = "/bin/sh";
  request.args = {"-c", script};
  request.timeout = absl::Seconds(30);
  return request;
}

TEST(ChildProcessTest, SeparateStderrKeepsTheStreamsApart) {
  ChildRequest request = Shell("echo out1; echo err1 >&2; echo out2; echo err2 >&2; exit 3");
  request.separate_stderr = true;
  absl::StatusOr<ChildResult> result = RunChild(request);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->output, "out1\nout2\n");
  EXPECT_EQ(result->error_output, "err1\nerr2\n");
  EXPECT_EQ(result->exit_code, 3);
}

TEST(ChildProcessTest, SeparateStderrBoundsEachStream) {
  ChildRequest request = Shell("printf 0123456789; printf abcdefghij >&2");
  request.separate_stderr = true;
  request.max_output_bytes = 4;
  absl::StatusOr<ChildResult> result = RunChild(request);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->output, "0123");
  EXPECT_EQ(result->error_output, "abcd");
  EXPECT_EQ(result->output_dropped, 12u);
}

TEST(ChildProcessTest, ByDefaultStderrJoinsStdout) {
  absl::StatusOr<ChildResult> result = RunChild(Shell("echo out; echo err >&2"));
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->output, "out\nerr\n");
  EXPECT_EQ(result->error_output, "");
}

}  // namespace
}  // namespace caawatch::notify
