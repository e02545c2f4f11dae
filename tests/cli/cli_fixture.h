// What the command-line tests share: a private directory to run the built `caawatch` in (so that
// a directory it wrongly creates lands there), and a data directory inside it.
#ifndef CAAWATCH_TESTS_CLI_CLI_FIXTURE_H_
#define CAAWATCH_TESTS_CLI_CLI_FIXTURE_H_

#include <stdlib.h>
#include <sys/stat.h>

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/e2e/subprocess.h"

namespace caawatch::testing {

inline bool Exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

// `caawatch args...` (the built one) run in `dir`, with `env` (NAME=VALUE) added to its
// environment. The deadline only ends a command that wrongly started running.
inline CommandResult RunCaawatch(const std::string& dir, const std::vector<std::string>& args,
                                 const std::vector<std::string>& env = {}) {
  std::vector<std::string> argv = {"/usr/bin/env"};
  argv.insert(argv.end(), env.begin(), env.end());
  argv.insert(argv.end(), {"/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", dir,
                           CAAWATCH_BINARY_DIR "/cli/caawatch"});
  argv.insert(argv.end(), args.begin(), args.end());
  return RunCommand(argv, dir, absl::Seconds(30));
}

class CliFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = ::testing::TempDir() + "/cli_XXXXXX";
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    data_dir_ = dir_ + "/data";
  }
  void TearDown() override { RunCommand({"/bin/rm", "-rf", dir_}, "/tmp", absl::Seconds(60)); }

  // RunCaawatch in dir_ (so that a directory it wrongly creates lands there).
  CommandResult Caawatch(const std::vector<std::string>& args,
                         const std::vector<std::string>& env = {}) {
    return RunCaawatch(dir_, args, env);
  }

  std::string dir_;
  std::string data_dir_;
};

}  // namespace caawatch::testing

#endif  // CAAWATCH_TESTS_CLI_CLI_FIXTURE_H_
