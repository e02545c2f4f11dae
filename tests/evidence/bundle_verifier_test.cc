#include "evidence/bundle_verifier.h"

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "base/clock.h"
#include "base/hex.h"
#include "ctlog/log_key.h"
#include "ctlog/sha256.h"
#include "evidence/bundle_files.h"
#include "evidence/bundle_writer.h"
#include "evidence/certificate_files.h"
#include "evidence/entry_evidence.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/evidence/test_bundle.h"
#include "tests/fakes/reference_merkle.h"
#include "tests/fakes/temp_dir.h"
#include "tests/fakes/test_log.h"

namespace caawatch::evidence {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr absl::Time kNow = absl::FromUnixSeconds(1795000000);
constexpr const char* kDescription = kTestLogDescription;

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void WriteAll(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

// The test bundle (entries 2 and 5 of a six-leaf log) in a fresh directory.
class BundleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = temp_.path().string();
    auto bundle = WriteTestBundle(&clock_, dir_);
    ASSERT_TRUE(bundle.ok()) << bundle.status();
    bundle_ = *std::move(bundle);
    log_ = bundle_.log.get();
    head_ = bundle_.head;
    entries_ = bundle_.entries;
    leaf_hashes_ = bundle_.leaf_hashes;
    trusted_ = bundle_.trusted;
  }

  std::string Path(const std::string& name) const { return absl::StrCat(dir_, "/", name); }

  FakeClock clock_{kNow};
  TempDir temp_{"evidence"};
  std::string dir_;
  TestBundle bundle_;
  const fakes::TestLog* log_ = nullptr;
  ctlog::SignedTreeHead head_;
  std::vector<ctlog::RawEntry> entries_;
  std::vector<ctlog::Sha256Hash> leaf_hashes_;
  TrustedLogKeys trusted_;
};

TEST_F(BundleTest, AcceptsWhatTheWriterWroteAndListsWhatItChecked) {
  WriteAll(Path("notes.txt"), "a later step\n");  // Not a kind this checks: listed as such.
  WriteAll(Path("report.txt"), "prose\n");        // Written from the files above: a report.
  auto result = VerifyBundle(dir_, trusted_);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->entries, 2u);
  const ctlog::Sha256Hash& id = log_->log_id();
  EXPECT_THAT(result->verified_files,
              ElementsAre(EntryFileName(id, 2), EntryFileName(id, 5), HeadFileName(id, 6),
                          "log-keys.json", ProofFileName(id, 2), ProofFileName(id, 5)));
  EXPECT_THAT(result->unchecked_files, ElementsAre("notes.txt"));
  EXPECT_THAT(result->report_files, ElementsAre("report.txt"));
}

// The promise a CA relies on: no byte of a proof, a head, an entry or the keys can change
// without the bundle being refused, and the message names the file that changed.
TEST_F(BundleTest, OneChangedByteAnywhereIsRejectedNamingTheFile) {
  const ctlog::Sha256Hash& id = log_->log_id();
  for (const std::string& name : {ProofFileName(id, 5), HeadFileName(id, 6), EntryFileName(id, 2),
                                  std::string(kLogKeysFileName)}) {
    const std::string original = ReadAll(Path(name));
    ASSERT_FALSE(original.empty()) << name;
    for (size_t at = 0; at < original.size(); ++at) {
      // Flipped bits, and whitespace swapped for other JSON whitespace (same values).
      std::vector<char> replacements = {static_cast<char>(original[at] ^ 0x01),
                                        static_cast<char>(original[at] ^ 0x20)};
      if (original[at] == ' ' || original[at] == '\n') {
        replacements.push_back(original[at] == ' ' ? '\t' : '\r');
      }
      for (char replacement : replacements) {
        std::string changed = original;
        changed[at] = replacement;
        WriteAll(Path(name), changed);
        auto result = VerifyBundle(dir_, trusted_);
        ASSERT_FALSE(result.ok()) << name << " byte " << at << " = " << int{replacement};
        EXPECT_THAT(std::string(result.status().message()), StartsWith(name + ": "))
            << "byte " << at << " = " << int{replacement};
      }
    }
    WriteAll(Path(name), original);
  }
  EXPECT_TRUE(VerifyBundle(dir_, trusted_).ok());
}

TEST_F(BundleTest, AProofThatLeadsElsewhereIsBlamedOnTheProof) {
  const ctlog::Sha256Hash& id = log_->log_id();
  // A proof of entry 2 that carries entry 3's path: well-formed, signed head, wrong path.
  std::vector<ctlog::Sha256Hash> wrong = fakes::ReferenceInclusionProof(3, leaf_hashes_);
  WriteAll(Path(ProofFileName(id, 2)), ProofJson(id, 2, 6, leaf_hashes_[2], wrong));
  auto result = VerifyBundle(dir_, trusted_);
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(std::string(result.status().message()),
              HasSubstr(ProofFileName(id, 2) + ": the audit path does not lead from entry 2"));
}

TEST_F(BundleTest, AnEntrySwappedForAnotherOfTheLogIsBlamedOnTheEntry) {
  const ctlog::Sha256Hash& id = log_->log_id();
  WriteAll(Path(EntryFileName(id, 2)), EntryJson(id, 2, entries_[3]));
  auto result = VerifyBundle(dir_, trusted_);
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(std::string(result.status().message()),
              StartsWith(EntryFileName(id, 2) + ": its leaf_input hashes to "));
}

TEST_F(BundleTest, AKeyTheVerifierDoesNotTrustIsRefusedWhateverTheBundleSays) {
  // A forger re-signs with their own log: everything in the bundle agrees, but the key is
  // not the one the verifier's log list holds.
  TrustedLogKeys other;
  auto forger = fakes::TestLog::Create(&clock_, /*seed=*/8);
  ASSERT_TRUE(forger.ok());
  other[std::string((*forger)->log_id().begin(), (*forger)->log_id().end())] =
      TrustedLog{(*forger)->public_key_der(), kDescription};
  auto result = VerifyBundle(dir_, other);
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(std::string(result.status().message()), HasSubstr("log-keys.json: log "));
  EXPECT_THAT(std::string(result.status().message()),
              HasSubstr("is not in the log list this verifier trusts"));
}

TEST_F(BundleTest, AHeadNotSignedByTheLogIsBlamedOnTheHead) {
  const ctlog::Sha256Hash& id = log_->log_id();
  // The same tree, signed by another key: the root and path agree, the signature does not.
  auto forger = fakes::TestLog::Create(&clock_, /*seed=*/8);
  ASSERT_TRUE(forger.ok());
  auto forged = (*forger)->SignTreeHead(6, head_.timestamp_ms, head_.root_hash);
  ASSERT_TRUE(forged.ok());
  WriteAll(Path(HeadFileName(id, 6)), HeadJson(id, *forged));
  auto result = VerifyBundle(dir_, trusted_);
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(std::string(result.status().message()),
              StartsWith(HeadFileName(id, 6) + ": the log's signature does not verify"));
}

TEST_F(BundleTest, StrayOrMissingFilesAreNamed) {
  const ctlog::Sha256Hash& id = log_->log_id();
  std::filesystem::remove(Path(EntryFileName(id, 5)));
  auto missing = VerifyBundle(dir_, trusted_);
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(std::string(missing.status().message()),
              StartsWith(ProofFileName(id, 5) + ": its entry " + EntryFileName(id, 5)));
  std::filesystem::remove(Path(ProofFileName(id, 5)));
  WriteAll(Path(EntryFileName(id, 4)), EntryJson(id, 4, entries_[4]));
  auto stray = VerifyBundle(dir_, trusted_);
  ASSERT_FALSE(stray.ok());
  EXPECT_THAT(std::string(stray.status().message()),
              StartsWith(EntryFileName(id, 4) + ": no proof-*.json"));
}

// finding.json as `caawatch evidence` writes it (the fields the verifier reads), for the
// bundle's entries 2 and 5, and a certificate whose SHA-256 it names.
class FindingBundleTest : public BundleTest {
 protected:
  void SetUp() override {
    BundleTest::SetUp();
    WriteAll(Path("certificate.pem"), CertificatesPem({kCertificate}));
    WriteAll(Path("finding.json"), FindingJson({2, 5}, leaf_hashes_[2]));
  }

  std::string FindingJson(const std::vector<uint64_t>& indexes,
                          const ctlog::Sha256Hash& leaf_of_2) const {
    auto b64 = [](const ctlog::Sha256Hash& h) {
      return absl::Base64Escape(absl::string_view(reinterpret_cast<const char*>(h.data()), 32));
    };
    std::string entries;
    for (uint64_t index : indexes) {
      absl::StrAppend(&entries, entries.empty() ? "" : ",", "{\"log_id\":\"", b64(log_->log_id()),
                      "\",\"index\":", index, ",\"inclusion\":{\"leaf_hash\":\"",
                      b64(index == 2 ? leaf_of_2 : leaf_hashes_[index]),
                      "\",\"tree_size\":6,\"root_hash\":\"", b64(head_.root_hash), "\"}}");
    }
    return absl::StrCat("{\"seq\":1,\"cert_sha256\":\"",
                        HexEncode(ctlog::Sha256(absl::string_view(kCertificate))),
                        "\",\"precert_sha256\":null,\"entries\":[", entries, "]}\n");
  }

  static constexpr char kCertificate[] = "not parsed: only its hash is compared";
};

TEST_F(FindingBundleTest, TheFindingAndCertificateAreCheckedAgainstTheProvenEntries) {
  auto result = VerifyBundle(dir_, trusted_);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_THAT(result->verified_files, ::testing::Contains("finding.json"));
  EXPECT_THAT(result->verified_files, ::testing::Contains("certificate.pem"));
  EXPECT_TRUE(result->unchecked_files.empty());
}

TEST_F(FindingBundleTest, AProofOfAnEntryTheFindingDoesNotHaveIsRefused) {
  WriteAll(Path("finding.json"), FindingJson({2}, leaf_hashes_[2]));
  auto result = VerifyBundle(dir_, trusted_);
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(std::string(result.status().message()),
              StartsWith(ProofFileName(log_->log_id(), 5) + ": it proves an entry that is not"));
}

TEST_F(FindingBundleTest, AFindingThatRecordsAnotherLeafIsRefused) {
  WriteAll(Path("finding.json"), FindingJson({2, 5}, leaf_hashes_[3]));
  auto result = VerifyBundle(dir_, trusted_);
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(std::string(result.status().message()),
              StartsWith("finding.json: its entry 2 of log "));
}

TEST_F(FindingBundleTest, ACertificateTheFindingDoesNotNameIsRefused) {
  WriteAll(Path("certificate.pem"), CertificatesPem({"another certificate"}));
  auto result = VerifyBundle(dir_, trusted_);
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(std::string(result.status().message()),
              StartsWith("certificate.pem: its first certificate has SHA-256 "));
}

TEST(EntryEvidenceTest, TheWriterWritesNothingThatDoesNotVerify) {
  FakeClock clock{kNow};
  auto log = fakes::TestLog::Create(&clock, /*seed=*/7);
  ASSERT_TRUE(log.ok());
  (*log)->AddRawLeaf(fakes::Der(40, 1));
  (*log)->AddRawLeaf(fakes::Der(40, 2));
  auto head = (*log)->PublishSth();
  ASSERT_TRUE(head.ok());
  auto entries = (*log)->GetEntries(0, 1, 10);
  ASSERT_TRUE(entries.ok());
  auto key = ctlog::LogKey::FromDer((*log)->public_key_der());
  ASSERT_TRUE(key.ok());
  // Entry 0 with an empty path: the tree has two leaves, so the path is one node short.
  const EntryEvidence short_path{(*log)->log_id(), 0, (*entries)[0], *head, {}, ""};
  TempDir dir{"evidence"};
  const absl::Status status = WriteEntryEvidence(dir.path().string(), *key, short_path);
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss) << status;
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
}

}  // namespace
}  // namespace caawatch::evidence
