// CurlHttpFetcher against a real HTTP server on 127.0.0.1: headers both ways, redirects,
// limits. Status codes are passed through uninterpreted.
#include "ctlog/http_fetcher.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/fakes/http_server.h"
#include "tests/fakes/nginx_server.h"
#include "tests/fakes/self_signed_tls.h"
#include "tests/fakes/temp_dir.h"

namespace caawatch::ctlog {
namespace {

using ::caawatch::fakes::HttpReply;
using ::caawatch::fakes::HttpRequest;
using ::testing::HasSubstr;

class HttpFetcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto fetcher = CurlHttpFetcher::Create();
    ASSERT_TRUE(fetcher.ok()) << fetcher.status();
    fetcher_ = *std::move(fetcher);
  }

  // Serves every request with `handler`, remembering the last request seen.
  void Serve(std::function<HttpReply(const HttpRequest&)> handler) {
    auto server = fakes::HttpServer::Start([this, handler](const HttpRequest& request) {
      {
        absl::MutexLock lock(&mu_);
        last_request_ = request;
      }
      return handler(request);
    });
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }

  std::string Url(const std::string& path) const {
    return absl::StrCat("http://127.0.0.1:", server_->port(), path);
  }

  HttpRequest LastRequest() {
    absl::MutexLock lock(&mu_);
    return last_request_;
  }

  CurlGlobal curl_global_;
  std::unique_ptr<CurlHttpFetcher> fetcher_;
  absl::Mutex mu_;
  HttpRequest last_request_;
  std::unique_ptr<fakes::HttpServer> server_;  // Last: stopped before the state above dies.
};

TEST_F(HttpFetcherTest, ReturnsStatusBodyAndEtagAndSendsUserAgentAndIfNoneMatch) {
  Serve([](const HttpRequest&) {
    HttpReply reply;
    reply.status = 404;
    reply.body = "nope";
    reply.headers.emplace_back("ETag", "\"v2\"");
    return reply;
  });
  FetchOptions options;
  options.if_none_match = "\"v1\"";
  absl::StatusOr<HttpResponse> response = fetcher_->Get(Url("/x"), options);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->status, 404);
  EXPECT_EQ(response->body, "nope");
  EXPECT_EQ(response->etag, "\"v2\"");
  EXPECT_EQ(response->retry_after, std::nullopt);
  const HttpRequest request = LastRequest();
  EXPECT_EQ(request.headers.at("user-agent"), "caawatch/0.1 (+https://github.com/caawatch)");
  EXPECT_EQ(request.headers.at("if-none-match"), "\"v1\"");
}

TEST_F(HttpFetcherTest, RetryAfterAsHttpDateIsMeasuredFromTheServersDate) {
  Serve([](const HttpRequest&) {
    HttpReply reply;
    reply.status = 503;
    reply.headers.emplace_back("Date", "Sun, 06 Nov 1994 08:49:37 GMT");
    reply.headers.emplace_back("Retry-After", "Sun, 06 Nov 1994 08:51:07 GMT");
    return reply;
  });
  absl::StatusOr<HttpResponse> response = fetcher_->Get(Url("/"), FetchOptions());
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->status, 503);
  EXPECT_EQ(response->retry_after, absl::Seconds(90));
}

TEST_F(HttpFetcherTest, FollowsUpToThreeRedirectsButNoMore) {
  Serve([this](const HttpRequest& request) {
    HttpReply reply;
    const int hop = request.path.size() > 1 ? std::stoi(request.path.substr(1)) : 0;
    if (hop < 5) {
      reply.status = 302;
      reply.headers.emplace_back("Location", Url(absl::StrCat("/", hop + 1)));
    }
    reply.body = absl::StrCat("hop ", hop);
    return reply;
  });
  absl::StatusOr<HttpResponse> three = fetcher_->Get(Url("/2"), FetchOptions());
  ASSERT_TRUE(three.ok()) << three.status();
  EXPECT_EQ(three->body, "hop 5");
  EXPECT_FALSE(fetcher_->Get(Url("/0"), FetchOptions()).ok());
}

// A real TLS server (nginx, self-signed certificate the fetcher is told to trust) whose
// redirects go to plain http (this fixture's server) or stay on https.
TEST_F(HttpFetcherTest, RefusesARedirectFromHttpsToHttpButFollowsOneToHttps) {
  Serve([](const HttpRequest&) {
    HttpReply reply;
    reply.body = "served in the clear";
    return reply;
  });
  const TempDir scratch("fetcher_tls");
  const std::filesystem::path& dir = scratch.path();
  absl::StatusOr<fakes::SelfSignedTls> tls = fakes::MakeSelfSignedTls("IP:127.0.0.1");
  ASSERT_TRUE(tls.ok()) << tls.status();
  std::ofstream(dir / "cert.pem") << tls->cert_pem;
  std::ofstream(dir / "key.pem") << tls->key_pem;
  std::filesystem::create_directories(dir / "root");
  std::ofstream(dir / "root" / "ok") << "served over tls";
  fakes::NginxOptions options;
  options.tls_cert_file = (dir / "cert.pem").string();
  options.tls_key_file = (dir / "key.pem").string();
  options.server_directives =
      absl::StrCat("    location = /down { return 302 ", Url("/clear"), "; }\n",
                   "    location = /same { return 302 $scheme://$host:$server_port/ok; }\n");
  absl::StatusOr<std::unique_ptr<fakes::NginxServer>> nginx =
      fakes::NginxServer::Start((dir / "root").string(), (dir / "nginx").string(), options);
  ASSERT_TRUE(nginx.ok()) << nginx.status();
  absl::StatusOr<std::unique_ptr<CurlHttpFetcher>> trusting =
      CurlHttpFetcher::Create(options.tls_cert_file);
  ASSERT_TRUE(trusting.ok()) << trusting.status();
  fetcher_ = *std::move(trusting);
  const FetchOptions fetch;

  absl::StatusOr<HttpResponse> down = fetcher_->Get((*nginx)->url() + "down", fetch);
  EXPECT_EQ(down.status().code(), absl::StatusCode::kInvalidArgument)
      << (down.ok() ? down->body : down.status().ToString());
  EXPECT_THAT(down.status().message(), HasSubstr("refused a redirect from https"));
  EXPECT_EQ(server_->connections_accepted(), 0u) << "the http server was asked";
  // The same through the multi interface (get-entries' path).
  for (const absl::StatusOr<HttpResponse>& each :
       fetcher_->GetAll({(*nginx)->url() + "down", (*nginx)->url() + "down"}, fetch)) {
    EXPECT_EQ(each.status().code(), absl::StatusCode::kInvalidArgument);
  }
  EXPECT_EQ(server_->connections_accepted(), 0u) << "the http server was asked";

  absl::StatusOr<HttpResponse> same = fetcher_->Get((*nginx)->url() + "same", fetch);
  ASSERT_TRUE(same.ok()) << same.status();
  EXPECT_EQ(same->status, 200);
  EXPECT_EQ(same->body, "served over tls");
  nginx->reset();
}

TEST_F(HttpFetcherTest, BodyOverTheLimitIsDataLoss) {
  Serve([](const HttpRequest&) {
    HttpReply reply;
    reply.body = std::string(10000, 'x');
    return reply;
  });
  FetchOptions options;
  options.max_body_bytes = 9999;
  absl::StatusOr<HttpResponse> response = fetcher_->Get(Url("/"), options);
  EXPECT_EQ(response.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(response.status().message(), HasSubstr("response too large"));
  options.max_body_bytes = 10000;
  EXPECT_TRUE(fetcher_->Get(Url("/"), options).ok());
}

TEST_F(HttpFetcherTest, NonHttpSchemeIsInvalidArgument) {
  EXPECT_EQ(fetcher_->Get("file:///etc/passwd", FetchOptions()).status().code(),
            absl::StatusCode::kInvalidArgument);
}

// Each of the three requests is answered only once all three have arrived: one after the other
// they would all time out.
TEST_F(HttpFetcherTest, GetAllHasEveryRequestInFlightAtOnceAndAnswersInOrder) {
  absl::Mutex arrived_mu;
  int arrived = 0;
  Serve([&](const HttpRequest& request) {
    absl::MutexLock lock(&arrived_mu);
    ++arrived;
    HttpReply reply;
    if (!arrived_mu.AwaitWithTimeout(absl::Condition(
                                         +[](int* n) { return *n >= 3; }, &arrived),
                                     absl::Seconds(5))) {
      reply.status = 504;
    }
    reply.body = request.path;
    return reply;
  });
  FetchOptions options;
  options.timeout = absl::Seconds(10);
  const std::vector<std::string> paths = {"/c", "/a", "/b"};
  for (int round = 0; round < 2; ++round) {  // The handles are reused.
    {
      absl::MutexLock lock(&arrived_mu);
      arrived = 0;
    }
    std::vector<absl::StatusOr<HttpResponse>> got =
        fetcher_->GetAll({Url("/c"), Url("/a"), Url("/b")}, options);
    ASSERT_EQ(got.size(), 3u);
    for (size_t i = 0; i < 3; ++i) {
      ASSERT_TRUE(got[i].ok()) << got[i].status();
      EXPECT_EQ(got[i]->status, 200) << i;
      EXPECT_EQ(got[i]->body, paths[i]);
    }
  }
}

TEST_F(HttpFetcherTest, GetAllReportsEachFailureInItsOwnPlace) {
  Serve([](const HttpRequest& request) {
    HttpReply reply;
    reply.body = std::string(request.path == "/big" ? 5000 : 10, 'x');
    return reply;
  });
  FetchOptions options;
  options.max_body_bytes = 1000;
  std::vector<absl::StatusOr<HttpResponse>> got =
      fetcher_->GetAll({Url("/small"), Url("/big"), "file:///etc/passwd", Url("/small")}, options);
  ASSERT_EQ(got.size(), 4u);
  EXPECT_TRUE(got[0].ok());
  EXPECT_EQ(got[1].status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(got[2].status().code(), absl::StatusCode::kInvalidArgument);
  ASSERT_TRUE(got[3].ok());
  EXPECT_EQ(got[3]->body, std::string(10, 'x'));
}

// A log that never answers must not hold a stopping monitor until the request times out.
TEST_F(HttpFetcherTest, AStopEndsRequestsInFlightWithinAboutASecond) {
  Serve([](const HttpRequest&) {
    HttpReply reply;
    reply.delay = absl::Seconds(20);
    return reply;
  });
  absl::Notification stop;
  fetcher_->SetStop(&stop);
  std::thread stopper([&stop] {
    absl::SleepFor(absl::Milliseconds(300));
    stop.Notify();
  });
  const absl::Time start = absl::Now();
  const absl::StatusOr<HttpResponse> one = fetcher_->Get(Url("/"), FetchOptions());
  const std::vector<absl::StatusOr<HttpResponse>> all =
      fetcher_->GetAll({Url("/a"), Url("/b")}, FetchOptions());
  stopper.join();
  EXPECT_LT(absl::Now() - start, absl::Seconds(10));  // Not the 20 s answer, nor the 30 s timeout.
  EXPECT_TRUE(absl::IsUnavailable(one.status())) << one.status();
  EXPECT_THAT(one.status().message(), HasSubstr("stopping"));
  for (const auto& r : all) EXPECT_TRUE(absl::IsUnavailable(r.status())) << r.status();
}

}  // namespace
}  // namespace caawatch::ctlog
