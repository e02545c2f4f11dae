// The watchlist index across runs of `caawatch run --once --watchlist FILE`: the first run saves
// the index beside the store, a run with the same file reads it and matches as the text would,
// and a damaged index or a changed file is noticed and the text read again.
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "gtest/gtest.h"
#include "tests/e2e/e2e_fixture.h"
#include "tests/e2e/subprocess.h"
#include "watch/stable_hash.h"

namespace caawatch {
namespace {

using testing::CommandResult;

class WatchlistIndexTest : public testing::EndToEndFixture {
 protected:
  // A new log (its own keys) with one certificate for `name` from Let's Encrypt, which
  // forbidden.test's CAA does not allow; the previous log, if any, is stopped first.
  void ReplaceLog(const std::string& name, uint64_t seed) {
    log_.reset();
    log_ = StartLog({.noise = 50, .plants = {"--plant", name + ":letsencrypt"}, .seed = seed});
  }
  CommandResult RunOnce(const std::string& watchlist) const {
    return testing::RunCommand(RunArgs({"--once", "--watchlist", watchlist}, {}), dir(),
                               absl::Seconds(120));
  }
  std::string index() const { return data_dir() + "/watchlist.index"; }

 private:
  std::unique_ptr<testing::Subprocess> log_;
};

TEST_F(WatchlistIndexTest, TheIndexIsSavedReadForTheSameFileAndRebuiltWhenItCannotBeUsed) {
  const std::string watchlist =
      WriteFile("watchlist.txt", "# the team's names\n.forbidden.test\nA.Allowed.TEST.\n");

  ReplaceLog("www.forbidden.test", 7);
  const CommandResult first = RunOnce(watchlist);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_EQ(first.err.find("read the index"), std::string::npos) << first.err;
  ASSERT_TRUE(std::filesystem::exists(index()));
  EXPECT_EQ(StoredAlertSeqs().size(), 1u);

  // The same file: the list comes from the index and still matches the new log's certificate.
  ReplaceLog("mail.forbidden.test", 8);
  const CommandResult second = RunOnce(watchlist);
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_NE(second.err.find("read the index of 2 watch entries"), std::string::npos) << second.err;
  EXPECT_EQ(StoredAlertSeqs().size(), 2u);

  // An index whose checksum holds but whose names are no names (a label in capitals, as a
  // hand-made or foreign file may hold) is refused as damaged, and the text read again.
  {
    std::string bytes = testing::ReadFileOrEmpty(index());
    const size_t at = bytes.find("forbidden");
    ASSERT_NE(at, std::string::npos);
    bytes.replace(at, 9, "FORBIDDEN");
    // The layout of watch/watchlist_index_file.cc: magic, a 32-octet header ending with the
    // payload's checksum, the payload.
    const size_t payload_at = std::string_view("caawatch watchlist index 2\n").size() + 32;
    const uint64_t checksum = watch::StableHash64(bytes.substr(payload_at), 0x5c0ffee5caa1d3a5ULL);
    std::memcpy(bytes.data() + payload_at - sizeof checksum, &checksum, sizeof checksum);
    std::ofstream(index(), std::ios::binary | std::ios::trunc) << bytes;
  }
  ReplaceLog("smtp.forbidden.test", 12);
  const CommandResult foreign = RunOnce(watchlist);
  ASSERT_EQ(foreign.exit_code, 0) << foreign.err;
  EXPECT_NE(foreign.err.find("no DNS label"), std::string::npos) << foreign.err;
  EXPECT_NE(foreign.err.find("reading the watchlist again"), std::string::npos) << foreign.err;
  EXPECT_EQ(StoredAlertSeqs().size(), 3u);

  // A damaged index is said so and not used; the list read from the text replaces it.
  {
    std::fstream file(index(), std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(static_cast<std::streamoff>(std::filesystem::file_size(index()) / 2));
    file.put('\x5a');
  }
  ReplaceLog("shop.forbidden.test", 9);
  const CommandResult damaged = RunOnce(watchlist);
  ASSERT_EQ(damaged.exit_code, 0) << damaged.err;
  EXPECT_NE(damaged.err.find("damaged"), std::string::npos) << damaged.err;
  EXPECT_NE(damaged.err.find("reading the watchlist again"), std::string::npos) << damaged.err;
  EXPECT_EQ(StoredAlertSeqs().size(), 4u);

  // A changed file is read, not the index of the old one; the next run reads the new index.
  std::ofstream(watchlist, std::ios::app) << ".other.test\n";
  ReplaceLog("api.forbidden.test", 10);
  const CommandResult changed = RunOnce(watchlist);
  ASSERT_EQ(changed.exit_code, 0) << changed.err;
  EXPECT_NE(changed.err.find("built from another watchlist"), std::string::npos) << changed.err;
  EXPECT_EQ(StoredAlertSeqs().size(), 5u);
  ReplaceLog("cdn.forbidden.test", 11);
  const CommandResult reread = RunOnce(watchlist);
  ASSERT_EQ(reread.exit_code, 0) << reread.err;
  EXPECT_NE(reread.err.find("read the index of 3 watch entries"), std::string::npos) << reread.err;
  EXPECT_EQ(StoredAlertSeqs().size(), 6u);
}

}  // namespace
}  // namespace caawatch
