// `run --once` on a terminal (issue 19): one line per log, redrawn in place while it catches up,
// and erased at the end; with stderr in a file, none of it (only the log lines).
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/e2e/e2e_fixture.h"
#include "tests/e2e/subprocess.h"

namespace caawatch {
namespace {

using testing::CommandResult;
using testing::RunCommand;

using ProgressDisplayTest = testing::EndToEndFixture;

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST_F(ProgressDisplayTest, RunOnceRedrawsALinePerLogOnATerminalOnly) {
  std::unique_ptr<testing::Subprocess> log = StartLog({.noise = 2000, .plants = {}});
  // About 3,000 entries at 200 a request and 4 requests a second: a catch-up of a few seconds.
  const std::string config =
      WriteFile("config.json", R"({"batch_size": 200, "max_requests_per_second": 4})");
  const std::string screen = dir() + "/screen.bin";
  std::vector<std::string> argv = {CAAWATCH_PYTHON3, CAAWATCH_SOURCE_DIR "/tests/e2e/run_in_pty.py",
                                   screen};
  for (const std::string& arg : RunArgs({"--once", "--config", config})) argv.push_back(arg);
  const CommandResult on_terminal = RunCommand(argv, dir());
  ASSERT_EQ(on_terminal.exit_code, 0) << on_terminal.err;
  const std::string shown = testing::ReadFileOrEmpty(screen);
  // Lines of the log partly read, each drawn over the one before (cursor up, erase), and the
  // region erased before the summary line.
  EXPECT_GE(Count(shown, "caawatch test log  "), 3u) << shown;
  EXPECT_TRUE(absl::StrContains(shown, "%)  ")) << shown;
  EXPECT_TRUE(absl::StrContains(shown, " entries/s  about ")) << shown;
  EXPECT_GE(Count(shown, "A\x1b[J"), 2u) << shown;
  EXPECT_TRUE(absl::StrContains(shown, "done: ")) << shown;

  // The same with stderr to a file (RunCommand's): the log only.
  std::vector<std::string> again = RunArgs({"--once", "--config", config});
  for (std::string& arg : again) {
    if (arg == data_dir()) arg = dir() + "/data2";  // From the start again.
  }
  const CommandResult to_file = RunCommand(again, dir());
  ASSERT_EQ(to_file.exit_code, 0) << to_file.err;
  EXPECT_TRUE(absl::StrContains(to_file.err, "done: ")) << to_file.err;
  EXPECT_FALSE(absl::StrContains(to_file.err, "\x1b")) << to_file.err;
  EXPECT_FALSE(absl::StrContains(to_file.err, "%)  ")) << to_file.err;
  EXPECT_FALSE(absl::StrContains(to_file.err, "caawatch test log  ")) << to_file.err;
}

}  // namespace
}  // namespace caawatch
