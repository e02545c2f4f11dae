// A full disk under a running monitor: `caawatch run` keeps its store on a small tmpfs, the disk
// is filled while it runs, and new certificates arrive. It must stop tailing, say why, and exit
// non-zero; after space is freed a restart processes the new certificates with nothing lost.
// The disk really fills (ENOSPC from the kernel), so the test needs to mount a tmpfs: it runs
// as root, like CI.
#include <signal.h>
#include <sys/mount.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/e2e/e2e_fixture.h"
#include "tests/e2e/subprocess.h"

namespace caawatch {
namespace {

using testing::CommandResult;
using testing::JsonLines;
using testing::Subprocess;

class FullDiskTest : public testing::EndToEndFixture {
 protected:
  void SetUp() override {
    EndToEndFixture::SetUp();
    std::filesystem::create_directories(data_dir());
    ASSERT_EQ(mount("tmpfs", data_dir().c_str(), "tmpfs", 0, "size=160m"), 0)
        << "mounting a tmpfs for the data directory failed (" << strerror(errno)
        << "): this test must run as root";
    mounted_ = true;
  }
  void TearDown() override {
    if (mounted_) umount2(data_dir().c_str(), MNT_DETACH);
    EndToEndFixture::TearDown();
  }

  // Writes zeros to data_dir()/filler until the file system refuses more.
  void FillDisk() {
    std::ofstream filler(data_dir() + "/filler", std::ios::binary);
    const std::string block(1 << 16, '\0');
    while (filler.write(block.data(), block.size()) && filler.flush()) {
    }
  }

  // The log's {position, tree size} as `caawatch status --json` reports them (the store opened
  // read-only); {0, 0} before the store or the log's state exists.
  std::pair<uint64_t, uint64_t> Progress() {
    // Not `[]` (a store with no log yet) nor another object of `status --json`.
    const std::map<std::string, nlohmann::json> logs = LogsByDescription();
    if (logs.empty()) return {0, 0};
    const nlohmann::json& log = logs.begin()->second;
    return {log["position"].get<uint64_t>(), log["tree_size"].get<uint64_t>()};
  }

  bool mounted_ = false;
};

TEST_F(FullDiskTest, RunStopsTailingSaysWhyAndARestartAfterFreeingSpaceLosesNothing) {
  testing::TestLogOptions options;
  options.noise = 500;
  options.plants = testing::ForbiddenPlants("--plant", "old", 5);
  const std::vector<std::string> later = testing::ForbiddenPlants("--plant-on-signal", "new", 40);
  options.plants.insert(options.plants.end(), later.begin(), later.end());
  std::unique_ptr<Subprocess> log = StartLog(options);

  Subprocess run(RunArgs({"--grpc-listen", absl::StrCat("127.0.0.1:", testing::FreeTcpPort())}),
                 dir());
  std::pair<uint64_t, uint64_t> progress;
  for (absl::Time deadline = absl::Now() + absl::Seconds(60);
       absl::Now() < deadline &&
       ((progress = Progress()).second == 0 || progress.first < progress.second);) {
    absl::SleepFor(absl::Milliseconds(200));
  }
  const uint64_t caught_up = progress.first;
  ASSERT_GT(caught_up, 0u) << run.Stderr();
  ASSERT_EQ(caught_up, progress.second) << run.Stderr();

  FillDisk();
  log->Signal(SIGUSR1);  // 40 more watched pairs: 80 entries to commit, and no space.
  std::optional<int> code = run.Wait(absl::Seconds(60));
  ASSERT_TRUE(code.has_value()) << "caawatch run kept running on a full disk";
  EXPECT_NE(*code, 0);
  EXPECT_NE(run.Stderr().find("stopped tailing"), std::string::npos) << run.Stderr();
  EXPECT_NE(run.Stderr().find("pace"), std::string::npos)  // "No space left on device".
      << run.Stderr();

  // Nothing past the last commit counts as processed, and nothing is corrupt.
  std::filesystem::remove(data_dir() + "/filler");
  EXPECT_EQ(Progress().first, caught_up);
  const CommandResult again = testing::RunCommand(RunArgs({"--once"}), dir(), absl::Seconds(120));
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(Progress().first, caught_up + 80);  // The 40 new precert/final pairs.
  const CommandResult findings = Cli({"findings", "--json", "--limit", "1000"});
  ASSERT_EQ(findings.exit_code, 0) << findings.err;
  const std::vector<nlohmann::json> all = JsonLines(findings.out);
  ASSERT_EQ(all.size(), 45u);
  for (size_t i = 0; i < all.size(); ++i) EXPECT_EQ(all[i]["seq"], i + 1);
}

}  // namespace
}  // namespace caawatch
