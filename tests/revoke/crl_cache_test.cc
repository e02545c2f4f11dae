// CrlCache against a real HTTP server through libcurl: conditional requests, backoff, bounds.
#include "revoke/crl_cache.h"

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/fakes/http_server.h"

namespace caawatch::revoke {
namespace {

using ::caawatch::fakes::HttpReply;
using ::caawatch::fakes::HttpRequest;
using ::testing::HasSubstr;

const absl::Time kStart = absl::FromUnixSeconds(1796000000);

class CrlCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto fetcher = ctlog::CurlHttpFetcher::Create();
    ASSERT_TRUE(fetcher.ok()) << fetcher.status();
    fetcher_ = *std::move(fetcher);
    auto server = fakes::HttpServer::Start([this](const HttpRequest& request) {
      absl::MutexLock lock(&mu_);
      ++requests_;
      last_ = request;
      HttpReply reply;
      reply.content_type = "application/pkix-crl";
      reply.status = status_;
      if (status_ != 200) return reply;
      auto inm = request.headers.find("if-none-match");
      auto ims = request.headers.find("if-modified-since");
      if ((inm != request.headers.end() && inm->second == etag_) ||
          (etag_.empty() && ims != request.headers.end() && ims->second == last_modified_)) {
        reply.status = 304;
        return reply;
      }
      if (!etag_.empty()) reply.headers.push_back({"ETag", etag_});
      reply.headers.push_back({"Last-Modified", last_modified_});
      reply.body = body_;
      return reply;
    });
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    url_ = absl::StrCat("http://127.0.0.1:", server_->port(), "/ca.crl");
  }

  void Set(int status, std::string body, std::string etag) {
    absl::MutexLock lock(&mu_);
    status_ = status;
    body_ = std::move(body);
    etag_ = std::move(etag);
  }
  int requests() {
    absl::MutexLock lock(&mu_);
    return requests_;
  }
  HttpRequest last() {
    absl::MutexLock lock(&mu_);
    return last_;
  }

  std::unique_ptr<ctlog::CurlHttpFetcher> fetcher_;
  std::unique_ptr<fakes::HttpServer> server_;
  std::string url_;
  absl::Mutex mu_;
  int status_ ABSL_GUARDED_BY(mu_) = 200;
  std::string body_ ABSL_GUARDED_BY(mu_) = "crl one";
  std::string etag_ ABSL_GUARDED_BY(mu_) = "\"v1\"";
  std::string last_modified_ ABSL_GUARDED_BY(mu_) = "Sun, 29 Nov 2026 10:00:00 GMT";
  int requests_ ABSL_GUARDED_BY(mu_) = 0;
  HttpRequest last_ ABSL_GUARDED_BY(mu_);
};

TEST_F(CrlCacheTest, AsksConditionallyAndKeepsTheCopyOn304) {
  CrlCache cache(fetcher_.get(), {});
  auto first = cache.Fetch(url_, kStart);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(**first, "crl one");
  EXPECT_EQ(last().headers.count("if-none-match"), 0u);

  auto second = cache.Fetch(url_, kStart + absl::Minutes(1));
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(**second, "crl one");
  EXPECT_EQ(last().headers["if-none-match"], "\"v1\"");
  EXPECT_EQ(last().headers["if-modified-since"], "Sun, 29 Nov 2026 10:00:00 GMT");
  EXPECT_EQ(cache.not_modified(), 1u);

  Set(200, "crl two", "\"v2\"");
  auto third = cache.Fetch(url_, kStart + absl::Minutes(2));
  ASSERT_TRUE(third.ok()) << third.status();
  EXPECT_EQ(**third, "crl two");
}

TEST_F(CrlCacheTest, ServerWithoutEtagGetsIfModifiedSince) {
  Set(200, "crl one", "");
  CrlCache cache(fetcher_.get(), {});
  ASSERT_TRUE(cache.Fetch(url_, kStart).ok());
  auto again = cache.Fetch(url_, kStart + absl::Minutes(1));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(**again, "crl one");
  EXPECT_EQ(cache.not_modified(), 1u);
}

TEST_F(CrlCacheTest, FailureBacksOffDoublingWithoutAsking) {
  Set(503, "", "");
  CrlCacheOptions options;
  options.first_backoff = absl::Minutes(1);
  CrlCache cache(fetcher_.get(), options);
  auto failed = cache.Fetch(url_, kStart);
  EXPECT_EQ(failed.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(failed.status().message(), HasSubstr("HTTP 503"));
  EXPECT_EQ(requests(), 1);

  auto waiting = cache.Fetch(url_, kStart + absl::Seconds(59));
  EXPECT_THAT(waiting.status().message(), HasSubstr("backing off"));
  EXPECT_EQ(requests(), 1);  // Not asked while backing off.

  EXPECT_FALSE(cache.Fetch(url_, kStart + absl::Minutes(1)).ok());  // Second failure: 2 min.
  EXPECT_EQ(requests(), 2);
  EXPECT_FALSE(cache.Fetch(url_, kStart + absl::Minutes(2)).ok());
  EXPECT_EQ(requests(), 2);

  Set(200, "back", "\"v9\"");
  auto back = cache.Fetch(url_, kStart + absl::Minutes(3));
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(**back, "back");
  EXPECT_EQ(requests(), 3);
}

TEST_F(CrlCacheTest, OversizedCrlIsRefused) {
  Set(200, std::string(4096, 'x'), "\"big\"");
  CrlCacheOptions options;
  options.max_crl_bytes = 1024;
  CrlCache cache(fetcher_.get(), options);
  EXPECT_EQ(cache.Fetch(url_, kStart).status().code(), absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace caawatch::revoke
