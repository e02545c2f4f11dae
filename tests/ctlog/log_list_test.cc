// The v3 log list: the embedded copy and the corpus lists parse, IDs match keys, states and
// kinds are read.
#include "ctlog/log_list.h"

#include "base/quoted_input.h"
#include "ctlog/embedded_log_list.h"
#include "ctlog/sth.h"
#include "tests/ctlog/corpus.h"

namespace caawatch::ctlog {
namespace {

TEST(LogListTest, EmbeddedListParsesWithRfc6962AndTiledLogs) {
  auto logs = ParseLogList(EmbeddedLogListJson());
  ASSERT_TRUE(logs.ok()) << logs.status();
  int rfc6962 = 0, tiled = 0, tailable = 0;
  for (const LogInfo& log : *logs) {
    (log.kind == LogKind::kRfc6962 ? rfc6962 : tiled)++;
    if (IsTailable(log) && log.kind == LogKind::kRfc6962) ++tailable;
    EXPECT_EQ(log.log_id, Sha256(log.key_der));
    EXPECT_EQ(log.url.back(), '/');
  }
  EXPECT_GT(rfc6962, 10);
  EXPECT_GT(tiled, 3);
  EXPECT_GT(tailable, 3);
}

TEST(LogListTest, V78ListHoldsArgon2025h2WhoseKeyVerifiesItsSth) {
  auto logs =
      ParseLogList(testing::ReadCorpus("loglist/google-all_logs_list-v78.2-2025-12-13.json"));
  ASSERT_TRUE(logs.ok()) << logs.status();
  const LogInfo* argon = nullptr;
  for (const LogInfo& log : *logs) {
    if (log.description.find("Argon2025h2") != std::string::npos) argon = &log;
  }
  ASSERT_NE(argon, nullptr);
  EXPECT_EQ(argon->url, "https://ct.googleapis.com/logs/us1/argon2025h2/");
  EXPECT_EQ(argon->mmd, absl::Hours(24));
  auto key = LogKey::FromDer(argon->key_der);
  ASSERT_TRUE(key.ok());
  auto sth =
      ParseSthJson(testing::ReadCorpus("ct/rfc6962-argon2025/argon2025h2-get-sth-1329315675.json"));
  ASSERT_TRUE(sth.ok());
  EXPECT_TRUE(VerifySth(*key, *sth).ok());
}

TEST(LogListTest, EveryCorpusListParses) {
  for (const char* name :
       {"google-log_list-v86.4-2026-06-23.json", "google-all_logs_list-v47.11-2024-10-09.json",
        "google-log_list-v81.14-2026-01-20.json"}) {
    SCOPED_TRACE(name);
    auto logs = ParseLogList(testing::ReadCorpus(std::string("loglist/") + name));
    ASSERT_TRUE(logs.ok()) << logs.status();
    EXPECT_FALSE(logs->empty());
  }
}

TEST(LogListTest, ALogIdThatIsNotTheKeyHashIsRejected) {
  const std::string list = R"({"operators":[{"name":"x","logs":[{"description":"bad",
    "log_id":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
    "key":"MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEB/we6GOO/xwxivy4HhkrYFAAPo6e2nc346Wo2o2U+GvoPWSPJz91s/xrEvA3Bk9kWHUUXVZS5morFEzsgdHqPg==",
    "url":"https://log.example/","mmd":86400,"state":{"usable":{"timestamp":"2026-01-01T00:00:00Z"}}}]}]})";
  EXPECT_EQ(ParseLogList(list).status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(ParseLogList("{}").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseLogList("not json").status().code(), absl::StatusCode::kInvalidArgument);
}

// A log listed twice would get two workers racing on one stored position.
TEST(LogListTest, ALogListedTwiceIsKeptOnceWithAMessageNamingBothListings) {
  auto logs = ParseLogList(EmbeddedLogListJson());
  ASSERT_TRUE(logs.ok()) << logs.status();
  ASSERT_GE(logs->size(), 2u);
  const size_t count = logs->size();
  std::vector<LogInfo> listed = *logs;
  LogInfo again = listed[0];
  again.description = "again\x1b[2J";
  listed.push_back(again);
  const LogInfo second = listed[1];
  listed.insert(listed.begin() + 1, second);
  const std::vector<std::string> messages = MergeRepeatedLogs(&listed);
  ASSERT_EQ(listed.size(), count);
  for (size_t i = 0; i < count; ++i) EXPECT_EQ(listed[i].log_id, (*logs)[i].log_id);
  EXPECT_EQ(listed[0].description, (*logs)[0].description);  // The first listing wins.
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_NE(messages[1].find("\"again\\x1b[2J\""), std::string::npos) << messages[1];
  EXPECT_NE(messages[1].find(QuoteInput((*logs)[0].description)), std::string::npos) << messages[1];
}

}  // namespace
}  // namespace caawatch::ctlog
