// A hostile RFC 6962 log against `caawatch run` (issue 15). Its get-sth is the real test log's
// (so the signature verifies and the monitor goes on to fetch entries); every get-entries is a
// gzip bomb: about 60 KiB on the wire that decode to 60 MiB. The monitor must stop reading each
// answer at what a real log sends for the entries asked, and give the memory back afterwards.
#include <signal.h>
#include <zlib.h>

#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "ctlog/http_fetcher.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/e2e/e2e_fixture.h"
#include "tests/e2e/subprocess.h"
#include "tests/fakes/http_server.h"

namespace caawatch {
namespace {

using testing::Subprocess;

constexpr size_t kBombDecodedBytes = size_t{60} << 20;
constexpr int kBombsToServe = 8;  // Two rounds of the monitor's four requests in flight.
// 1000 entries asked (the default batch) may take 20 MiB each, four at once (+107 MiB measured
// at the peak): far below what the bombs decode to (4 x 60 MiB, then parsed: ~450 MB).
constexpr int64_t kMaxPeakExtraKib = 160 * 1024;
constexpr int64_t kMaxLeftOverKib = 30 * 1024;

// A get-entries answer whose one leaf_input is `decoded_bytes` of base64, gzip-compressed.
std::string GzipBomb(size_t decoded_bytes) {
  std::string json = R"({"entries":[{"leaf_input":")";
  json.append(decoded_bytes, 'A');
  json += R"(","extra_data":""}]})";
  z_stream z{};
  EXPECT_EQ(deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&z, json.size()), '\0');
  z.next_in = reinterpret_cast<Bytef*>(json.data());
  z.avail_in = static_cast<uInt>(json.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

// Serves the real log's signed tree head and a bomb for every get-entries, once released.
class HostileLog {
 public:
  explicit HostileLog(std::string sth_json) : sth_json_(std::move(sth_json)) {
    absl::StatusOr<std::unique_ptr<fakes::HttpServer>> server =
        fakes::HttpServer::Start([this](const fakes::HttpRequest& r) { return Handle(r); });
    EXPECT_TRUE(server.ok()) << server.status();
    if (server.ok()) server_ = *std::move(server);
  }
  ~HostileLog() {
    Release();
    if (server_ != nullptr) server_->Stop();
  }
  std::string url() const { return absl::StrCat("http://127.0.0.1:", server_->port(), "/"); }

  bool AwaitAsked(absl::Duration timeout) {
    absl::MutexLock lock(&mu_);
    auto asked = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) { return asked_ > 0; };
    return mu_.AwaitWithTimeout(absl::Condition(&asked), timeout);
  }
  void Release() {
    if (!release_.HasBeenNotified()) release_.Notify();
  }
  bool AwaitBombsServed(int n, absl::Duration timeout) {
    absl::MutexLock lock(&mu_);
    auto served = [this, n]() ABSL_SHARED_LOCKS_REQUIRED(mu_) { return served_ >= n; };
    return mu_.AwaitWithTimeout(absl::Condition(&served), timeout);
  }
  // From now on get-entries answers 503, so nothing new is allocated for it.
  void StopBombing() {
    absl::MutexLock lock(&mu_);
    bombing_ = false;
  }

 private:
  fakes::HttpReply Handle(const fakes::HttpRequest& request) {
    fakes::HttpReply reply;
    if (request.path == "/ct/v1/get-sth") {
      reply.body = sth_json_;
      return reply;
    }
    if (request.path != "/ct/v1/get-entries") {
      reply.status = 404;
      return reply;
    }
    {
      absl::MutexLock lock(&mu_);
      ++asked_;
    }
    release_.WaitForNotificationWithTimeout(absl::Seconds(120));
    absl::MutexLock lock(&mu_);
    if (!bombing_) {
      reply.status = 503;
      return reply;
    }
    ++served_;
    reply.headers.emplace_back("Content-Encoding", "gzip");
    reply.body = bomb_;
    return reply;
  }

  const std::string sth_json_;
  const std::string bomb_ = GzipBomb(kBombDecodedBytes);
  absl::Notification release_;
  absl::Mutex mu_;
  int asked_ ABSL_GUARDED_BY(mu_) = 0;
  int served_ ABSL_GUARDED_BY(mu_) = 0;
  bool bombing_ ABSL_GUARDED_BY(mu_) = true;
  std::unique_ptr<fakes::HttpServer> server_;  // Last: stopped before the state above goes.
};

int64_t ProcKib(const Subprocess& process, absl::string_view key) {
  const std::optional<int64_t> value = testing::ProcStatusNumber(process.pid(), key);
  EXPECT_TRUE(value.has_value()) << "cannot read " << key << " of " << process.pid();
  return value.value_or(0);
}

using HostileLogTest = testing::EndToEndFixture;

TEST_F(HostileLogTest, GzipBombsForGetEntriesAreCutAtARealLogsSizeAndTheMemoryGoesBack) {
  std::unique_ptr<Subprocess> log = StartLog({.noise = 3000, .plants = {}});
  nlohmann::json list = nlohmann::json::parse(std::ifstream(loglist()));
  nlohmann::json& listed = list["operators"][0]["logs"][0];
  const std::string real_url = listed["url"];
  std::string sth_json;
  {
    ctlog::CurlGlobal curl;
    absl::StatusOr<std::unique_ptr<ctlog::CurlHttpFetcher>> fetcher =
        ctlog::CurlHttpFetcher::Create();
    ASSERT_TRUE(fetcher.ok()) << fetcher.status();
    absl::StatusOr<ctlog::HttpResponse> sth =
        (*fetcher)->Get(real_url + "ct/v1/get-sth", ctlog::FetchOptions());
    ASSERT_TRUE(sth.ok() && sth->status == 200) << sth.status();
    sth_json = sth->body;
  }
  HostileLog hostile(sth_json);
  listed["url"] = hostile.url();
  const std::string hostile_list = WriteFile("hostile_loglist.json", list.dump());
  std::vector<std::string> args =
      RunArgs({"--grpc-listen", absl::StrCat("127.0.0.1:", testing::FreeTcpPort())});
  for (size_t i = 0; i + 1 < args.size(); ++i) {
    if (args[i] == "--log-list") args[i + 1] = hostile_list;
  }
  Subprocess monitor(args, dir());

  // The baseline while the first get-entries requests wait for their answer.
  ASSERT_TRUE(hostile.AwaitAsked(absl::Seconds(60))) << monitor.Stderr();
  absl::SleepFor(absl::Seconds(1));
  const int64_t rss_before = ProcKib(monitor, "VmRSS");
  hostile.Release();
  ASSERT_TRUE(hostile.AwaitBombsServed(kBombsToServe, absl::Seconds(90))) << monitor.Stderr();
  hostile.StopBombing();
  absl::SleepFor(absl::Seconds(2));  // The last bombs in flight are read and dropped.
  const int64_t peak = ProcKib(monitor, "VmHWM");
  std::cout << "caawatch run VmRSS " << rss_before << " KiB before the bombs, peak (VmHWM) " << peak
            << " KiB (+" << (peak - rss_before) / 1024 << " MiB)" << std::endl;
  RecordProperty("rss_kib_before", static_cast<int>(rss_before));
  RecordProperty("peak_kib", static_cast<int>(peak));
  EXPECT_LT(peak - rss_before, kMaxPeakExtraKib);
  EXPECT_NE(monitor.Stderr().find("response too large"), std::string::npos)
      << "the monitor did not say why it dropped the answers: " << monitor.Stderr();

  // Given back within the monitor's release interval (10 s).
  int64_t rss_after = ProcKib(monitor, "VmRSS");
  for (absl::Time deadline = absl::Now() + absl::Seconds(30);
       rss_after - rss_before >= kMaxLeftOverKib && absl::Now() < deadline;
       rss_after = ProcKib(monitor, "VmRSS")) {
    absl::SleepFor(absl::Milliseconds(500));
  }
  std::cout << "caawatch run VmRSS after the bombs: " << rss_after << " KiB (+"
            << (rss_after - rss_before) / 1024 << " MiB)" << std::endl;
  RecordProperty("rss_kib_after", static_cast<int>(rss_after));
  EXPECT_LT(rss_after - rss_before, kMaxLeftOverKib);
  monitor.Signal(SIGTERM);
  EXPECT_EQ(monitor.Wait(absl::Seconds(30)), 0) << monitor.Stderr();
}

}  // namespace
}  // namespace caawatch
