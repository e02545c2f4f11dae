// The Monitor service over a real gRPC server on 127.0.0.1 port 0, a real channel and a real
// store in a temp dir.
#include "server/service.h"

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "base/clock.h"
#include "caawatch/v1/monitor.grpc.pb.h"
#include "cli/alert_subscriber.h"
#include "ctlog/checkpoint.h"
#include "ctlog/log_key.h"
#include "ctlog/sha256.h"
#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/generic/generic_stub.h"
#include "gtest/gtest.h"
#include "judge/alert_hub.h"
#include "server/grpc_server.h"
#include "store/store.h"
#include "tests/fakes/test_log.h"
#include "tests/server/service_fixture.h"

namespace caawatch::server {
namespace {

using ::testing::HasSubstr;

constexpr absl::Duration kWait = absl::Seconds(20);

struct FindingSpec {
  std::string watched = "www.example.com";
  std::string verdict = "forbidden";
  std::string severity = "critical";
};

class MonitorServiceTest : public ServiceFixture {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(ServiceFixture::SetUp());
    MonitorServiceOptions options = BaseServiceOptions();
    options.caa_backend = caa_backend_;
    options.on_watch_changed = [this] {
      ++watch_changes_;
      return absl::OkStatus();
    };
    // Not owned: the aliasing constructor with no owner points at the fixture's member.
    options.static_watches = [this] {
      return std::shared_ptr<const watch::Watchlist>(std::shared_ptr<void>(), &static_watches_);
    };
    options.subscribe_page_size = 4;  // Small pages: the tests cross page boundaries.
    service_ = std::make_unique<MonitorService>(options);
    StartServer("127.0.0.1:0");
  }

  void TearDown() override { StopServer(); }

  void StartServer(const std::string& listen) {
    GrpcServerOptions options;
    options.listen = listen;
    absl::StatusOr<GrpcServerHandle> handle = StartGrpcServer(options, service_.get());
    ASSERT_TRUE(handle.ok()) << handle.status();
    server_ = std::move(handle->server);
    port_ = handle->port;
    channel_ =
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", port_), grpc::InsecureChannelCredentials());
    stub_ = v1::Monitor::NewStub(channel_);
  }

  void StopServer() {
    if (server_ == nullptr) return;
    server_->Shutdown(std::chrono::system_clock::now());  // Cancels open streams at once.
    server_.reset();
  }

  // Commits one finding and announces it, as the monitor's commit path does.
  uint64_t AddFinding(const FindingSpec& spec) {
    store::FindingRecord record;
    record.set_kind("certificate");
    record.set_verdict(spec.verdict);
    record.set_severity(spec.severity);
    record.add_names(spec.watched);
    record.add_watched_names(spec.watched);
    ctlog::Sha256Hash tbs = ctlog::Sha256(absl::StrCat("tbs", next_tbs_++));
    record.set_tbs_sha256(std::string(tbs.begin(), tbs.end()));
    record.set_recorded_ms(absl::ToUnixMillis(clock_.Now()));
    store::CommitRequest request;
    request.findings.push_back(record);
    absl::StatusOr<store::CommitResult> result = store_->findings().Commit(std::move(request));
    EXPECT_TRUE(result.ok()) << result.status();
    if (!result.ok() || result->created.empty()) return 0;
    uint64_t seq = result->created.back().seq();
    hub_.Publish(seq);
    return seq;
  }

  // Reads `n` alerts from `reader`, returning their seqs (fewer if the stream ends).
  static std::vector<uint64_t> ReadSeqs(grpc::ClientReader<v1::Alert>* reader, int n) {
    std::vector<uint64_t> seqs;
    v1::Alert alert;
    while (static_cast<int>(seqs.size()) < n && reader->Read(&alert)) {
      EXPECT_EQ(alert.seq(), alert.finding().seq());
      seqs.push_back(alert.seq());
    }
    return seqs;
  }

  CaaCheckBackend* caa_backend_ = nullptr;
  int watch_changes_ = 0;
  watch::Watchlist static_watches_;
  std::unique_ptr<MonitorService> service_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::Monitor::Stub> stub_;
  int next_tbs_ = 0;
};

TEST_F(MonitorServiceTest, SubscribeDeliversBacklogThenLiveAlertsInSeqOrder) {
  std::vector<uint64_t> expected;
  for (int i = 0; i < 6; ++i) expected.push_back(AddFinding({}));
  grpc::ClientContext context;
  context.set_deadline(Deadline());
  v1::SubscribeRequest request;
  std::unique_ptr<grpc::ClientReader<v1::Alert>> reader = stub_->Subscribe(&context, request);
  EXPECT_EQ(ReadSeqs(reader.get(), 6), expected);
  std::vector<uint64_t> live;
  for (int i = 0; i < 5; ++i) live.push_back(AddFinding({}));
  EXPECT_EQ(ReadSeqs(reader.get(), 5), live);
  context.TryCancel();
}

TEST_F(MonitorServiceTest, ResumingAfterSeqGivesNoDuplicatesAndNoGaps) {
  std::vector<uint64_t> all;
  for (int i = 0; i < 9; ++i) all.push_back(AddFinding({}));
  grpc::ClientContext context;
  context.set_deadline(Deadline());
  v1::SubscribeRequest request;
  request.set_after_seq(all[3]);
  std::unique_ptr<grpc::ClientReader<v1::Alert>> reader = stub_->Subscribe(&context, request);
  std::vector<uint64_t> rest(all.begin() + 4, all.end());
  rest.push_back(AddFinding({}));
  EXPECT_EQ(ReadSeqs(reader.get(), static_cast<int>(rest.size())), rest);
  context.TryCancel();
}

// Re-evaluation on late data (store::Findings::Update): a finding whose verdict got
// worse moves to a new seq; a live stream gets it once more, a stream starting over gets it once.
TEST_F(MonitorServiceTest, AReAlertedFindingIsStreamedOnceMoreAtItsNewSeqAndOnlyThere) {
  const uint64_t unknown = AddFinding({.verdict = "unknown_issuer", .severity = "warning"});
  const uint64_t other = AddFinding({});
  grpc::ClientContext context;
  context.set_deadline(Deadline());
  std::unique_ptr<grpc::ClientReader<v1::Alert>> live =
      stub_->Subscribe(&context, v1::SubscribeRequest());
  EXPECT_EQ(ReadSeqs(live.get(), 2), (std::vector<uint64_t>{unknown, other}));

  store::FindingQuery query;
  query.after_seq = unknown - 1;
  query.limit = 1;
  absl::StatusOr<std::vector<store::FindingRecord>> stored = store_->findings().List(query);
  ASSERT_TRUE(stored.ok() && stored->size() == 1u);
  store::FindingUpdate update;
  update.finding.set_tbs_sha256((*stored)[0].tbs_sha256());
  update.finding.set_verdict("forbidden");
  update.finding.set_severity("critical");
  update.alert = store::FindingUpdate::Alert::kNewSeq;
  absl::StatusOr<std::vector<store::FindingRecord>> applied = store_->findings().Update({update});
  ASSERT_TRUE(applied.ok() && applied->size() == 1u);
  const uint64_t realert = (*applied)[0].seq();
  hub_.Publish(realert);
  const uint64_t later = AddFinding({});

  v1::Alert alert;
  ASSERT_TRUE(live->Read(&alert));
  EXPECT_EQ(alert.seq(), realert);
  EXPECT_EQ(alert.finding().verdict(), v1::FORBIDDEN);
  EXPECT_EQ(alert.finding().first_seq(), unknown);
  ASSERT_EQ(alert.finding().history_size(), 1);
  EXPECT_EQ(alert.finding().history(0).verdict(), v1::UNKNOWN_ISSUER);
  EXPECT_EQ(ReadSeqs(live.get(), 1), (std::vector<uint64_t>{later}));
  context.TryCancel();

  grpc::ClientContext fresh_context;
  fresh_context.set_deadline(Deadline());
  std::unique_ptr<grpc::ClientReader<v1::Alert>> fresh =
      stub_->Subscribe(&fresh_context, v1::SubscribeRequest());
  EXPECT_EQ(ReadSeqs(fresh.get(), 3), (std::vector<uint64_t>{other, realert, later}));
  fresh_context.TryCancel();
}

TEST_F(MonitorServiceTest, InfoFindingsAreNotAlerts) {
  for (int i = 0; i < 9; ++i) AddFinding({.verdict = "permitted", .severity = "info"});
  uint64_t alert = AddFinding({.verdict = "unknown_issuer", .severity = "warning"});
  grpc::ClientContext context;
  context.set_deadline(Deadline());
  std::unique_ptr<grpc::ClientReader<v1::Alert>> reader =
      stub_->Subscribe(&context, v1::SubscribeRequest());
  EXPECT_EQ(ReadSeqs(reader.get(), 1), std::vector<uint64_t>{alert});
  context.TryCancel();
}

TEST_F(MonitorServiceTest, SubscribeFiltersByNameSubtreeAndVerdict) {
  uint64_t wanted = AddFinding({.watched = "a.b.example.com"});
  AddFinding({.watched = "example.org"});
  AddFinding({.watched = "notexample.com"});
  AddFinding({.watched = "www.example.com", .verdict = "unknown_issuer", .severity = "warning"});
  for (int i = 0; i < 6; ++i) AddFinding({.watched = "other.test"});
  grpc::ClientContext context;
  context.set_deadline(Deadline());
  v1::SubscribeRequest request;
  request.add_names(".Example.COM");
  request.add_verdicts(v1::FORBIDDEN);
  std::unique_ptr<grpc::ClientReader<v1::Alert>> reader = stub_->Subscribe(&context, request);
  uint64_t live = AddFinding({.watched = "example.com"});
  EXPECT_EQ(ReadSeqs(reader.get(), 2), (std::vector<uint64_t>{wanted, live}));
  context.TryCancel();
}

TEST_F(MonitorServiceTest, SubscribeRejectsAnUnspecifiedVerdict) {
  grpc::ClientContext context;
  context.set_deadline(Deadline());
  v1::SubscribeRequest request;
  request.add_verdicts(v1::VERDICT_UNSPECIFIED);
  std::unique_ptr<grpc::ClientReader<v1::Alert>> reader = stub_->Subscribe(&context, request);
  v1::Alert alert;
  EXPECT_FALSE(reader->Read(&alert));
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(MonitorServiceTest, CancellingMidStreamUnsubscribesFromTheHub) {
  for (int i = 0; i < 10; ++i) AddFinding({});
  {
    grpc::ClientContext context;
    context.set_deadline(Deadline());
    std::unique_ptr<grpc::ClientReader<v1::Alert>> reader =
        stub_->Subscribe(&context, v1::SubscribeRequest());
    ASSERT_EQ(ReadSeqs(reader.get(), 2).size(), 2u);
    EXPECT_EQ(hub_.subscriber_count(), 1u);
    context.TryCancel();
    EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::CANCELLED);
  }
  EXPECT_TRUE(hub_.AwaitSubscriberCount(0, kWait));
  AddFinding({});  // Publishing to nobody is fine.
}

// Takes one alert, then cancels; counts what it got and that it ended.
class OneAlertReader final : public grpc::ClientReadReactor<v1::Alert> {
 public:
  OneAlertReader(v1::Monitor::Stub* stub, absl::Mutex* mu, int* got, int* done, uint64_t* seq)
      : mu_(mu), got_(got), done_(done), seq_(seq) {
    stub->async()->Subscribe(&context_, &request_, this);
    StartRead(&alert_);
    StartCall();
  }
  void OnReadDone(bool ok) override {
    if (ok) {
      absl::MutexLock lock(mu_);
      *seq_ = alert_.seq();
      ++*got_;
    }
    context_.TryCancel();
  }
  void OnDone(const grpc::Status&) override {
    absl::MutexLock lock(mu_);
    ++*done_;
  }

 private:
  grpc::ClientContext context_;
  v1::SubscribeRequest request_;
  v1::Alert alert_;
  absl::Mutex* mu_;
  int* got_;
  int* done_;
  uint64_t* seq_;
};

TEST_F(MonitorServiceTest, OnePublishReachesTwoHundredIdleSubscribers) {
  constexpr int kStreams = 200;
  absl::Mutex mu;
  int got = 0, done = 0;
  std::vector<uint64_t> seqs(kStreams, 0);
  std::vector<std::unique_ptr<OneAlertReader>> readers;
  for (int i = 0; i < kStreams; ++i) {
    readers.push_back(std::make_unique<OneAlertReader>(stub_.get(), &mu, &got, &done, &seqs[i]));
  }
  ASSERT_TRUE(hub_.AwaitSubscriberCount(kStreams, kWait));
  uint64_t seq = AddFinding({});
  {
    absl::MutexLock lock(&mu);
    auto all_done = [&]() ABSL_SHARED_LOCKS_REQUIRED(mu) { return done == kStreams; };
    ASSERT_TRUE(mu.AwaitWithTimeout(absl::Condition(&all_done), kWait)) << done;
    EXPECT_EQ(got, kStreams);
  }
  for (uint64_t s : seqs) EXPECT_EQ(s, seq);
  EXPECT_TRUE(hub_.AwaitSubscriberCount(0, kWait));
}

TEST_F(MonitorServiceTest, ListFindingsPagesThroughEveryFindingOnce) {
  std::vector<uint64_t> all;
  for (int i = 0; i < 7; ++i)
    all.push_back(AddFinding({.verdict = "permitted", .severity = "info"}));
  std::vector<uint64_t> seen;
  std::string token;
  int pages = 0;
  do {
    grpc::ClientContext context;
    v1::ListFindingsRequest request;
    request.set_page_size(3);
    request.set_page_token(token);
    v1::ListFindingsResponse response;
    ASSERT_TRUE(stub_->ListFindings(&context, request, &response).ok());
    for (const v1::Finding& f : response.findings()) seen.push_back(f.seq());
    token = response.next_page_token();
    ASSERT_LT(++pages, 10);
  } while (!token.empty());
  EXPECT_EQ(seen, all);
}

TEST_F(MonitorServiceTest, ListFindingsFiltersByNameAndVerdict) {
  AddFinding({.watched = "a.example.com"});
  uint64_t exact = AddFinding({.watched = "example.com"});
  AddFinding({.watched = "example.com", .verdict = "permitted", .severity = "info"});
  grpc::ClientContext context;
  v1::ListFindingsRequest request;
  request.set_name("example.com");
  request.add_verdicts(v1::FORBIDDEN);
  v1::ListFindingsResponse response;
  ASSERT_TRUE(stub_->ListFindings(&context, request, &response).ok());
  ASSERT_EQ(response.findings_size(), 1);
  EXPECT_EQ(response.findings(0).seq(), exact);
  EXPECT_EQ(response.findings(0).verdict(), v1::FORBIDDEN);
}

// A filter name is a names::DomainName: written with U-labels it finds the findings of its
// A-label, and "notexample.com" is not under "example.com".
TEST_F(MonitorServiceTest, ListFindingsFiltersByAnIdnSubtree) {
  const uint64_t idn = AddFinding({.watched = "www.xn--bcher-kva.example"});
  AddFinding({.watched = "www.notxn--bcher-kva.example"});
  grpc::ClientContext context;
  v1::ListFindingsRequest request;
  request.set_name("B\u00DCCHER.example");
  request.set_subtree(true);
  v1::ListFindingsResponse response;
  const grpc::Status status = stub_->ListFindings(&context, request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(response.findings_size(), 1);
  EXPECT_EQ(response.findings(0).seq(), idn);
}

// A bad name comes back quoted and escaped: a newline or a terminal escape in a request can
// neither forge lines nor colour the caller's terminal.
TEST_F(MonitorServiceTest, BadFilterNameIsRefusedWithTheNameEscaped) {
  grpc::ClientContext context;
  v1::SubscribeRequest request;
  request.add_names("evil\n\x1b[31m.example");
  context.set_deadline(Deadline());
  std::unique_ptr<grpc::ClientReader<v1::Alert>> reader = stub_->Subscribe(&context, request);
  v1::Alert alert;
  EXPECT_FALSE(reader->Read(&alert));
  const grpc::Status status = reader->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("\"evil\\n\\x1b[31m.example\""));
  EXPECT_EQ(status.error_message().find_first_of("\n\x1b"), std::string::npos);
}

TEST_F(MonitorServiceTest, ListFindingsRejectsABadTimeOrToken) {
  for (auto mutate : {+[](v1::ListFindingsRequest* r) { r->set_since("yesterday"); },
                      +[](v1::ListFindingsRequest* r) { r->set_page_token("x1"); },
                      +[](v1::ListFindingsRequest* r) { r->set_log_id("***"); }}) {
    grpc::ClientContext context;
    v1::ListFindingsRequest request;
    mutate(&request);
    v1::ListFindingsResponse response;
    EXPECT_EQ(stub_->ListFindings(&context, request, &response).error_code(),
              grpc::StatusCode::INVALID_ARGUMENT);
  }
}

TEST_F(MonitorServiceTest, GetCertificateFindsByHashAndReturnsPem) {
  const std::string der = "\x30\x03\x02\x01\x01";
  ctlog::Sha256Hash cert = ctlog::Sha256(der);
  store::FindingRecord record;
  record.set_kind("certificate");
  record.set_verdict("forbidden");
  record.set_severity("critical");
  record.set_cert_sha256(std::string(cert.begin(), cert.end()));
  record.set_tbs_sha256(std::string(32, '\x07'));
  store::CommitRequest commit;
  commit.findings.push_back(record);
  commit.certificates.emplace_back(std::string(cert.begin(), cert.end()), der);
  ASSERT_TRUE(store_->findings().Commit(std::move(commit)).ok());

  grpc::ClientContext context;
  v1::GetCertificateRequest request;
  std::string hex;
  for (uint8_t b : cert) absl::StrAppend(&hex, absl::Hex(b, absl::kZeroPad2));
  request.set_sha256(hex);
  v1::GetCertificateResponse response;
  ASSERT_TRUE(stub_->GetCertificate(&context, request, &response).ok());
  EXPECT_EQ(response.finding().cert_sha256(), hex);
  EXPECT_EQ(response.pem(), "-----BEGIN CERTIFICATE-----\nMAMCAQE=\n-----END CERTIFICATE-----\n");

  grpc::ClientContext missing_context;
  request.set_sha256(std::string(64, 'e'));
  EXPECT_EQ(stub_->GetCertificate(&missing_context, request, &response).error_code(),
            grpc::StatusCode::NOT_FOUND);
  grpc::ClientContext bad_context;
  request.set_sha256("zz");
  EXPECT_EQ(stub_->GetCertificate(&bad_context, request, &response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(MonitorServiceTest, WatchChangesReachTheStoreAndTheMonitor) {
  grpc::ClientContext add_context;
  v1::AddWatchRequest add;
  add.mutable_entry()->set_name(".Example.com");
  add.mutable_entry()->add_issuers("letsencrypt.org");
  v1::AddWatchResponse added;
  ASSERT_TRUE(stub_->AddWatch(&add_context, add, &added).ok());
  EXPECT_EQ(watch_changes_, 1);

  grpc::ClientContext list_context;
  v1::ListWatchResponse list;
  ASSERT_TRUE(stub_->ListWatch(&list_context, v1::ListWatchRequest(), &list).ok());
  ASSERT_EQ(list.entries_size(), 1);
  EXPECT_EQ(list.entries(0).name(), ".example.com");
  EXPECT_EQ(list.entries(0).issuers(0), "letsencrypt.org");

  grpc::ClientContext remove_context;
  v1::RemoveWatchRequest remove;
  remove.set_name(".example.com");
  v1::RemoveWatchResponse removed;
  ASSERT_TRUE(stub_->RemoveWatch(&remove_context, remove, &removed).ok());
  EXPECT_TRUE(removed.removed());
  EXPECT_EQ(watch_changes_, 2);

  grpc::ClientContext bad_context;
  add.mutable_entry()->set_name("bad name");
  EXPECT_EQ(stub_->AddWatch(&bad_context, add, &added).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(MonitorServiceTest, ListWatchShowsStaticEntriesThenStoredOnesWithTheirOrigin) {
  static_watches_ =
      watch::Watchlist({watch::ParseWatchItem(".example.net issuers=pki.goog").value(),
                        watch::WatchItem::ForEveryName()});
  grpc::ClientContext add_context;
  v1::AddWatchRequest add;
  add.mutable_entry()->set_name("www.example.com");
  add.mutable_entry()->set_origin(v1::WATCH_STATIC);  // Ignored: added entries are stored.
  v1::AddWatchResponse added;
  ASSERT_TRUE(stub_->AddWatch(&add_context, add, &added).ok());

  grpc::ClientContext list_context;
  v1::ListWatchResponse list;
  ASSERT_TRUE(stub_->ListWatch(&list_context, v1::ListWatchRequest(), &list).ok());
  ASSERT_EQ(list.entries_size(), 3);
  EXPECT_EQ(list.entries(0).name(), ".example.net");
  EXPECT_EQ(list.entries(0).issuers(0), "pki.goog");
  EXPECT_EQ(list.entries(0).origin(), v1::WATCH_STATIC);
  EXPECT_EQ(list.entries(0).added_at(), "");
  EXPECT_EQ(list.entries(1).name(), ".");
  EXPECT_EQ(list.entries(2).name(), "www.example.com");
  EXPECT_EQ(list.entries(2).origin(), v1::WATCH_STORED);
  EXPECT_EQ(list.entries(2).added_at(), "2025-11-28T16:00:00.000Z");

  // A static entry is not the store's to remove.
  grpc::ClientContext remove_context;
  v1::RemoveWatchRequest remove;
  remove.set_name(".example.net");
  v1::RemoveWatchResponse removed;
  ASSERT_TRUE(stub_->RemoveWatch(&remove_context, remove, &removed).ok());
  EXPECT_FALSE(removed.removed());
}

TEST_F(MonitorServiceTest, StatusReportsLastSeq) {
  uint64_t seq = AddFinding({});
  grpc::ClientContext context;
  v1::GetStatusResponse response;
  ASSERT_TRUE(stub_->GetStatus(&context, v1::GetStatusRequest(), &response).ok());
  EXPECT_EQ(response.last_seq(), seq);
}

TEST_F(MonitorServiceTest, StatusReportsEachLogsPositionAndLag) {
  store::LogStateRecord state;
  state.set_log_id(std::string("\x00\x01\x02", 3));
  state.set_url("https://ct.example/log/");
  state.set_position(90);
  state.set_verified_size(90);
  state.set_tree_size(100);
  state.set_verified_sth_timestamp_ms(absl::ToUnixMillis(clock_.Now() - absl::Seconds(30)));
  state.set_latest_sth_timestamp_ms(absl::ToUnixMillis(clock_.Now() - absl::Seconds(5)));
  store::CommitRequest commit;
  commit.log_state = state;
  ASSERT_TRUE(store_->findings().Commit(std::move(commit)).ok());
  grpc::ClientContext context;
  v1::GetStatusResponse response;
  ASSERT_TRUE(stub_->GetStatus(&context, v1::GetStatusRequest(), &response).ok());
  ASSERT_EQ(response.logs_size(), 1);
  const v1::LogStatus& log = response.logs(0);
  EXPECT_EQ(log.log_id(), "AAEC");
  EXPECT_EQ(log.url(), "https://ct.example/log/");
  EXPECT_EQ(log.position(), 90u);
  EXPECT_EQ(log.lag_entries(), 10u);
  EXPECT_EQ(log.lag_seconds(), 30);
  EXPECT_EQ(log.last_sth_time(), "2025-11-28T15:59:55.000Z");
}

// ListHeads: the latest verified head of each log as a signed note with the log's own signature
// (an RFC 6962 STH rendered as a checkpoint), or only the log asked for.
TEST_F(MonitorServiceTest, ListHeadsGivesEachLogsVerifiedHeadAsANoteTheLogsKeyVerifies) {
  auto log = fakes::TestLog::Create(&clock_, /*seed=*/12);
  ASSERT_TRUE(log.ok());
  for (int i = 0; i < 5; ++i) (*log)->AddRawLeaf({0, 0, static_cast<uint8_t>(i)});
  auto sth = (*log)->PublishSth();
  ASSERT_TRUE(sth.ok());
  const std::string log_id((*log)->log_id().begin(), (*log)->log_id().end());
  const std::string root(sth->root_hash.begin(), sth->root_hash.end());
  store::TreeHeadRecord head;
  head.set_log_id(log_id);
  head.set_tree_size(5);
  head.set_root_hash(root);
  head.set_timestamp_ms(sth->timestamp_ms);
  head.set_signature(std::string(sth->signature.begin(), sth->signature.end()));
  head.set_audit("consistent");
  ASSERT_TRUE(store_->logs().PutTreeHead(head).ok());
  store::LogStateRecord state;
  state.set_log_id(log_id);
  state.set_url("https://ct.example/2026h2/");
  state.set_position(5);
  state.set_verified_size(5);
  state.set_verified_root(root);
  store::CommitRequest commit;
  commit.log_state = state;
  ASSERT_TRUE(store_->findings().Commit(std::move(commit)).ok());

  grpc::ClientContext context;
  v1::ListHeadsResponse response;
  ASSERT_TRUE(stub_->ListHeads(&context, v1::ListHeadsRequest(), &response).ok());
  ASSERT_EQ(response.heads_size(), 1);
  EXPECT_EQ(response.heads(0).log_url(), "https://ct.example/2026h2/");
  EXPECT_EQ(response.heads(0).tree_size(), 5u);
  auto key = ctlog::LogKey::FromDer((*log)->public_key_der());
  ASSERT_TRUE(key.ok());
  auto verified = ctlog::VerifyCheckpoint(response.heads(0).note(), *key, "ct.example/2026h2");
  ASSERT_TRUE(verified.ok()) << verified.status() << response.heads(0).note();
  EXPECT_EQ(verified->sth.signature, sth->signature);

  grpc::ClientContext other_context;
  v1::ListHeadsRequest other;
  other.set_log_url("https://other.example/");
  v1::ListHeadsResponse none;
  ASSERT_TRUE(stub_->ListHeads(&other_context, other, &none).ok());
  EXPECT_EQ(none.heads_size(), 0);
}

TEST_F(MonitorServiceTest, CheckCaaWithoutABackendIsUnimplemented) {
  grpc::ClientContext context;
  v1::CheckCaaRequest request;
  request.add_names("example.com");
  request.add_issuer_domains("letsencrypt.org");
  v1::CheckCaaResponse response;
  EXPECT_EQ(stub_->CheckCaa(&context, request, &response).error_code(),
            grpc::StatusCode::UNIMPLEMENTED);
}

// A backend that answers from a table, as the resolver-backed one answers from DNS.
class TableCaaBackend final : public CaaCheckBackend {
 public:
  absl::StatusOr<v1::CheckCaaResponse> Check(const v1::CheckCaaRequest& request,
                                             const std::function<bool()>&) override {
    v1::CheckCaaResponse response;
    response.set_verdict(request.issuer_domains(0) == "letsencrypt.org" ? v1::PERMITTED
                                                                        : v1::FORBIDDEN);
    response.add_names()->set_name(request.names(0));
    return response;
  }
};

class MonitorServiceWithCaaTest : public MonitorServiceTest {
 protected:
  MonitorServiceWithCaaTest() { caa_backend_ = &backend_; }
  TableCaaBackend backend_;
};

TEST_F(MonitorServiceWithCaaTest, CheckCaaAnswersThroughTheBackendAndRejectsBadRequests) {
  v1::CheckCaaRequest request;
  request.add_names("*.example.com");
  request.add_issuer_domains("pki.goog");
  grpc::ClientContext context;
  v1::CheckCaaResponse response;
  ASSERT_TRUE(stub_->CheckCaa(&context, request, &response).ok());
  EXPECT_EQ(response.verdict(), v1::FORBIDDEN);
  EXPECT_EQ(response.names(0).name(), "*.example.com");

  request.set_at("not a time");
  grpc::ClientContext bad_time;
  EXPECT_EQ(stub_->CheckCaa(&bad_time, request, &response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  request.clear_at();
  request.clear_issuer_domains();
  grpc::ClientContext no_issuer;
  EXPECT_EQ(stub_->CheckCaa(&no_issuer, request, &response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(MonitorServiceTest, HealthCheckAnswersServing) {
  grpc::GenericStub generic(channel_);
  grpc::ClientContext context;
  context.set_deadline(Deadline());
  grpc::Slice encoded(std::string("\x0a\x00", 2));  // HealthCheckRequest{service: ""}.
  grpc::ByteBuffer request(&encoded, 1);
  grpc::ByteBuffer response;
  grpc::CompletionQueue cq;
  std::unique_ptr<grpc::GenericClientAsyncResponseReader> call =
      generic.PrepareUnaryCall(&context, "/grpc.health.v1.Health/Check", request, &cq);
  call->StartCall();
  grpc::Status status;
  call->Finish(&response, &status, reinterpret_cast<void*>(1));
  void* tag = nullptr;
  bool ok = false;
  ASSERT_TRUE(cq.Next(&tag, &ok));
  ASSERT_TRUE(status.ok()) << status.error_message();
  std::vector<grpc::Slice> slices;
  ASSERT_TRUE(response.Dump(&slices).ok());
  std::string bytes;
  for (const grpc::Slice& s : slices)
    bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  EXPECT_EQ(bytes, std::string("\x08\x01", 2));  // HealthCheckResponse{status: SERVING}.
  cq.Shutdown();
  while (cq.Next(&tag, &ok)) {
  }
}

TEST_F(MonitorServiceTest, SubscriberReconnectsAndResumesWithoutRepeats) {
  cli::AlertSubscriberOptions options;
  options.target = absl::StrCat("127.0.0.1:", port_);
  options.initial_backoff = absl::Milliseconds(20);
  options.max_backoff = absl::Milliseconds(200);
  absl::StatusOr<std::unique_ptr<cli::AlertSubscriber>> subscriber =
      cli::AlertSubscriber::Create(options);
  ASSERT_TRUE(subscriber.ok()) << subscriber.status();
  absl::Mutex mu;
  std::vector<uint64_t> delivered;
  absl::Status run_status;
  std::thread runner([&] {
    run_status = (*subscriber)->Run(0, [&](const v1::Alert& alert) {
      absl::MutexLock lock(&mu);
      delivered.push_back(alert.seq());
    });
  });
  auto await_count = [&](size_t n) {
    absl::MutexLock lock(&mu);
    auto reached = [&]() ABSL_SHARED_LOCKS_REQUIRED(mu) { return delivered.size() >= n; };
    return mu.AwaitWithTimeout(absl::Condition(&reached), kWait);
  };
  std::vector<uint64_t> expected;
  for (int i = 0; i < 3; ++i) expected.push_back(AddFinding({}));
  ASSERT_TRUE(await_count(3));

  const int port = port_;
  StopServer();  // Breaks the stream; the subscriber retries with backoff.
  for (int i = 0; i < 3; ++i) expected.push_back(AddFinding({}));
  StartServer(absl::StrCat("127.0.0.1:", port));
  ASSERT_TRUE(await_count(6));
  (*subscriber)->Stop();
  runner.join();
  EXPECT_TRUE(run_status.ok()) << run_status;
  EXPECT_EQ(delivered, expected);
  EXPECT_EQ((*subscriber)->last_delivered_seq(), expected.back());
}

}  // namespace
}  // namespace caawatch::server
