// A store that cannot be opened says why, in the words of what happened: a corrupt table, a
// read-only file system, a permission denied, a missing CURRENT file, a lock held by PID N. A
// damaged write-ahead log is never rolled back silently: readers refuse, and `caawatch run`
// says what was lost and reads the logs again to restore it. A data directory open to other
// users is made private. Real files, real RocksDB, the built program.
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/e2e/e2e_fixture.h"
#include "tests/e2e/subprocess.h"

namespace caawatch {
namespace {

namespace fs = std::filesystem;
using testing::CommandResult;
using ::testing::HasSubstr;
using testing::JsonLines;
using ::testing::Not;
using testing::Subprocess;

// The store's files whose name ends with `suffix` ("" = all), largest first.
std::vector<fs::path> StoreFiles(const std::string& dir, const std::string& suffix) {
  std::vector<fs::path> files;
  for (const fs::directory_entry& e : fs::directory_iterator(dir)) {
    if (absl::EndsWith(e.path().filename().string(), suffix)) files.push_back(e.path());
  }
  std::sort(files.begin(), files.end(), [](const fs::path& a, const fs::path& b) {
    return fs::file_size(a) > fs::file_size(b);
  });
  return files;
}

std::string ReadAll(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Inverts `count` bytes of `path` at `offset`, in place.
void Flip(const fs::path& path, uint64_t offset, int count) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  std::string bytes(count, '\0');
  f.seekg(offset);
  f.read(bytes.data(), count);
  for (char& c : bytes) c = static_cast<char>(~c);
  f.seekp(offset);
  f.write(bytes.data(), count);
  ASSERT_TRUE(f.good()) << path;
}

uint64_t Varint(const std::string& bytes, size_t* pos) {
  uint64_t value = 0;
  for (int shift = 0; *pos < bytes.size() && shift < 64; shift += 7) {
    const uint8_t b = bytes[(*pos)++];
    value |= static_cast<uint64_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) break;
  }
  return value;
}

// The {offset, size} of a block-based table's metaindex block, from its footer (RocksDB
// format_version >= 1: checksum type, metaindex handle, index handle, padding to 41 bytes,
// format_version, magic): every open of the table reads and checksums it.
std::pair<uint64_t, uint64_t> MetaindexBlock(const std::string& table) {
  size_t pos = table.size() - 53 + 1;
  const uint64_t offset = Varint(table, &pos);
  const uint64_t size = Varint(table, &pos);
  return {offset, size};
}

class StoreDamageTest : public testing::EndToEndFixture {
 protected:
  void TearDown() override {
    if (mounted_) umount2(data_dir().c_str(), MNT_DETACH);
    EndToEndFixture::TearDown();
  }

  // A store with two watch entries, the first of them flushed into a table file (each open
  // replays the write-ahead log of the last into a table).
  void MakeStore() {
    for (const char* name : {"a.example", "b.example"}) {
      const CommandResult added = Cli({"watch", "add", name});
      ASSERT_EQ(added.exit_code, 0) << added.err;
    }
    ASSERT_FALSE(StoreFiles(data_dir(), ".sst").empty());
  }

  bool mounted_ = false;
};

TEST_F(StoreDamageTest, CorruptTableIsReportedAsDamageNotAsARunningMonitor) {
  MakeStore();
  const fs::path table = StoreFiles(data_dir(), ".sst").front();
  const auto [offset, size] = MetaindexBlock(ReadAll(table));
  ASSERT_GT(size, 0u);
  Flip(table, offset + size / 2, 1);

  // RocksDB says "block checksum mismatch": once read as the store being in use.
  const CommandResult add = Cli({"watch", "add", "c.example"});
  EXPECT_EQ(add.exit_code, 1);
  EXPECT_THAT(add.err, HasSubstr("is damaged (corrupt)"));
  EXPECT_THAT(add.err, HasSubstr("checksum mismatch"));
  EXPECT_THAT(add.err, Not(HasSubstr("in use")));
  EXPECT_THAT(add.err, Not(HasSubstr("locked")));
  const CommandResult findings = Cli({"findings"});
  EXPECT_EQ(findings.exit_code, 1);
  EXPECT_THAT(findings.err, HasSubstr("is damaged (corrupt)"));
}

TEST_F(StoreDamageTest, ReadOnlyFileSystemIsSaidSoAndReadersStillRead) {
  MakeStore();
  // A read-only bind mount of the data directory: the kernel answers EROFS, as on a read-only
  // disk (root, like CI: full_disk_test mounts too).
  ASSERT_EQ(mount(data_dir().c_str(), data_dir().c_str(), nullptr, MS_BIND, nullptr), 0)
      << strerror(errno) << ": this test must run as root";
  mounted_ = true;
  ASSERT_EQ(mount(nullptr, data_dir().c_str(), nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY, nullptr),
            0)
      << strerror(errno);

  const CommandResult add = Cli({"watch", "add", "c.example"});
  EXPECT_EQ(add.exit_code, 1);
  EXPECT_THAT(add.err, HasSubstr("is on a read-only file system"));
  EXPECT_THAT(add.err, Not(HasSubstr("in use")));
  EXPECT_THAT(add.err, Not(HasSubstr("locked")));
  const CommandResult list = Cli({"findings"});
  EXPECT_EQ(list.exit_code, 0) << list.err;
}

TEST_F(StoreDamageTest, StoreOfAnotherUserIsPermissionDeniedNotInUse) {
  MakeStore();
  // The store is root's (0700); the commands run as nobody. Root passes every permission
  // check, so as root the test drops to nobody for the command itself.
  ASSERT_EQ(geteuid(), 0u) << "this test must run as root, to run a command as another user";
  ASSERT_EQ(chmod(dir().c_str(), 0755), 0);
  ASSERT_EQ(chmod(data_dir().c_str(), 0700), 0);
  const auto as_nobody = [&](std::vector<std::string> args) {
    std::vector<std::string> argv = {"/usr/bin/setpriv", "--reuid=65534", "--regid=65534",
                                     "--clear-groups", caawatch()};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.insert(argv.end(), {"--data-dir", data_dir()});
    return testing::RunCommand(argv, dir());
  };

  const CommandResult add = as_nobody({"watch", "add", "c.example"});
  EXPECT_EQ(add.exit_code, 1);
  EXPECT_THAT(add.err, HasSubstr(absl::StrCat("permission denied: ", data_dir(),
                                              " (owner uid 0, mode 0700) is not writable by "
                                              "this user (uid 65534)")));
  EXPECT_THAT(add.err, Not(HasSubstr("in use")));
  EXPECT_THAT(add.err, Not(HasSubstr("locked")));
  const CommandResult findings = as_nobody({"findings"});
  EXPECT_EQ(findings.exit_code, 1);
  EXPECT_THAT(findings.err, HasSubstr(absl::StrCat("permission denied: ", data_dir())));
  EXPECT_THAT(findings.err, HasSubstr("is not readable by this user (uid 65534)"));
}

TEST_F(StoreDamageTest, LockedStoreNamesThePidOfTheRunningMonitorOnlyWhileItRuns) {
  std::unique_ptr<Subprocess> log = StartLog({.noise = 50, .plants = {}});
  const int port = testing::FreeTcpPort();
  auto run = std::make_unique<Subprocess>(
      RunArgs({"--grpc-listen", absl::StrCat("127.0.0.1:", port)}), dir());
  ASSERT_NE(ConnectMonitor(port, *run), nullptr);

  // Nothing answers at the address given: the command says who holds the store.
  const CommandResult add = Cli({"watch", "add", "c.example", "--grpc-listen",
                                 absl::StrCat("127.0.0.1:", testing::FreeTcpPort())});
  EXPECT_EQ(add.exit_code, 1);
  EXPECT_THAT(add.err, HasSubstr(absl::StrCat("the store at ", data_dir(), " is locked by PID ",
                                              run->pid(), " (caawatch run)")));
  // The holder answers: the change goes to it.
  const CommandResult via =
      Cli({"watch", "add", "d.example", "--grpc-listen", absl::StrCat("127.0.0.1:", port)});
  EXPECT_EQ(via.exit_code, 0) << via.err;
  EXPECT_EQ(via.out, "added d.example (in the running monitor)\n");

  run->Signal(SIGTERM);
  ASSERT_EQ(run->Wait(absl::Seconds(60)), 0) << run->Stderr();
  run.reset();
  const CommandResult after = Cli({"watch", "add", "e.example"});
  EXPECT_EQ(after.exit_code, 0) << after.err;
  EXPECT_EQ(after.out, "added e.example\n");
}

TEST_F(StoreDamageTest, MissingCurrentFileIsDamageThatRunDoesNotPaperOver) {
  MakeStore();
  const std::string current = data_dir() + "/CURRENT";
  const std::string manifest = ReadAll(current);  // "MANIFEST-000NNN\n"
  ASSERT_TRUE(absl::StartsWith(manifest, "MANIFEST-")) << manifest;
  ASSERT_TRUE(fs::remove(current));

  const CommandResult findings = Cli({"findings"});
  EXPECT_EQ(findings.exit_code, 1);
  EXPECT_THAT(findings.err, HasSubstr("is damaged: its CURRENT file is missing"));
  EXPECT_THAT(findings.err, HasSubstr(absl::StrCat("containing the line ",
                                                   manifest.substr(0, manifest.size() - 1))));
  EXPECT_THAT(findings.err, Not(HasSubstr("completes it")));
  // `run` refuses too, and leaves the files as they are: no fresh store over the old one.
  const CommandResult run = testing::RunCommand(RunArgs({"--once"}), dir());
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_THAT(run.err, HasSubstr("is damaged: its CURRENT file is missing"));
  EXPECT_FALSE(fs::exists(current));

  // The advice given works: the store is whole again.
  std::ofstream(current) << manifest;
  const CommandResult list = Cli({"watch", "list"});
  EXPECT_EQ(list.exit_code, 0) << list.err;
  EXPECT_THAT(list.out, HasSubstr("a.example"));
  EXPECT_THAT(list.out, HasSubstr("b.example"));
}

TEST_F(StoreDamageTest, DamagedWriteAheadLogIsReportedAndRunRestoresWhatWasLost) {
  testing::TestLogOptions options;
  options.noise = 20;
  options.plants = testing::ForbiddenPlants("--plant", "lost", 40);
  std::unique_ptr<Subprocess> log = StartLog(options);
  // Small batches, each proven and committed on its own (findings wait for a proof, issue 15):
  // one commit per few certificates, so the damage falls between commits.
  const std::string config =
      WriteFile("config.json", R"({"batch_size": 8, "max_held_findings": 1})");
  const CommandResult first = testing::RunCommand(RunArgs({"--once", "--config", config}), dir());
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const std::vector<uint64_t> before = StoredAlertSeqs();
  ASSERT_EQ(before.size(), 40u);
  const uint64_t max_before = *std::max_element(before.begin(), before.end());

  // Everything of that run is still in the write-ahead log (a store is flushed at its next
  // open). Damage it where the certificate of lost3 was first written.
  std::vector<fs::path> wals = StoreFiles(data_dir(), ".log");
  ASSERT_FALSE(wals.empty());
  const std::string wal = ReadAll(wals.front());
  const size_t at = wal.find("lost3.forbidden.test");
  ASSERT_NE(at, std::string::npos);
  Flip(wals.front(), at, 4);

  // Readers refuse rather than show an older store as if it were whole.
  const CommandResult findings = Cli({"findings"});
  EXPECT_EQ(findings.exit_code, 1) << findings.out;
  EXPECT_THAT(findings.err, HasSubstr("its write-ahead log is corrupt"));
  EXPECT_THAT(findings.err, HasSubstr("`caawatch run` keeps it, says what was lost"));

  const CommandResult second = testing::RunCommand(RunArgs({"--once", "--config", config}), dir());
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_THAT(second.err, HasSubstr("its write-ahead log is corrupt"));
  EXPECT_THAT(second.err, HasSubstr("lost: findings with seq "));
  EXPECT_THAT(second.err, HasSubstr(absl::StrCat(" to ", max_before, " (they had been alerted")));
  EXPECT_THAT(second.err, HasSubstr("Reading those entries of the logs again restores"));

  // Every finding is back; those found again carry new seqs, so subscribers hear of them.
  const std::vector<uint64_t> after = StoredAlertSeqs();
  EXPECT_EQ(after.size(), 40u);
  const std::set<uint64_t> kept(before.begin(), before.end());
  int again = 0;
  for (uint64_t seq : after) {
    if (kept.count(seq)) continue;
    EXPECT_GT(seq, max_before);
    ++again;
  }
  EXPECT_GT(again, 30);  // The damage was at the fourth of forty.
  const CommandResult names = Cli({"findings", "--json", "--limit", "1000"});
  std::set<std::string> found;
  for (const nlohmann::json& f : JsonLines(names.out)) {
    for (const nlohmann::json& n : f["names"]) found.insert(n.get<std::string>());
  }
  for (int i = 0; i < 40; ++i) EXPECT_TRUE(found.count(absl::StrCat("lost", i, ".forbidden.test")));
}

// Every finding in the store by seq: its names, joined.
std::map<uint64_t, std::string> NamesBySeq(const CommandResult& findings) {
  std::map<uint64_t, std::string> out;
  for (const nlohmann::json& f : JsonLines(findings.out)) {
    std::string names;
    for (const nlohmann::json& n : f["names"]) absl::StrAppend(&names, n.get<std::string>(), " ");
    out[f["seq"].get<uint64_t>()] = names;
  }
  return out;
}

TEST_F(StoreDamageTest, DamageInsideACatchUpsOneBatchNeverHandsASeqToAnotherFinding) {
  // Forbidden certificates (watched by both runs) between permitted ones (watched only by the
  // second run, as if the operator added .allowed.test meanwhile): read again, the entries
  // give findings in another order than the first run gave seqs.
  testing::TestLogOptions options;
  options.noise = 20;
  for (int i = 0; i < 20; ++i) {
    options.plants.insert(options.plants.end(),
                          {"--plant", absl::StrCat("lost", i, ".forbidden.test:letsencrypt"),
                           "--plant", absl::StrCat("ok", i, ".allowed.test:letsencrypt")});
  }
  std::unique_ptr<Subprocess> log = StartLog(options);
  // Default batch size and held findings: the whole catch-up is one commit, one WAL record, and
  // the run's last write.
  const CommandResult first = testing::RunCommand(RunArgs({"--once"}, {".forbidden.test"}), dir());
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const std::map<uint64_t, std::string> before =
      NamesBySeq(Cli({"findings", "--json", "--limit", "1000"}));
  ASSERT_EQ(before.size(), 20u);
  const uint64_t first_before = before.begin()->first;
  const uint64_t max_before = before.rbegin()->first;

  // Damage the batch where it indexes lost3 by name (by_name keys are reversed names, written
  // only by the findings' commit).
  std::vector<fs::path> wals = StoreFiles(data_dir(), ".log");
  ASSERT_FALSE(wals.empty());
  const std::string wal = ReadAll(wals.front());
  const size_t at = wal.find("test.forbidden.lost3");
  ASSERT_NE(at, std::string::npos);
  Flip(wals.front(), at, 4);

  const CommandResult second =
      testing::RunCommand(RunArgs({"--once"}, {".forbidden.test", ".allowed.test"}), dir());
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_THAT(second.err, HasSubstr("its write-ahead log is corrupt"));
  // Nothing past the damage is readable, yet the seqs the lost batch handed out are known.
  EXPECT_THAT(second.err, HasSubstr(absl::StrCat("lost: findings with seq ", first_before, " to ",
                                                 max_before, " (")));
  EXPECT_THAT(second.err, HasSubstr("restores the findings"));

  // The re-read restores every finding, and no seq handed out before the damage names another
  // finding now: those found again are alerted again, at new seqs.
  const std::map<uint64_t, std::string> after =
      NamesBySeq(Cli({"findings", "--json", "--limit", "1000"}));
  EXPECT_EQ(after.size(), 40u);
  std::set<std::string> names;
  for (const auto& [seq, n] : after) {
    for (absl::string_view name : absl::StrSplit(n, ' ', absl::SkipEmpty())) {
      names.insert(std::string(name));
    }
    if (auto it = before.find(seq); it != before.end()) {
      EXPECT_EQ(n, it->second) << "seq " << seq << " was handed to another finding";
    } else {
      EXPECT_GT(seq, max_before) << n;
    }
  }
  for (int i = 0; i < 20; ++i) {
    EXPECT_TRUE(names.count(absl::StrCat("lost", i, ".forbidden.test"))) << i;
    EXPECT_TRUE(names.count(absl::StrCat("ok", i, ".allowed.test"))) << i;
  }
}

TEST_F(StoreDamageTest, DataDirectoryOpenToOthersIsMadePrivateAndSaidSo) {
  ASSERT_EQ(mkdir(data_dir().c_str(), 0755), 0);
  ASSERT_EQ(chmod(data_dir().c_str(), 0755), 0);  // Whatever the umask.
  const CommandResult add = Cli({"watch", "add", "a.example"});
  ASSERT_EQ(add.exit_code, 0) << add.err;
  struct stat st;
  ASSERT_EQ(stat(data_dir().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0700u);
  EXPECT_THAT(add.err, HasSubstr(absl::StrCat("the data directory ", data_dir(),
                                              " was open to other users (mode 0755): it is now "
                                              "0700")));
  // Once private, nothing more is said.
  const CommandResult again = Cli({"watch", "add", "b.example"});
  EXPECT_EQ(again.exit_code, 0);
  EXPECT_EQ(again.err, "");
}

}  // namespace
}  // namespace caawatch
