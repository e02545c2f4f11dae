// Real static-ct-api checkpoints (Let's Encrypt Sycamore2026h1 with grease and extra key lines,
// Google Arche2026h1 staging with witness cosignatures) verify with their log-list keys; any
// change to what the log signed, or to the note's shape, is refused.
#include "ctlog/checkpoint.h"

#include <string>

#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/ctlog/corpus.h"

namespace caawatch::ctlog {
namespace {

using ::testing::HasSubstr;
using testing::ReadCorpus;

struct RealCheckpoint {
  const char* note;
  const char* entry;
  uint64_t tree_size;
  const char* root;
};

constexpr RealCheckpoint kSycamore = {"tiles/checkpoints/sycamore2026h1.checkpoint",
                                      "tiles/checkpoints/sycamore2026h1.loglist-entry.json",
                                      804475391, "c3k2gkKg8h3egIcrhvRi2+JQeid6pmZgfmOGzkrfW8o="};
constexpr RealCheckpoint kArche = {"tiles/checkpoints/arche2026h1-staging.checkpoint",
                                   "tiles/checkpoints/arche2026h1-staging.loglist-entry.json",
                                   1822167730, "FqMvvl+opIdNGueAnE7eTPtlV9Ot53hcarJRzvlwgbA="};

struct LogFromEntry {
  LogKey key;
  std::string origin;
};

LogFromEntry LoadLog(const RealCheckpoint& c) {
  const auto entry = nlohmann::json::parse(ReadCorpus(c.entry));
  std::string der;
  EXPECT_TRUE(absl::Base64Unescape(entry["key"].get<std::string>(), &der));
  auto key = LogKey::FromDer(testing::Bytes(der));
  EXPECT_TRUE(key.ok()) << key.status();
  return {*key, CheckpointOrigin(entry["submission_url"].get<std::string>())};
}

// Flips byte `index` of the first signature line's decoded body, re-encoded canonically.
std::string FlipSignatureByte(const std::string& note, size_t index) {
  const size_t start = note.find("\n\n") + 2;
  const size_t b64 = note.find(' ', note.find(' ', start) + 1) + 1;
  const size_t end = note.find('\n', b64);
  std::string raw;
  EXPECT_TRUE(absl::Base64Unescape(note.substr(b64, end - b64), &raw));
  raw[index] ^= 0x01;
  return note.substr(0, b64) + absl::Base64Escape(raw) + note.substr(end);
}

absl::StatusCode VerifyCode(const std::string& note, const LogFromEntry& log) {
  return VerifyCheckpoint(note, log.key, log.origin).status().code();
}

TEST(CheckpointTest, RealCheckpointsVerifyWithTheirLogListKeys) {
  for (const RealCheckpoint& c : {kSycamore, kArche}) {
    SCOPED_TRACE(c.note);
    const LogFromEntry log = LoadLog(c);
    const std::string note = ReadCorpus(c.note);
    auto verified = VerifyCheckpoint(note, log.key, log.origin);
    ASSERT_TRUE(verified.ok()) << verified.status();
    EXPECT_EQ(verified->sth.tree_size, c.tree_size);
    EXPECT_EQ(verified->sth.root_hash, testing::HashFromBase64(c.root));
    EXPECT_GT(verified->sth.timestamp_ms, 1700000000000u);
    EXPECT_EQ(verified->sth.signature[0], 4);  // DigitallySigned: sha256,
    EXPECT_EQ(verified->sth.signature[1], 3);  // ecdsa.
    EXPECT_EQ(verified->note, note);
  }
}

TEST(CheckpointTest, OriginComesFromTheSubmissionUrl) {
  EXPECT_EQ(CheckpointOrigin("https://log.sycamore.ct.letsencrypt.org/2026h1/"),
            "log.sycamore.ct.letsencrypt.org/2026h1");
  EXPECT_EQ(CheckpointOrigin("http://127.0.0.1:8080"), "127.0.0.1:8080");
}

TEST(CheckpointTest, ParsesEverySignatureLineIncludingWitnessesAndGrease) {
  auto arche = ParseCheckpoint(ReadCorpus(kArche.note));
  ASSERT_TRUE(arche.ok()) << arche.status();
  EXPECT_EQ(arche->origin, "arche2026h1.staging.ct.transparency.dev");
  EXPECT_EQ(arche->signatures.size(), 7u);
  EXPECT_EQ(arche->signatures[2].name, "transparency.dev/DEV:witness-little-garden");
  auto sycamore = ParseCheckpoint(ReadCorpus(kSycamore.note));
  ASSERT_TRUE(sycamore.ok()) << sycamore.status();
  EXPECT_EQ(sycamore->signatures.size(), 4u);
  EXPECT_EQ(sycamore->signatures[1].name, "grease.invalid");
  // Only the third line carries the RFC6962NoteSignature key ID.
  const LogFromEntry log = LoadLog(kSycamore);
  const NoteKeyId id = Rfc6962NoteKeyId(log.origin, log.key.log_id());
  EXPECT_EQ(id, (NoteKeyId{0x10, 0x4b, 0x9e, 0xbf}));
  EXPECT_NE(sycamore->signatures[0].key_id, id);
  EXPECT_EQ(sycamore->signatures[2].key_id, id);
}

TEST(CheckpointTest, AFlippedByteInSizeRootOrSignatureIsRejected) {
  const LogFromEntry log = LoadLog(kArche);
  const std::string note = ReadCorpus(kArche.note);
  // Size: a different (well-formed) number.
  EXPECT_EQ(VerifyCode(absl::StrReplaceAll(note, {{"1822167730", "1822167731"}}), log),
            absl::StatusCode::kDataLoss);
  // Root: another valid base64 of 32 bytes.
  EXPECT_EQ(VerifyCode(absl::StrReplaceAll(note, {{"FqMvvl+", "FqMvvm+"}}), log),
            absl::StatusCode::kDataLoss);
  // Signature: one byte of the ECDSA signature.
  EXPECT_EQ(VerifyCode(FlipSignatureByte(note, 40), log), absl::StatusCode::kDataLoss);
  // Timestamp (inside the signature line, part of the signed tree head).
  EXPECT_EQ(VerifyCode(FlipSignatureByte(note, 11), log), absl::StatusCode::kDataLoss);
  // Key ID: the line no longer counts as the log's, so nothing signs the note.
  EXPECT_EQ(VerifyCode(FlipSignatureByte(note, 0), log), absl::StatusCode::kDataLoss);
}

TEST(CheckpointTest, WrongOriginOrWrongKeyIsRejected) {
  const LogFromEntry arche = LoadLog(kArche);
  const LogFromEntry sycamore = LoadLog(kSycamore);
  const std::string note = ReadCorpus(kArche.note);
  auto wrong_origin = VerifyCheckpoint(note, arche.key, "arche2026h1.example");
  EXPECT_EQ(wrong_origin.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(wrong_origin.status().message(), HasSubstr("origin"));
  auto wrong_key = VerifyCheckpoint(note, sycamore.key, arche.origin);
  EXPECT_EQ(wrong_key.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(wrong_key.status().message(), HasSubstr("no signature line from the log's key"));
}

TEST(CheckpointTest, WithoutTheLogsSignatureLineTheNoteIsRejected) {
  const LogFromEntry log = LoadLog(kArche);
  std::string note = ReadCorpus(kArche.note);
  const size_t start = note.find("\n\n") + 2;
  note.erase(start, note.find('\n', start) + 1 - start);  // Drop the RFC6962 line.
  ASSERT_TRUE(ParseCheckpoint(note).ok());
  EXPECT_EQ(VerifyCode(note, log), absl::StatusCode::kDataLoss);
}

TEST(CheckpointTest, ExtensionLinesAreParsedButNotAcceptedUnderTheLogsSignature) {
  const LogFromEntry log = LoadLog(kArche);
  std::string note = ReadCorpus(kArche.note);
  note.insert(note.find("\n\n") + 1, "extension line\n");
  auto parsed = ParseCheckpoint(note);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->extensions, std::vector<std::string>{"extension line"});
  EXPECT_EQ(VerifyCode(note, log), absl::StatusCode::kDataLoss);
}

TEST(CheckpointTest, MalformedNotesGiveClearErrors) {
  const std::string sig =
      "\xE2\x80\x94 o R58dNgAAAZvBezXbBAMARzBFAiEAjjaxYTgL+bln0TP+Fj3P559mvlNzTzhsRgQL6ysiQkMCICdq"
      "PxE71N3/cREFAr+eqColQgpcRYVKNBXkrayeLuNB\n";
  const std::string root = "FqMvvl+opIdNGueAnE7eTPtlV9Ot53hcarJRzvlwgbA=";
  ASSERT_TRUE(ParseCheckpoint("o\n5\n" + root + "\n\n" + sig).ok());
  const struct {
    std::string note;
    const char* error;
  } kCases[] = {
      {"", "newline"},
      {"o\n5\n" + root + "\n\n" + sig.substr(0, sig.size() - 1), "newline"},
      {"o\n5\n" + root + "\n" + sig, "blank line"},
      {"o\n5\n\n" + sig, "fewer than three lines"},
      {"o\n05\n" + root + "\n\n" + sig, "tree size"},
      {"o\n-5\n" + root + "\n\n" + sig, "tree size"},
      {"o\n99999999999999999999\n" + root + "\n\n" + sig, "tree size"},
      {"o\n5\nAAAA\n\n" + sig, "root hash"},
      {"o\n5\n" + root.substr(0, 43) + "\n\n" + sig, "root hash"},
      {"o\n5\n" + root + "\n\n", "no signature lines"},
      {"o\n5\n" + root + "\n\n- o AAAAAAAA\n", "does not start with"},
      {"o\n5\n" + root + "\n\n\xE2\x80\x94 o\n", "<name> <signature>"},
      {"o\n5\n" + root + "\n\n\xE2\x80\x94 o AAAA\n", "base64 of >= 5 bytes"},
      {"o\n5\n" + root + "\n\n\xE2\x80\x94 o !!!!!!!!\n", "base64 of >= 5 bytes"},
      {"o\r\n5\n" + root + "\n\n" + sig, "control character"},
      {std::string(kMaxCheckpointBytes + 1, 'a'), "over the limit"},
  };
  for (const auto& c : kCases) {
    SCOPED_TRACE(c.note.substr(0, 80));
    auto parsed = ParseCheckpoint(c.note);
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kDataLoss);
    EXPECT_THAT(parsed.status().message(), HasSubstr(c.error));
  }
  std::string many = "o\n5\n" + root + "\n\n";
  for (size_t i = 0; i <= kMaxNoteSignatures; ++i) many += sig;
  EXPECT_THAT(ParseCheckpoint(many).status().message(), HasSubstr("more than"));
}

}  // namespace
}  // namespace caawatch::ctlog
