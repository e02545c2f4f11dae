// PacedFetcher against the test log's HTTP server with injected 429/500 answers: Retry-After
// honoured, backoff retries bounded, the request rate capped, a stop cuts every wait. Time is
// real (the waits are what is tested), kept to about a second per test.
#include "tail/paced_fetcher.h"

#include <string>
#include <vector>

#include "absl/synchronization/notification.h"
#include "base/clock.h"
#include "gtest/gtest.h"
#include "tests/fakes/test_log_server.h"

namespace caawatch::tail {
namespace {

class PacedFetcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto log = fakes::TestLog::Create(&clock_, 3);
    ASSERT_TRUE(log.ok());
    log_ = *std::move(log);
    auto server = fakes::TestLogServer::Start(log_.get());
    ASSERT_TRUE(server.ok());
    server_ = *std::move(server);
  }
  std::unique_ptr<PacedFetcher> Make(PacingOptions options) {
    auto curl = ctlog::CurlHttpFetcher::Create();
    EXPECT_TRUE(curl.ok());
    return std::make_unique<PacedFetcher>(*std::move(curl), options, &clock_, 1);
  }
  std::string SthUrl() const { return server_->url() + "ct/v1/get-sth"; }

  RealClock clock_;
  std::unique_ptr<fakes::TestLog> log_;
  std::unique_ptr<fakes::TestLogServer> server_;
};

TEST_F(PacedFetcherTest, A429IsRetriedAfterItsRetryAfter) {
  auto fetcher = Make({});
  server_->InjectFault(fakes::Fault::kTooManyRequests, 1);  // Retry-After: 1.
  const absl::Time start = absl::Now();
  auto response = fetcher->Get(SthUrl(), {});
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->status, 200);
  EXPECT_GE(absl::Now() - start, absl::Seconds(1));
  EXPECT_EQ(fetcher->retries(), 1);
}

TEST_F(PacedFetcherTest, ServerErrorsAreRetriedWithBackoffUpToTheAttemptLimit) {
  PacingOptions options;
  options.initial_backoff = absl::Milliseconds(20);
  options.max_attempts = 3;
  auto fetcher = Make(options);
  server_->InjectFault(fakes::Fault::kServerError, 2);
  auto response = fetcher->Get(SthUrl(), {});
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(fetcher->retries(), 2);
  server_->InjectFault(fakes::Fault::kServerError, 10);
  const uint64_t before = server_->requests_served();
  response = fetcher->Get(SthUrl(), {});
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->status, 500);  // Given up: the caller sees the last answer.
  EXPECT_EQ(server_->requests_served() - before, 3u);
}

// What /metrics shows as caawatch_log_fetch_errors_total: every failed answer, retries
// included, by kind; a success counts nothing.
TEST_F(PacedFetcherTest, EveryFailedAnswerIsCountedByKind) {
  PacingOptions options;
  options.initial_backoff = absl::Milliseconds(20);
  options.max_attempts = 3;
  auto fetcher = Make(options);
  FetchErrorCounts counts;
  fetcher->set_error_counts(&counts);
  server_->InjectFault(fakes::Fault::kServerError, 2);
  ASSERT_TRUE(fetcher->Get(SthUrl(), {}).ok());
  server_->InjectFault(fakes::Fault::kTooManyRequests, 1);
  ASSERT_TRUE(fetcher->Get(SthUrl(), {}).ok());
  EXPECT_EQ(counts.Get(FetchErrorKind::kServerError), 2u);
  EXPECT_EQ(counts.Get(FetchErrorKind::kRateLimited), 1u);
  EXPECT_EQ(counts.Get(FetchErrorKind::kClientError), 0u);
  EXPECT_EQ(counts.Get(FetchErrorKind::kTimeout), 0u);
  EXPECT_EQ(counts.Get(FetchErrorKind::kTransport), 0u);
  // Nobody listens on port 1: a transport error, tried three times (max_attempts).
  EXPECT_FALSE(fetcher->Get("http://127.0.0.1:1/ct/v1/get-sth", {}).ok());
  EXPECT_EQ(counts.Get(FetchErrorKind::kTransport), 3u);
}

TEST_F(PacedFetcherTest, RequestsAreSpacedByTheRateLimit) {
  PacingOptions options;
  options.max_requests_per_second = 20;
  auto fetcher = Make(options);
  const absl::Time start = absl::Now();
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(fetcher->Get(SthUrl(), {}).ok());
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(450));
}

TEST_F(PacedFetcherTest, GetAllRetriesEachFailedRequestAndCountsEveryRequestForTheRate) {
  PacingOptions options;
  options.initial_backoff = absl::Milliseconds(20);
  options.max_requests_per_second = 10;
  auto fetcher = Make(options);
  server_->InjectFault(fakes::Fault::kServerError, 1);  // One of the three gets a 500.
  const absl::Time start = absl::Now();
  std::vector<absl::StatusOr<ctlog::HttpResponse>> got =
      fetcher->GetAll({SthUrl(), SthUrl(), SthUrl()}, {});
  ASSERT_EQ(got.size(), 3u);
  for (const auto& response : got) {
    ASSERT_TRUE(response.ok()) << response.status();
    EXPECT_EQ(response->status, 200);
  }
  EXPECT_EQ(fetcher->retries(), 1);
  // Three requests and a retry at 10/s: the next request may start 0.4 s after the first.
  ASSERT_TRUE(fetcher->Get(SthUrl(), {}).ok());
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(350));
}

TEST_F(PacedFetcherTest, AStopEndsAWaitAtOnce) {
  auto fetcher = Make({});
  absl::Notification stop;
  fetcher->SetStop(&stop);
  stop.Notify();
  server_->InjectFault(fakes::Fault::kTooManyRequests, 5);
  const absl::Time start = absl::Now();
  auto response = fetcher->Get(SthUrl(), {});
  EXPECT_EQ(response.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_LT(absl::Now() - start, absl::Milliseconds(500));
}

}  // namespace
}  // namespace caawatch::tail
