// Webhooks go to a real HTTP server (python3's http.server, started here) that records every
// request and fails some of them on purpose.
#include "notify/webhook_sink.h"

#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "ctlog/http_fetcher.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "notify/delivery_status.h"
#include "tests/notify/background_process.h"
#include "tests/notify/notify_fixture.h"

namespace caawatch::notify {
namespace {

using testing::BackgroundProcess;
using testing::FreeLoopbackPort;
using testing::GoogleFinding;
using testing::TempDir;
using testing::WaitForPort;

constexpr char kSecret[] = "s3cret-webhook-key";

class WebhookSinkTest : public ::testing::Test {
 protected:
  // Starts the receiver with `plan` (see webhook_receiver.py).
  // With `tls`, over HTTPS with a certificate made here for 127.0.0.1 (cert_ is its PEM).
  void Start(const std::string& plan, bool tls = false) {
    port_ = FreeLoopbackPort();
    log_ = dir_.path() + "/requests.jsonl";
    std::vector<std::string> argv = {"/usr/bin/python3",
                                     CAAWATCH_SOURCE_DIR "/tests/notify/webhook_receiver.py",
                                     std::to_string(port_),
                                     log_,
                                     kSecret,
                                     plan.empty() ? "," : plan};
    if (tls) {
      cert_ = dir_.path() + "/cert.pem";
      const std::string key = dir_.path() + "/key.pem";
      ASSERT_EQ(std::system(("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 "
                             "-nodes -days 1 -subj /CN=127.0.0.1 -addext "
                             "subjectAltName=IP:127.0.0.1 -keyout '" +
                             key + "' -out '" + cert_ + "' 2>/dev/null")
                                .c_str()),
                0);
      argv.push_back(cert_);
      argv.push_back(key);
    }
    server_ = std::make_unique<BackgroundProcess>(argv);
    ASSERT_TRUE(WaitForPort(port_)) << "webhook receiver did not start";
  }
  std::string Url(const std::string& host = "127.0.0.1") const {
    return absl::StrCat("http://", host, ":", port_, "/hook?token=abc");
  }
  std::vector<nlohmann::json> Requests() const {
    std::vector<nlohmann::json> out;
    std::ifstream in(log_);
    std::string line;
    while (std::getline(in, line)) out.push_back(nlohmann::json::parse(line));
    return out;
  }

  ctlog::CurlGlobal curl_;
  TempDir dir_;
  int port_ = 0;
  std::string log_;
  std::string cert_;
  std::unique_ptr<BackgroundProcess> server_;
};

TEST_F(WebhookSinkTest, PostsFindingJsonWithKeyAndSignature) {
  Start("");
  auto sink = WebhookSink::Create({.url = Url("localhost"), .secret = kSecret});
  ASSERT_TRUE(sink.ok()) << sink.status();
  Notification n = GoogleFinding();
  ASSERT_TRUE(sink->Deliver(n).ok());
  auto requests = Requests();
  ASSERT_EQ(requests.size(), 1u);
  const auto& r = requests[0];
  EXPECT_EQ(r["path"], "/hook?token=abc");
  EXPECT_EQ(r["body"], n.finding_json);
  EXPECT_EQ(r["headers"]["content-type"], "application/json");
  EXPECT_EQ(r["headers"]["idempotency-key"], "caawatch-42");
  EXPECT_EQ(r["headers"]["x-caawatch-event"], "discovered_cert");
  EXPECT_EQ(r["headers"]["x-caawatch-seq"], "42");
  // The signature, checked by the receiver's own HMAC (python's hmac module).
  EXPECT_EQ(r["headers"]["x-caawatch-signature-256"], r["expected_signature"]);
}

TEST_F(WebhookSinkTest, HttpsIsVerifiedAgainstTheGivenRoots) {
  Start("", /*tls=*/true);
  const std::string url = absl::StrCat("https://127.0.0.1:", port_, "/hook");
  auto trusted = WebhookSink::Create({.url = url, .secret = kSecret, .ca_file = cert_});
  ASSERT_TRUE(trusted.ok()) << trusted.status();
  ASSERT_TRUE(trusted->Deliver(GoogleFinding()).ok());
  auto requests = Requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0]["headers"]["x-caawatch-signature-256"], requests[0]["expected_signature"]);
  // Without those roots the self-signed receiver is not trusted: nothing is sent.
  auto untrusted = WebhookSink::Create({.url = url});
  ASSERT_TRUE(untrusted.ok());
  const absl::Status status = untrusted->Deliver(GoogleFinding());
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
  EXPECT_EQ(Requests().size(), 1u);
}

TEST_F(WebhookSinkTest, NoSecretNoSignature) {
  Start("");
  auto sink = WebhookSink::Create({.url = Url()});
  ASSERT_TRUE(sink.ok());
  ASSERT_TRUE(sink->Deliver(GoogleFinding()).ok());
  auto requests = Requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_FALSE(requests[0]["headers"].contains("x-caawatch-signature-256"));
}

TEST_F(WebhookSinkTest, ServerErrorsAreRetryableWithTheSameKey) {
  Start("500,429,200");
  auto sink = WebhookSink::Create({.url = Url(), .secret = kSecret});
  ASSERT_TRUE(sink.ok());
  Notification n = GoogleFinding();
  absl::Status first = sink->Deliver(n);
  EXPECT_EQ(first.code(), absl::StatusCode::kUnavailable) << first;
  EXPECT_TRUE(IsRetryable(first));
  EXPECT_NE(first.message().find("HTTP 500"), std::string::npos) << first;
  EXPECT_NE(first.message().find("answer 500"), std::string::npos) << first;
  // Neither the secret nor the URL's query (it may hold a token) is in the message.
  EXPECT_EQ(first.message().find(kSecret), std::string::npos);
  EXPECT_EQ(first.message().find("token=abc"), std::string::npos) << first;
  absl::Status second = sink->Deliver(n);
  EXPECT_TRUE(IsRetryable(second)) << second;
  EXPECT_TRUE(sink->Deliver(n).ok());
  auto requests = Requests();
  ASSERT_EQ(requests.size(), 3u);
  for (const auto& r : requests) {
    EXPECT_EQ(r["headers"]["idempotency-key"], "caawatch-42");
    EXPECT_EQ(r["headers"]["x-caawatch-signature-256"], r["expected_signature"]);
  }
}

TEST_F(WebhookSinkTest, ClientErrorsAreNotRetryableExcept408And429) {
  Start("404,408,400");
  auto sink = WebhookSink::Create({.url = Url()});
  ASSERT_TRUE(sink.ok());
  const absl::Status not_found = sink->Deliver(GoogleFinding());
  EXPECT_EQ(not_found.code(), absl::StatusCode::kFailedPrecondition) << not_found;
  EXPECT_FALSE(IsRetryable(not_found));
  EXPECT_TRUE(IsRetryable(sink->Deliver(GoogleFinding())));
  EXPECT_FALSE(IsRetryable(sink->Deliver(GoogleFinding())));
}

TEST_F(WebhookSinkTest, HangingReceiverTimesOut) {
  Start("hang");
  auto sink = WebhookSink::Create({.url = Url(), .timeout = absl::Seconds(1)});
  ASSERT_TRUE(sink.ok());
  const absl::Status status = sink->Deliver(GoogleFinding());
  EXPECT_EQ(status.code(), absl::StatusCode::kDeadlineExceeded) << status;
  EXPECT_TRUE(IsRetryable(status));
  // The next request is answered: the hanging one holds nothing.
  EXPECT_TRUE(sink->Deliver(GoogleFinding()).ok());
}

TEST_F(WebhookSinkTest, ReceiverDownIsRetryable) {
  port_ = FreeLoopbackPort();  // Nothing listens.
  auto sink = WebhookSink::Create({.url = Url()});
  ASSERT_TRUE(sink.ok());
  const absl::Status status = sink->Deliver(GoogleFinding());
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
}

TEST(WebhookUrlTest, PlainHttpOnlyToLoopback) {
  for (const char* ok : {"https://hooks.example.com/x", "http://127.0.0.1:8080/x",
                         "http://127.1.2.3/x", "http://[::1]:9/x", "http://localhost:9/x"}) {
    EXPECT_TRUE(WebhookSink::Create({.url = ok}).ok()) << ok;
  }
  for (const char* bad : {"http://hooks.example.com/x", "http://10.0.0.1/x", "ftp://127.0.0.1/x",
                          "file:///etc/passwd", "https://user:pw@hooks.example.com/x", "not a url",
                          "http://127.0.0.1.example.com/x"}) {
    auto sink = WebhookSink::Create({.url = bad});
    EXPECT_EQ(sink.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(sink.status().message().find("pw@"), std::string::npos);
  }
}

TEST(WebhookKeyTest, KeyIsStablePerSeq) {
  Notification a = GoogleFinding();
  Notification b = GoogleFinding();
  EXPECT_EQ(IdempotencyKey(a), IdempotencyKey(b));
  b.finding.set_seq(43);
  EXPECT_NE(IdempotencyKey(a), IdempotencyKey(b));
  b = a;
  b.test = true;
  EXPECT_NE(IdempotencyKey(a), IdempotencyKey(b));
}

}  // namespace
}  // namespace caawatch::notify
