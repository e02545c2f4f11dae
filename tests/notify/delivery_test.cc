// Delivery from the store (notify/delivery.h, sink_courier.h) over real RocksDB to a real HTTP
// receiver (webhook_receiver.py) that fails a share of the requests: 500, 429, a hang past the
// timeout, a 404 that cannot succeed. What a receiver relies on: every finding arrives, in seq
// order, each seq under one idempotency key however often it is retried, and a sink resumes at
// its durable cursor.
#include "notify/delivery.h"

#include <sys/stat.h>

#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "ctlog/http_fetcher.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/fakes/store_fixture.h"
#include "tests/notify/background_process.h"

namespace caawatch::notify {
namespace {

using testing::BackgroundProcess;
using testing::FreeLoopbackPort;
using testing::WaitForPort;

// A malformed_cert finding (the simplest key: its leaf hash) for `name` with `severity`.
store::FindingRecord Finding(char leaf, const std::string& name,
                             const std::string& severity = "warning") {
  store::FindingRecord f;
  f.set_kind("malformed_cert");
  f.set_verdict("malformed_cert");
  f.set_severity(severity);
  f.set_leaf_hash(std::string(32, leaf));
  f.add_names(name);
  f.add_watched_names(name);
  return f;
}

class DeliveryTest : public StoreFixture {
 protected:
  void Start(const std::string& plan) {
    port_ = FreeLoopbackPort();
    log_ = dir_.string() + "/requests.jsonl";
    receiver_ = std::make_unique<BackgroundProcess>(std::vector<std::string>{
        "/usr/bin/python3", CAAWATCH_SOURCE_DIR "/tests/notify/webhook_receiver.py",
        std::to_string(port_), log_, "secret", plan.empty() ? "," : plan});
    ASSERT_TRUE(WaitForPort(port_)) << "webhook receiver did not start";
  }
  // A config with one webhook sink to the receiver; retries wait at most 20 ms.
  NotifyConfig Config(absl::Duration timeout = absl::Seconds(10)) const {
    NotifyConfig config;
    SinkConfig sink;
    sink.kind = SinkKind::kWebhook;
    sink.target = absl::StrCat("http://127.0.0.1:", port_, "/hook");
    sink.timeout = timeout;
    config.sinks.push_back(sink);
    config.max_backoff = absl::Milliseconds(20);
    config.poll_interval = absl::Milliseconds(20);
    return config;
  }
  std::unique_ptr<Delivery> Create(const NotifyConfig& config,
                                   std::function<size_t()> names_watched = nullptr) {
    absl::StatusOr<std::unique_ptr<Delivery>> d =
        Delivery::Create(config, dir_.string() + "/notify", store_.get(), &clock_, &logger_,
                         std::move(names_watched));
    EXPECT_TRUE(d.ok()) << d.status();
    return d.ok() ? *std::move(d) : nullptr;
  }
  store::SinkCursorRecord Cursor() {
    auto all = store_->sink_cursors().List();
    EXPECT_TRUE(all.ok() && all->size() == 1u);
    return all.ok() && !all->empty() ? all->front() : store::SinkCursorRecord{};
  }
  // Each request the receiver got, in arrival order: {seq, key, answer}.
  struct Request {
    uint64_t seq = 0;
    std::string key;
    std::string answer;
  };
  // Every request as the receiver logged it.
  std::vector<nlohmann::json> RawRequests() const {
    std::vector<nlohmann::json> out;
    std::ifstream in(log_);
    std::string line;
    while (std::getline(in, line)) out.push_back(nlohmann::json::parse(line));
    return out;
  }
  // The requests of findings (heartbeats left out).
  std::vector<Request> Requests() const {
    std::vector<Request> out;
    for (const nlohmann::json& j : RawRequests()) {
      if (j["headers"]["x-caawatch-event"] == "heartbeat") continue;
      Request r;
      EXPECT_TRUE(absl::SimpleAtoi(j["headers"]["x-caawatch-seq"].get<std::string>(), &r.seq));
      r.key = j["headers"]["idempotency-key"];
      r.answer = j["answer"];
      // The body is the finding JSON of that seq.
      EXPECT_EQ(nlohmann::json::parse(j["body"].get<std::string>())["seq"], r.seq);
      out.push_back(r);
    }
    return out;
  }
  std::set<uint64_t> DeliveredSeqs() const {
    std::set<uint64_t> out;
    for (const Request& r : Requests()) {
      if (r.answer == "200") out.insert(r.seq);
    }
    return out;
  }

  ctlog::CurlGlobal curl_;
  RealClock clock_;
  Logger logger_{LogLevel::kError};
  int port_ = 0;
  std::string log_;
  std::unique_ptr<BackgroundProcess> receiver_;
};

TEST_F(DeliveryTest, EveryFindingReachesAFlakyReceiverInSeqOrderUnderOneKeyPerSeq) {
  // 500s, a 429 and two requests that hang past the 1 s timeout, spread over the first seqs.
  Start("500,200,hang,500,429,200,200,500,hang,200");
  std::unique_ptr<Delivery> delivery = Create(Config(absl::Seconds(1)));
  ASSERT_NE(delivery, nullptr);
  std::vector<store::FindingRecord> findings;
  for (char c = 'a'; c < 'a' + 8; ++c) findings.push_back(Finding(c, std::string(1, c) + ".test"));
  Commit(findings);
  delivery->Start();
  for (int i = 0; i < 600 && Cursor().cursor_seq() < 8; ++i) absl::SleepFor(absl::Milliseconds(50));
  delivery->Stop();
  EXPECT_EQ(Cursor().cursor_seq(), 8u);
  EXPECT_EQ(DeliveredSeqs(), (std::set<uint64_t>{1, 2, 3, 4, 5, 6, 7, 8}));
  const std::vector<Request> requests = Requests();
  EXPECT_GT(requests.size(), 8u);  // Some were retried.
  uint64_t previous = 0;
  std::map<uint64_t, std::set<std::string>> keys;
  for (const Request& r : requests) {
    EXPECT_GE(r.seq, previous) << "seq order broken";
    previous = r.seq;
    keys[r.seq].insert(r.key);
  }
  for (const auto& [seq, k] : keys) {
    EXPECT_EQ(k, (std::set<std::string>{absl::StrCat("caawatch-", seq)})) << seq;
  }
  // Retried seqs: the answer that failed and the one that succeeded carry the same key.
  EXPECT_GE(Cursor().delivered(), 8u);
  EXPECT_EQ(Cursor().given_up(), 0u);
}

TEST_F(DeliveryTest, ANewSinkStartsAtTheLastFindingAndResumesAtItsCursorAfterARestart) {
  Start("");
  Commit({Finding('a', "a.test"), Finding('b', "b.test")});
  {
    std::unique_ptr<Delivery> delivery = Create(Config());
    ASSERT_NE(delivery, nullptr);
    EXPECT_EQ(Cursor().cursor_seq(), 2u);  // Created at the end: history is not replayed.
    Commit({Finding('c', "c.test"), Finding('d', "d.test")});
    EXPECT_TRUE(delivery->CatchUp(absl::Notification()).ok());
  }
  EXPECT_EQ(DeliveredSeqs(), (std::set<uint64_t>{3, 4}));
  Reopen();  // A restart: the cursor is read back from the store.
  Commit({Finding('e', "e.test")});
  std::unique_ptr<Delivery> delivery = Create(Config());
  ASSERT_NE(delivery, nullptr);
  EXPECT_TRUE(delivery->CatchUp(absl::Notification()).ok());
  EXPECT_EQ(Requests().size(), 3u);  // 3, 4, then only 5.
  EXPECT_EQ(DeliveredSeqs(), (std::set<uint64_t>{3, 4, 5}));
}

TEST_F(DeliveryTest, CatchUpLeavesAFindingThatKeepsFailingQueuedForTheNextRun) {
  Start("500,500,500");
  NotifyConfig config = Config();
  config.once_attempts = 3;
  std::unique_ptr<Delivery> delivery = Create(config);
  ASSERT_NE(delivery, nullptr);
  Commit({Finding('a', "a.test"), Finding('b', "b.test")});
  const absl::Status first = delivery->CatchUp(absl::Notification());
  EXPECT_EQ(first.code(), absl::StatusCode::kUnavailable) << first;
  EXPECT_NE(first.message().find("seq 1"), std::string::npos) << first;
  EXPECT_EQ(Cursor().cursor_seq(), 0u);
  EXPECT_NE(Cursor().last_error().find("500"), std::string::npos) << Cursor().last_error();
  // The receiver is back: the next run delivers both, the first under the same key.
  EXPECT_TRUE(delivery->CatchUp(absl::Notification()).ok());
  EXPECT_EQ(Cursor().cursor_seq(), 2u);
  EXPECT_EQ(Cursor().last_error(), "");
  EXPECT_EQ(DeliveredSeqs(), (std::set<uint64_t>{1, 2}));
  EXPECT_EQ(Requests().size(), 5u);
}

TEST_F(DeliveryTest, AFailureThatCannotSucceedIsCountedAndPassedOver) {
  Start("404");
  std::unique_ptr<Delivery> delivery = Create(Config());
  ASSERT_NE(delivery, nullptr);
  Commit({Finding('a', "a.test"), Finding('b', "b.test")});
  EXPECT_TRUE(delivery->CatchUp(absl::Notification()).ok());
  EXPECT_EQ(Cursor().cursor_seq(), 2u);
  EXPECT_EQ(Cursor().given_up(), 1u);
  EXPECT_EQ(Cursor().last_given_up_seq(), 1u);
  EXPECT_EQ(DeliveredSeqs(), (std::set<uint64_t>{2}));
}

TEST_F(DeliveryTest, ASinkGetsOnlyFindingsAtItsSeverityAndWatchItems) {
  Start("");
  NotifyConfig config = Config();
  config.sinks[0].min_severity = store::Severity::kWarning;
  config.sinks[0].watch = {".example.com", "shop.example.net"};
  std::unique_ptr<Delivery> delivery = Create(config);
  ASSERT_NE(delivery, nullptr);
  Commit({Finding('a', "www.example.com", "critical"),   // 1: delivered
          Finding('b', "www.example.com", "info"),       // 2: below min_severity
          Finding('c', "example.com", "warning"),        // 3: delivered (the item's own name)
          Finding('d', "www.example.net", "critical"),   // 4: not a watch item of this sink
          Finding('e', "shop.example.net", "warning"),   // 5: delivered
          Finding('f', "notexample.com", "critical")});  // 6: not below .example.com
  EXPECT_TRUE(delivery->CatchUp(absl::Notification()).ok());
  EXPECT_EQ(DeliveredSeqs(), (std::set<uint64_t>{1, 3, 5}));
  EXPECT_EQ(Cursor().cursor_seq(), 6u);  // The passed-over findings are finished too.
}

TEST_F(DeliveryTest, AHeartbeatSummarisesWhatHappenedSinceTheLastOne) {
  Start("");
  NotifyConfig config = Config();
  config.heartbeat = absl::Milliseconds(300);
  Commit({Finding('a', "a.test")});
  std::unique_ptr<Delivery> delivery = Create(config, [] { return size_t{42}; });
  ASSERT_NE(delivery, nullptr);
  delivery->Start();
  // The heartbeat's clock starts at the sink's first look; the findings come after it.
  for (int i = 0; i < 600 && Cursor().last_heartbeat_ms() == 0; ++i) {
    absl::SleepFor(absl::Milliseconds(20));
  }
  Commit({Finding('b', "b.test"), Finding('c', "c.test")});
  std::vector<nlohmann::json> heartbeats;
  for (int i = 0; i < 600 && heartbeats.empty(); ++i) {
    absl::SleepFor(absl::Milliseconds(20));
    for (const nlohmann::json& r : RawRequests()) {
      if (r["headers"]["x-caawatch-event"] == "heartbeat") heartbeats.push_back(r);
    }
  }
  delivery->Stop();
  ASSERT_FALSE(heartbeats.empty());
  const nlohmann::json body = nlohmann::json::parse(heartbeats[0]["body"].get<std::string>());
  EXPECT_EQ(body["event"], "heartbeat");
  EXPECT_EQ(body["names_watched"], 42);
  EXPECT_EQ(body["new_findings"], 2) << body;
  EXPECT_EQ(body["last_seq"], 3);
  EXPECT_EQ(body["logs"], 1);  // The fixture's log, at position 0 of no known tree: not current.
  EXPECT_EQ(body["logs_current"], 0);
  EXPECT_EQ(heartbeats[0]["headers"]["idempotency-key"].get<std::string>().rfind(
                "caawatch-heartbeat-", 0),
            0u);
  EXPECT_EQ(DeliveredSeqs(), (std::set<uint64_t>{2, 3}));
}

TEST_F(DeliveryTest, AHookGetsTheHeartbeatAsEventHeartbeat) {
  const std::string out = dir_.string() + "/heartbeat.env";
  const std::string hook = dir_.string() + "/hook";
  std::ofstream(hook) << "#!/bin/sh\n[ \"$EVENT\" = heartbeat ] && env > '" << out << "'\nexit 0\n";
  ASSERT_EQ(::chmod(hook.c_str(), 0700), 0);
  NotifyConfig config;
  SinkConfig sink;
  sink.kind = SinkKind::kScript;
  sink.target = hook;
  config.sinks.push_back(sink);
  config.poll_interval = absl::Milliseconds(20);
  config.heartbeat = absl::Milliseconds(200);
  std::unique_ptr<Delivery> delivery = Create(config, [] { return size_t{7}; });
  ASSERT_NE(delivery, nullptr);
  delivery->Start();
  std::string env;
  for (int i = 0; i < 600 && env.find("CAAWATCH_LAST_SEQ=") == std::string::npos; ++i) {
    absl::SleepFor(absl::Milliseconds(20));
    std::ifstream in(out);
    env.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  delivery->Stop();
  EXPECT_NE(env.find("EVENT=heartbeat\n"), std::string::npos) << env;
  EXPECT_NE(env.find("SUMMARY=caawatch heartbeat: 7 names watched, 0 of 0 logs current, 0 new "
                     "findings since "),
            std::string::npos)
      << env;
  EXPECT_NE(env.find("CAAWATCH_NAMES_WATCHED=7\n"), std::string::npos) << env;
  EXPECT_NE(env.find("CAAWATCH_NEW_FINDINGS=0\n"), std::string::npos) << env;
}

TEST_F(DeliveryTest, TwoSinksWithOneIdAreRefused) {
  Start("");
  NotifyConfig config = Config();
  config.sinks.push_back(config.sinks[0]);
  auto delivery =
      Delivery::Create(config, dir_.string() + "/notify", store_.get(), &clock_, &logger_);
  EXPECT_EQ(delivery.status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace caawatch::notify
