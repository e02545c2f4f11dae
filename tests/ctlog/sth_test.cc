// Signed tree heads from Google's Argon logs verify with the keys from the log list; any
// tampering does not.
#include "ctlog/sth.h"

#include "ctlog/pem.h"
#include "nlohmann/json.hpp"
#include "tests/ctlog/corpus.h"

namespace caawatch::ctlog {
namespace {

using testing::ReadCorpus;

LogKey KeyFromLogListEntry(const std::string& path) {
  const auto entry = nlohmann::json::parse(ReadCorpus(path));
  std::string der;
  EXPECT_TRUE(absl::Base64Unescape(entry["key"].get<std::string>(), &der));
  auto key = LogKey::FromDer(testing::Bytes(der));
  EXPECT_TRUE(key.ok()) << key.status();
  return *key;
}

TEST(SthTest, RealArgonTreeHeadsVerifyWithTheirLogListKeys) {
  const struct {
    const char* sth;
    const char* entry;
  } kCases[] = {
      {"ct/rfc6962-argon2025/argon2025h1-get-sth-1425614114.json",
       "ct/rfc6962-argon2025/argon2025h1-loglist-entry.json"},
      {"ct/rfc6962-argon2025/argon2025h1-get-sth-1425633154.json",
       "ct/rfc6962-argon2025/argon2025h1-loglist-entry.json"},
      {"ct/rfc6962-argon2025/argon2025h2-get-sth-1329315675.json",
       "ct/rfc6962-argon2025/argon2025h2-loglist-entry.json"},
  };
  for (const auto& c : kCases) {
    SCOPED_TRACE(c.sth);
    const LogKey key = KeyFromLogListEntry(c.entry);
    EXPECT_TRUE(key.is_ecdsa());
    auto sth = ParseSthJson(ReadCorpus(c.sth));
    ASSERT_TRUE(sth.ok()) << sth.status();
    EXPECT_TRUE(VerifySth(key, *sth).ok());
    // Each signed field matters.
    SignedTreeHead bad = *sth;
    bad.tree_size += 1;
    EXPECT_EQ(VerifySth(key, bad).code(), absl::StatusCode::kDataLoss);
    bad = *sth;
    bad.timestamp_ms += 1;
    EXPECT_FALSE(VerifySth(key, bad).ok());
    bad = *sth;
    bad.root_hash[5] ^= 0x20;
    EXPECT_FALSE(VerifySth(key, bad).ok());
    bad = *sth;
    bad.signature.back() ^= 0x01;
    EXPECT_FALSE(VerifySth(key, bad).ok());
  }
}

TEST(SthTest, AnSthSignedByAnotherLogDoesNotVerify) {
  const LogKey h2 = KeyFromLogListEntry("ct/rfc6962-argon2025/argon2025h2-loglist-entry.json");
  auto sth = ParseSthJson(ReadCorpus("ct/rfc6962-argon2025/argon2025h1-get-sth-1425614114.json"));
  ASSERT_TRUE(sth.ok());
  EXPECT_FALSE(VerifySth(h2, *sth).ok());
}

TEST(SthTest, MalformedGetSthAnswersAreDataLossNotCrashes) {
  for (const char* json :
       {"", "null", "[]", "{\"tree_size\": -1}", "{\"tree_size\": 1}",
        R"({"tree_size":1,"timestamp":2,"sha256_root_hash":"AAAA","tree_head_signature":"AAAA"})",
        R"({"tree_size":"1","timestamp":2,"sha256_root_hash":"x","tree_head_signature":"y"})"}) {
    SCOPED_TRACE(json);
    EXPECT_EQ(ParseSthJson(json).status().code(), absl::StatusCode::kDataLoss);
  }
}

TEST(LogKeyTest, RefusesKeysThatAreNotP256OrRsa2048) {
  EXPECT_EQ(LogKey::FromDer(std::vector<uint8_t>{0x30, 0x00}).status().code(),
            absl::StatusCode::kInvalidArgument);
  auto rsa = PemCertificates(ReadCorpus("ct/google-ct-cpp-testdata/ca-cert.pem"));
  ASSERT_FALSE(rsa.empty());
}

TEST(LogKeyTest, MalformedDigitallySignedIsDataLoss) {
  const LogKey key = KeyFromLogListEntry("ct/rfc6962-argon2025/argon2025h2-loglist-entry.json");
  const std::vector<uint8_t> message = {1, 2, 3};
  for (std::vector<uint8_t> sig :
       {std::vector<uint8_t>{}, std::vector<uint8_t>{4, 3, 0}, std::vector<uint8_t>{4, 3, 0, 5, 1},
        std::vector<uint8_t>{2, 3, 0, 0}, std::vector<uint8_t>{4, 1, 0, 0}}) {
    EXPECT_EQ(key.VerifyDigitallySigned(message, sig).code(), absl::StatusCode::kDataLoss);
  }
}

}  // namespace
}  // namespace caawatch::ctlog
