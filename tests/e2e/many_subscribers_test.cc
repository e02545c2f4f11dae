// A thousand concurrent Subscribe streams against one `caawatch run`, each over its own
// connection from callback-API clients in this process: every subscriber receives the backlog
// and every alert produced while they are connected; the server serves them without a thread
// per stream, and its resident memory (printed and recorded) stays under a generous bound that
// only guards against unbounded growth.
#include <grpcpp/grpcpp.h>
#include <signal.h>

#include <numeric>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "proto/caawatch/v1/monitor.grpc.pb.h"
#include "tests/e2e/e2e_fixture.h"
#include "tests/e2e/stream_ends.h"
#include "tests/e2e/subprocess.h"

namespace caawatch {
namespace {

using testing::ForbiddenPlants;
using testing::Subprocess;

constexpr int kSubscribers = 1000;
constexpr int kBacklog = 5;                   // Alerts stored before the subscribers connect.
constexpr int kLive = 10;                     // Alerts produced while they are connected.
constexpr int64_t kMaxExtraKib = 200 * 1024;  // Guard against unbounded growth only.

// What every subscriber has received, and how the streams ended. Thread-safe.
class Tally {
 public:
  explicit Tally(int subscribers) : seqs_(subscribers), reached_(1, subscribers) {}

  void Add(int subscriber, uint64_t seq) {
    absl::MutexLock lock(&mu_);
    std::vector<uint64_t>& seqs = seqs_[subscriber];
    seqs.push_back(seq);
    if (reached_.size() <= seqs.size()) reached_.resize(seqs.size() + 1, 0);
    ++reached_[seqs.size()];
  }
  void Done(grpc::StatusCode code) { ends_.Ended(code); }
  // Whether every subscriber had at least `n` alerts within `timeout`.
  bool AwaitEach(size_t n, absl::Duration timeout) {
    absl::MutexLock lock(&mu_);
    auto all_reached = [this, n]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
      return n < reached_.size() && reached_[n] == seqs_.size();
    };
    return mu_.AwaitWithTimeout(absl::Condition(&all_reached), timeout);
  }
  bool AwaitEnded(size_t count, absl::Duration timeout) { return ends_.AwaitEnded(count, timeout); }
  std::vector<std::vector<uint64_t>> seqs() const {
    absl::MutexLock lock(&mu_);
    return seqs_;
  }
  std::map<grpc::StatusCode, size_t> ended() const { return ends_.ended(); }

 private:
  mutable absl::Mutex mu_;
  std::vector<std::vector<uint64_t>> seqs_ ABSL_GUARDED_BY(mu_);
  std::vector<size_t> reached_ ABSL_GUARDED_BY(mu_);  // [n]: subscribers with >= n alerts.
  testing::StreamEnds ends_;
};

// One Subscribe stream from the start (after_seq 0), on its own channel and connection.
class Subscriber final : public grpc::ClientReadReactor<v1::Alert> {
 public:
  Subscriber(const std::string& target, int id, Tally* tally) : id_(id), tally_(tally) {
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);  // No connection shared with another.
    stub_ = v1::Monitor::NewStub(
        grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args));
    stub_->async()->Subscribe(&context_, &request_, this);
    StartRead(&alert_);
    StartCall();
  }
  void OnReadDone(bool ok) override {
    if (!ok) return;  // The stream ended; OnDone follows.
    tally_->Add(id_, alert_.seq());
    StartRead(&alert_);
  }
  void OnDone(const grpc::Status& status) override { tally_->Done(status.error_code()); }
  void Cancel() { context_.TryCancel(); }

 private:
  const int id_;
  Tally* const tally_;
  std::unique_ptr<v1::Monitor::Stub> stub_;
  grpc::ClientContext context_;
  v1::SubscribeRequest request_;
  v1::Alert alert_;
};

// A number from the process's /proc status: "VmRSS" (KiB) or "Threads".
int64_t ProcStatus(const Subprocess& process, absl::string_view key) {
  const std::optional<int64_t> value = testing::ProcStatusNumber(process.pid(), key);
  EXPECT_TRUE(value.has_value()) << "cannot read " << key << " of " << process.pid();
  return value.value_or(0);
}

using ManySubscribersTest = testing::EndToEndFixture;

TEST_F(ManySubscribersTest, ThousandConcurrentSubscribersEachReceiveEveryAlertInBoundedMemory) {
  testing::TestLogOptions log_options{.noise = 100,
                                      .plants = ForbiddenPlants("--plant", "backlog", kBacklog)};
  for (std::string& flag : ForbiddenPlants("--plant-on-signal", "live", kLive)) {
    log_options.plants.push_back(std::move(flag));
  }
  std::unique_ptr<Subprocess> log = StartLog(log_options);
  const std::string target = absl::StrCat("127.0.0.1:", testing::FreeTcpPort());
  Subprocess monitor(RunArgs({"--grpc-listen", target, "--config",
                              WriteFile("config.json", R"({"sth_poll_interval": "250ms"})")}),
                     dir());

  // The backlog is stored once a first subscriber has read it; then the baseline is taken.
  {
    auto channel = grpc::CreateChannel(target, grpc::InsecureChannelCredentials());
    ASSERT_TRUE(
        channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(60)))
        << monitor.Stderr();
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(120));
    auto reader = v1::Monitor::NewStub(channel)->Subscribe(&context, v1::SubscribeRequest());
    v1::Alert alert;
    for (int i = 0; i < kBacklog; ++i) ASSERT_TRUE(reader->Read(&alert)) << monitor.Stderr();
    context.TryCancel();
  }
  const int64_t rss_before = ProcStatus(monitor, "VmRSS");

  Tally tally(kSubscribers);
  std::vector<std::unique_ptr<Subscriber>> subscribers;
  for (int i = 0; i < kSubscribers; ++i) {
    subscribers.push_back(std::make_unique<Subscriber>(target, i, &tally));
  }
  ASSERT_TRUE(tally.AwaitEach(kBacklog, absl::Seconds(120)))
      << "not every subscriber received the backlog; " << monitor.Stderr();
  const int64_t rss_connected = ProcStatus(monitor, "VmRSS");
  // Streams are reactors on gRPC's executor, not threads of their own.
  const int64_t threads = ProcStatus(monitor, "Threads");
  EXPECT_LT(threads, kSubscribers / 10);

  log->Signal(SIGUSR1);  // kLive more forbidden certificates are logged.
  ASSERT_TRUE(tally.AwaitEach(kBacklog + kLive, absl::Seconds(120)))
      << "not every subscriber received the live alerts; " << monitor.Stderr();
  const int64_t rss_after = ProcStatus(monitor, "VmRSS");
  EXPECT_TRUE(tally.ended().empty()) << "a stream ended before the test cancelled it";

  std::vector<uint64_t> expected(kBacklog + kLive);
  std::iota(expected.begin(), expected.end(), 1);
  const std::vector<std::vector<uint64_t>> seqs = tally.seqs();
  int wrong = 0;
  for (int i = 0; i < kSubscribers; ++i) {
    if (seqs[i] != expected && ++wrong <= 3)
      ADD_FAILURE() << "subscriber " << i << " got other seqs";
  }
  EXPECT_EQ(wrong, 0);

  std::cout << "caawatch run VmRSS: " << rss_before << " KiB before, " << rss_connected
            << " KiB with " << kSubscribers << " subscribers caught up, " << rss_after
            << " KiB after " << kLive << " live alerts to each (+"
            << (rss_after - rss_before) / 1024 << " MiB, "
            << (rss_after - rss_before) / kSubscribers << " KiB per subscriber); " << threads
            << " threads" << std::endl;
  RecordProperty("rss_kib_before", static_cast<int>(rss_before));
  RecordProperty("rss_kib_connected", static_cast<int>(rss_connected));
  RecordProperty("rss_kib_after_alerts", static_cast<int>(rss_after));
  RecordProperty("threads_with_subscribers", static_cast<int>(threads));
  EXPECT_LT(rss_after - rss_before, kMaxExtraKib);

  for (auto& s : subscribers) s->Cancel();
  ASSERT_TRUE(tally.AwaitEnded(kSubscribers, absl::Seconds(60)));
  EXPECT_EQ(tally.ended()[grpc::StatusCode::CANCELLED], static_cast<size_t>(kSubscribers));
  subscribers.clear();
  const int64_t rss_ended = ProcStatus(monitor, "VmRSS");
  std::cout << "caawatch run VmRSS after the subscribers left: " << rss_ended << " KiB"
            << std::endl;
  RecordProperty("rss_kib_after_cancel", static_cast<int>(rss_ended));
  monitor.Signal(SIGTERM);
  EXPECT_EQ(monitor.Wait(absl::Seconds(30)), 0) << monitor.Stderr();
}

}  // namespace
}  // namespace caawatch
