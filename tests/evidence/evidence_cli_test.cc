// `caawatch evidence verify DIR` through the built program, and the same bundle checked by an
// independent verifier (independent_verify.py: hashlib and the OpenSSL command line), so that
// the format is checkable without caawatch's code.
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "base/clock.h"
#include "evidence/bundle_files.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/e2e/subprocess.h"
#include "tests/evidence/test_bundle.h"
#include "tests/fakes/temp_dir.h"
#include "tests/fakes/test_log_server.h"

namespace caawatch::evidence {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr absl::Time kNow = absl::FromUnixSeconds(1795000000);

class EvidenceCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    bundle_dir_ = absl::StrCat(temp_.path().string(), "/bundle");
    std::filesystem::create_directory(bundle_dir_);
    auto bundle = WriteTestBundle(&clock_, bundle_dir_);
    ASSERT_TRUE(bundle.ok()) << bundle.status();
    bundle_ = *std::move(bundle);
    // The log list a user of the test log would have: the one its server describes.
    auto server = fakes::TestLogServer::Start(bundle_.log.get());
    ASSERT_TRUE(server.ok()) << server.status();
    log_list_ = absl::StrCat(temp_.path().string(), "/log_list.json");
    std::string list = (*server)->LogListJson();
    // The server names the log after its URL; the bundle says kTestLogDescription.
    DescribeAsTheBundle(&list);
    std::ofstream(log_list_) << list;
  }

  // Gives the listed log the bundle's description (the verifier compares them).
  static void DescribeAsTheBundle(std::string* list) {
    const std::string key = "\"description\":";
    const size_t at = list->find(key);
    ASSERT_NE(at, std::string::npos) << *list;
    const size_t open = list->find('"', at + key.size());
    const size_t close = list->find('"', open + 1);
    list->replace(open, close - open + 1, absl::StrCat("\"", kTestLogDescription, "\""));
  }

  testing::CommandResult Verify(std::vector<std::string> extra = {}) {
    std::vector<std::string> argv = {CAAWATCH_BINARY_DIR "/cli/caawatch", "evidence", "verify",
                                     bundle_dir_};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return testing::RunCommand(argv, temp_.path().string(), absl::Seconds(30));
  }

  testing::CommandResult Independent() {
    return testing::RunCommand(
        {CAAWATCH_PYTHON3, CAAWATCH_SOURCE_DIR "/tests/evidence/independent_verify.py",
         bundle_dir_},
        temp_.path().string(), absl::Seconds(30));
  }

  void FlipByte(const std::string& name, size_t at) {
    const std::string path = absl::StrCat(bundle_dir_, "/", name);
    std::string bytes = testing::ReadFileOrEmpty(path);
    ASSERT_LT(at, bytes.size());
    bytes[at] = static_cast<char>(bytes[at] ^ 0x01);
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
  }

  FakeClock clock_{kNow};
  TempDir temp_{"evidence_cli"};
  std::string bundle_dir_;
  std::string log_list_;
  TestBundle bundle_;
};

TEST_F(EvidenceCliTest, AcceptsTheBundleAsAnIndependentCheckDoes) {
  const testing::CommandResult ours = Verify({"--log-list", log_list_});
  EXPECT_EQ(ours.exit_code, 0) << ours.err;
  EXPECT_THAT(ours.out, StartsWith("bundle verified: 2 log entries proven"));
  const testing::CommandResult theirs = Independent();
  EXPECT_EQ(theirs.exit_code, 0) << theirs.out << theirs.err;
  EXPECT_EQ(theirs.out, "ok 2\n");
}

// A byte changed in a proof, a head or an entry: refused, naming the file, by us and by the
// independent check (which shows the change matters, not only our strictness).
TEST_F(EvidenceCliTest, RejectsAChangedByteNamingTheFile) {
  const ctlog::Sha256Hash& id = bundle_.log->log_id();
  const std::string proof = ProofFileName(id, 5), head = HeadFileName(id, 6),
                    entry = EntryFileName(id, 2);
  // Inside a hash of the audit path, the root hash, the leaf_input: the middle of the file's
  // last base64 value before the closing of the object is data, never syntax.
  for (const std::string& name : {proof, head, entry}) {
    SCOPED_TRACE(name);
    const std::string original = testing::ReadFileOrEmpty(absl::StrCat(bundle_dir_, "/", name));
    const std::string field = name == proof  ? "\"audit_path\": [\n    \""
                              : name == head ? "\"sha256_root_hash\": \""
                                             : "\"leaf_input\": \"";
    const size_t at = original.find(field);
    ASSERT_NE(at, std::string::npos);
    FlipByte(name, at + field.size() + 10);
    const testing::CommandResult ours = Verify({"--log-list", log_list_});
    EXPECT_EQ(ours.exit_code, 1);
    EXPECT_THAT(ours.err, HasSubstr(absl::StrCat("caawatch: ", name, ": ")));
    const testing::CommandResult theirs = Independent();
    EXPECT_EQ(theirs.exit_code, 1) << theirs.out;
    std::ofstream(absl::StrCat(bundle_dir_, "/", name), std::ios::binary | std::ios::trunc)
        << original;
  }
  EXPECT_EQ(Verify({"--log-list", log_list_}).exit_code, 0);
}

TEST_F(EvidenceCliTest, TheBuiltInLogListDoesNotVouchForAnUnknownLog) {
  const testing::CommandResult result = Verify();
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_THAT(result.err, HasSubstr("log-keys.json: log "));
  EXPECT_THAT(result.err, HasSubstr("is not in the log list this verifier trusts"));
}

TEST_F(EvidenceCliTest, AMissingDirectoryIsAClearError) {
  bundle_dir_ += "-missing";
  const testing::CommandResult result = Verify({"--log-list", log_list_});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_THAT(result.err, HasSubstr("cannot read the bundle directory"));
}

}  // namespace
}  // namespace caawatch::evidence
