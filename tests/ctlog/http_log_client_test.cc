// HttpLogClient + CurlHttpFetcher against the real test log served over HTTP on 127.0.0.1.
#include "ctlog/http_log_client.h"

#include <memory>

#include "absl/time/time.h"
#include "base/clock.h"
#include "ctlog/http_fetcher.h"
#include "ctlog/merkle.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/fakes/certificate_factory.h"
#include "tests/fakes/reference_merkle.h"
#include "tests/fakes/test_log.h"
#include "tests/fakes/test_log_server.h"
#include "tests/fakes/test_population.h"

namespace caawatch::ctlog {
namespace {

using ::caawatch::fakes::Fault;
using ::caawatch::fakes::Misbehaviour;
using ::testing::HasSubstr;

constexpr absl::Time kNow = absl::FromUnixSeconds(1795000000);

class HttpLogClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto log = fakes::TestLog::Create(&clock_, /*seed=*/42);
    ASSERT_TRUE(log.ok()) << log.status();
    log_ = *std::move(log);
    auto fetcher = CurlHttpFetcher::Create();
    ASSERT_TRUE(fetcher.ok()) << fetcher.status();
    fetcher_ = *std::move(fetcher);
    StartServer(fakes::TestLogServerOptions());
  }

  void StartServer(fakes::TestLogServerOptions options) {
    server_.reset();
    auto server = fakes::TestLogServer::Start(log_.get(), options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }

  // Appends `n` plain certificates and publishes them.
  void GrowAndPublish(int n) {
    fakes::CertificateFactory factory(7);
    auto chain = fakes::MakeCaChain(&factory, fakes::CaBrand::kLetsEncrypt, kNow);
    ASSERT_TRUE(chain.ok()) << chain.status();
    for (int i = 0; i < n; ++i) {
      auto cert = factory.MakeLeaf(chain->intermediate,
                                   fakes::LeafFor(absl::StrCat("h", i, ".example.test"), kNow));
      ASSERT_TRUE(cert.ok()) << cert.status();
      ASSERT_TRUE(log_->AddX509(*cert, {chain->intermediate.der, chain->root.der}).ok());
    }
    ASSERT_TRUE(log_->PublishSth().ok());
  }

  HttpLogClient Client(FetchOptions options = {}) {
    return HttpLogClient(fetcher_.get(), server_->url(), options);
  }

  CurlGlobal curl_global_;  // libcurl's global state is reference-counted per init/cleanup.
  FakeClock clock_{kNow};
  std::unique_ptr<fakes::TestLog> log_;
  std::unique_ptr<CurlHttpFetcher> fetcher_;
  std::unique_ptr<fakes::TestLogServer> server_;
};

TEST_F(HttpLogClientTest, GetSthReturnsTheLogsSignedTreeHead) {
  GrowAndPublish(3);
  HttpLogClient client = Client();
  absl::StatusOr<SignedTreeHead> sth = client.GetSth();
  ASSERT_TRUE(sth.ok()) << sth.status();
  const SignedTreeHead expected = log_->LatestSth();
  EXPECT_EQ(sth->tree_size, 3u);
  EXPECT_EQ(sth->timestamp_ms, static_cast<uint64_t>(absl::ToUnixMillis(kNow)));
  EXPECT_EQ(sth->root_hash, expected.root_hash);
  EXPECT_EQ(sth->signature, expected.signature);
}

TEST_F(HttpLogClientTest, BaseUrlWithoutTrailingSlashStillReachesTheLog) {
  std::string url = server_->url();
  url.pop_back();
  HttpLogClient client(fetcher_.get(), url);
  EXPECT_TRUE(client.GetSth().ok());
}

TEST_F(HttpLogClientTest, GetEntriesReturnsFewerThanAskedWhenTheLogCapsTheBatch) {
  fakes::TestLogServerOptions options;
  options.batch_cap = 4;
  StartServer(options);
  GrowAndPublish(10);
  HttpLogClient client = Client();
  absl::StatusOr<std::vector<RawEntry>> entries = client.GetEntries(2, 9);
  ASSERT_TRUE(entries.ok()) << entries.status();
  ASSERT_EQ(entries->size(), 4u);
  auto expected = log_->GetEntries(2, 5, 100);
  ASSERT_TRUE(expected.ok());
  for (size_t i = 0; i < entries->size(); ++i) {
    EXPECT_EQ((*entries)[i].leaf_input, (*expected)[i].leaf_input) << i;
    EXPECT_EQ((*entries)[i].extra_data, (*expected)[i].extra_data) << i;
  }
}

TEST_F(HttpLogClientTest, GetEntriesBeyondThePublishedTreeIsInvalidArgument) {
  GrowAndPublish(2);
  HttpLogClient client = Client();
  EXPECT_EQ(client.GetEntries(5, 6).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(client.GetEntries(1, 0).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(HttpLogClientTest, GetConsistencyProofMatchesTheRfcReference) {
  GrowAndPublish(7);
  HttpLogClient client = Client();
  absl::StatusOr<std::vector<Sha256Hash>> proof = client.GetConsistencyProof(3, 7);
  ASSERT_TRUE(proof.ok()) << proof.status();
  auto expected = log_->ConsistencyProof(3, 7);
  ASSERT_TRUE(expected.ok());
  EXPECT_EQ(*proof, *expected);
  EXPECT_FALSE(proof->empty());
}

// What an evidence bundle's proof-*.json holds: the log's own audit path, checked here against
// the signed head with the verifier the monitor uses.
TEST_F(HttpLogClientTest, GetProofByHashProvesTheEntryInTheSignedHead) {
  GrowAndPublish(7);
  HttpLogClient client = Client();
  absl::StatusOr<std::vector<RawEntry>> entries = client.GetEntries(5, 5);
  ASSERT_TRUE(entries.ok()) << entries.status();
  const Sha256Hash leaf = HashLeaf((*entries)[0].leaf_input);
  absl::StatusOr<InclusionProof> proof = client.GetProofByHash(leaf, 7);
  ASSERT_TRUE(proof.ok()) << proof.status();
  EXPECT_EQ(proof->leaf_index, 5u);
  EXPECT_FALSE(proof->audit_path.empty());
  const SignedTreeHead head = log_->LatestSth();
  EXPECT_TRUE(VerifyInclusion(leaf, 5, 7, proof->audit_path, head.root_hash).ok());
  // In the tree of 6 the same leaf has another path (a smaller tree), which proves it there.
  absl::StatusOr<InclusionProof> earlier = client.GetProofByHash(leaf, 6);
  ASSERT_TRUE(earlier.ok()) << earlier.status();
  EXPECT_TRUE(VerifyInclusion(leaf, 5, 6, earlier->audit_path, log_->RootAt(6)).ok());
  // A leaf the log does not hold, or not yet at that size, is no proof.
  EXPECT_FALSE(client.GetProofByHash(Sha256Hash{}, 7).ok());
  EXPECT_FALSE(client.GetProofByHash(leaf, 5).ok());
}

TEST_F(HttpLogClientTest, ConsistencyBetweenEqualSizesIsEmptyAndZeroIsRejected) {
  HttpLogClient client = Client();
  absl::StatusOr<std::vector<Sha256Hash>> same = client.GetConsistencyProof(5, 5);
  ASSERT_TRUE(same.ok());
  EXPECT_TRUE(same->empty());
  EXPECT_EQ(client.GetConsistencyProof(0, 5).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(HttpLogClientTest, TooManyRequestsIsUnavailableAndCarriesRetryAfter) {
  server_->InjectFault(Fault::kTooManyRequests, 1);
  HttpLogClient client = Client();
  absl::StatusOr<SignedTreeHead> sth = client.GetSth();
  EXPECT_EQ(sth.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(sth.status().message(), HasSubstr("Retry-After 1s"));
  EXPECT_EQ(client.last_retry_after(), absl::Seconds(1));
  EXPECT_TRUE(client.GetSth().ok());
  EXPECT_EQ(client.last_retry_after(), std::nullopt);
}

TEST_F(HttpLogClientTest, ServerErrorIsUnavailable) {
  GrowAndPublish(1);
  server_->InjectFault(Fault::kServerError, 1);
  HttpLogClient client = Client();
  EXPECT_EQ(client.GetEntries(0, 0).status().code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(client.GetEntries(0, 0).ok());
}

TEST_F(HttpLogClientTest, TruncatedBodyIsDataLoss) {
  server_->InjectFault(Fault::kTruncatedBody, 1);
  HttpLogClient client = Client();
  EXPECT_EQ(client.GetSth().status().code(), absl::StatusCode::kDataLoss);
}

TEST_F(HttpLogClientTest, BodyOverTheSizeLimitIsDataLoss) {
  GrowAndPublish(5);
  FetchOptions options;
  options.max_body_bytes = 1000;
  HttpLogClient client = Client(options);
  absl::StatusOr<std::vector<RawEntry>> entries = client.GetEntries(0, 4);
  EXPECT_EQ(entries.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(entries.status().message(), HasSubstr("response too large"));
}

TEST_F(HttpLogClientTest, ResponseSlowerThanTheTimeoutIsUnavailable) {
  fakes::TestLogServerOptions server_options;
  server_options.fault_delay = absl::Seconds(30);  // Cut short when the server stops.
  StartServer(server_options);
  server_->InjectFault(Fault::kDelay, 1);
  FetchOptions options;
  options.timeout = absl::Milliseconds(200);
  HttpLogClient client = Client(options);
  EXPECT_EQ(client.GetSth().status().code(), absl::StatusCode::kUnavailable);
}

TEST_F(HttpLogClientTest, UnreachableLogIsUnavailable) {
  const std::string url = server_->url();
  server_.reset();  // Nothing listens on that port any more.
  HttpLogClient client(fetcher_.get(), url);
  EXPECT_EQ(client.GetSth().status().code(), absl::StatusCode::kUnavailable);
}

TEST_F(HttpLogClientTest, MisbehavingLogStillParsesSoTheCallerCanCatchIt) {
  GrowAndPublish(2);
  HttpLogClient client = Client();
  server_->SetMisbehaviour(Misbehaviour::kWrongRootSth);
  absl::StatusOr<SignedTreeHead> wrong_root = client.GetSth();
  ASSERT_TRUE(wrong_root.ok());
  EXPECT_NE(wrong_root->root_hash, log_->LatestSth().root_hash);
  server_->SetMisbehaviour(Misbehaviour::kBadSignatureSth);
  absl::StatusOr<SignedTreeHead> bad_sig = client.GetSth();
  ASSERT_TRUE(bad_sig.ok());
  EXPECT_EQ(bad_sig->root_hash, log_->LatestSth().root_hash);
  EXPECT_NE(bad_sig->signature, log_->LatestSth().signature);
}

TEST_F(HttpLogClientTest, RequestsReuseOneConnectionAndAllReachTheServer) {
  HttpLogClient client = Client();
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(client.GetSth().ok());
  EXPECT_EQ(server_->requests_served(), 5u);
  EXPECT_EQ(server_->connections_accepted(), 1u);
}

}  // namespace
}  // namespace caawatch::ctlog
