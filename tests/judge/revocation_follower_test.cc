// The revocation follow-up over a real store (RocksDB) and a CA's CRL served over real HTTP:
// a forbidden finding is followed until a verified CRL lists it, the first sight is stored
// with the CRL's date and reason, and a forged CRL is refused and recorded, never believed.
#include "judge/revocation_follower.h"

#include <memory>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "base/clock.h"
#include "ctlog/sha256.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "store/verdict.h"
#include "tests/fakes/crl_test_ca.h"
#include "tests/fakes/http_server.h"
#include "tests/fakes/store_fixture.h"
#include "tests/fakes/test_crl.h"

namespace caawatch::judge {
namespace {

using ::caawatch::fakes::kCrlTestNow;
using ::testing::HasSubstr;

std::string Sha(const std::vector<uint8_t>& der) {
  const ctlog::Sha256Hash h = ctlog::Sha256(absl::Span<const uint8_t>(der));
  return std::string(h.begin(), h.end());
}

class RevocationFollowerTest : public StoreFixture {
 protected:
  void SetUp() override {
    StoreFixture::SetUp();
    auto server = fakes::HttpServer::Start([this](const fakes::HttpRequest&) {
      absl::MutexLock lock(&mu_);
      ++requests_;
      fakes::HttpReply reply;
      reply.content_type = "application/pkix-crl";
      reply.body = crl_;
      return reply;
    });
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    ASSERT_NO_FATAL_FAILURE(fakes::MakeCrlTestCa(
        absl::StrCat("URI:http://127.0.0.1:", server_->port(), "/ca.crl"), &ca_));
    auto fetcher = ctlog::CurlHttpFetcher::Create();
    ASSERT_TRUE(fetcher.ok()) << fetcher.status();
    fetcher_ = *std::move(fetcher);
    crls_ = std::make_unique<revoke::CrlCache>(fetcher_.get(), revoke::CrlCacheOptions{});
    follower_ = std::make_unique<RevocationFollower>(store_.get(), crls_.get(), &clock_, nullptr);
  }

  // Commits the leaf as a finding with `verdict`, its chain as its log entry served it.
  void CommitFinding(store::Verdict verdict, char tbs = 't') {
    store::FindingRecord f;
    f.set_kind("certificate");
    f.set_verdict(store::VerdictName(verdict));
    f.set_severity("critical");
    f.set_cert_sha256(Sha(ca_.leaf_der));
    f.set_tbs_sha256(std::string(32, tbs));
    f.set_not_after_ms(absl::ToUnixMillis(kCrlTestNow + absl::Hours(24 * 89)));
    store::CommitRequest request;
    request.findings = {f};
    request.certificates = {
        {Sha(ca_.leaf_der), std::string(ca_.leaf_der.begin(), ca_.leaf_der.end())},
        {Sha(ca_.ca.der), std::string(ca_.ca.der.begin(), ca_.ca.der.end())}};
    store::IssuerChainRecord chain;
    chain.add_issuer_sha256(Sha(ca_.ca.der));
    request.issuer_chains = {{Sha(ca_.leaf_der), chain}};
    ASSERT_TRUE(store_->findings().Commit(std::move(request)).ok());
  }

  void Serve(const fakes::CrlSpec& spec, EVP_PKEY* key = nullptr) {
    auto crl = fakes::MakeCrl(ca_.ca, spec, key);
    ASSERT_TRUE(crl.ok()) << crl.status();
    absl::MutexLock lock(&mu_);
    crl_ = *crl;
  }

  store::RevocationRecord Record() {
    auto record = store_->revocations().Get(std::string(32, 't'));
    EXPECT_TRUE(record.ok()) << record.status();
    return record.ok() && record->has_value() ? **record : store::RevocationRecord();
  }

  // Declared before the follower that borrows them.
  FakeClock clock_{kCrlTestNow};
  fakes::CrlTestCa ca_;
  std::unique_ptr<fakes::HttpServer> server_;
  std::unique_ptr<ctlog::CurlHttpFetcher> fetcher_;
  std::unique_ptr<revoke::CrlCache> crls_;
  std::unique_ptr<RevocationFollower> follower_;
  absl::Mutex mu_;
  std::string crl_ ABSL_GUARDED_BY(mu_);
  int requests_ ABSL_GUARDED_BY(mu_) = 0;
};

TEST_F(RevocationFollowerTest, FirstSightOfRevocationIsStoredWithDateAndReason) {
  ASSERT_NO_FATAL_FAILURE(CommitFinding(store::Verdict::kForbidden));
  ASSERT_NO_FATAL_FAILURE(Serve({kCrlTestNow - absl::Hours(1), kCrlTestNow + absl::Hours(24), {}}));
  auto round = follower_->RunOnce();
  ASSERT_TRUE(round.ok()) << round.status();
  EXPECT_EQ(round->checked, 1u);
  EXPECT_EQ(round->newly_revoked, 0u);
  EXPECT_EQ(Record().revoked_seen_ms(), 0);
  EXPECT_EQ(Record().last_checked_ms(), absl::ToUnixMillis(kCrlTestNow));

  const absl::Time revoked_at = kCrlTestNow + absl::Minutes(30);
  clock_.Advance(absl::Hours(1));
  ASSERT_NO_FATAL_FAILURE(Serve({kCrlTestNow + absl::Minutes(40),
                                 kCrlTestNow + absl::Hours(24),
                                 {{ca_.leaf_der, revoked_at, 1}}}));
  round = follower_->RunOnce();
  ASSERT_TRUE(round.ok()) << round.status();
  EXPECT_EQ(round->newly_revoked, 1u);
  store::RevocationRecord record = Record();
  EXPECT_EQ(record.revoked_seen_ms(), absl::ToUnixMillis(kCrlTestNow + absl::Hours(1)));
  EXPECT_EQ(record.revocation_date_ms(), absl::ToUnixMillis(revoked_at));
  EXPECT_EQ(record.reason(), "keyCompromise");
  EXPECT_EQ(record.ended(), "revoked");
  EXPECT_THAT(record.crl_url(), HasSubstr("/ca.crl"));

  // Durable, and no longer followed: a later round asks nothing.
  Reopen();
  follower_ = std::make_unique<RevocationFollower>(store_.get(), crls_.get(), &clock_, nullptr);
  clock_.Advance(absl::Hours(1));
  round = follower_->RunOnce();
  ASSERT_TRUE(round.ok()) << round.status();
  EXPECT_EQ(round->checked, 0u);
  EXPECT_EQ(Record().revoked_seen_ms(), absl::ToUnixMillis(kCrlTestNow + absl::Hours(1)));
}

TEST_F(RevocationFollowerTest, ForgedCrlIsRefusedRecordedAndNotBelieved) {
  ASSERT_NO_FATAL_FAILURE(CommitFinding(store::Verdict::kLikelyForbidden));
  fakes::CertificateFactory factory(555);
  auto forger = factory.NextKey();
  ASSERT_TRUE(forger.ok());
  ASSERT_NO_FATAL_FAILURE(Serve({kCrlTestNow - absl::Hours(1),
                                 kCrlTestNow + absl::Hours(24),
                                 {{ca_.leaf_der, kCrlTestNow, 1}}},
                                forger->get()));
  auto round = follower_->RunOnce();
  ASSERT_TRUE(round.ok()) << round.status();
  EXPECT_EQ(round->newly_revoked, 0u);
  EXPECT_EQ(round->failed, 1u);
  store::RevocationRecord record = Record();
  EXPECT_EQ(record.revoked_seen_ms(), 0);
  EXPECT_EQ(record.ended(), "");
  EXPECT_THAT(record.last_error(), HasSubstr("signature does not verify"));
}

TEST_F(RevocationFollowerTest, OneCrlIsFetchedOnceARoundForAllItsCertificates) {
  ASSERT_NO_FATAL_FAILURE(CommitFinding(store::Verdict::kForbidden, 't'));
  ASSERT_NO_FATAL_FAILURE(CommitFinding(store::Verdict::kLikelyForbidden, 'u'));
  ASSERT_NO_FATAL_FAILURE(Serve({kCrlTestNow - absl::Hours(1), kCrlTestNow + absl::Hours(24), {}}));
  auto round = follower_->RunOnce();
  ASSERT_TRUE(round.ok()) << round.status();
  EXPECT_EQ(round->checked, 2u);
  absl::MutexLock lock(&mu_);
  EXPECT_EQ(requests_, 1);
}

TEST_F(RevocationFollowerTest, PermittedFindingsAreNotFollowed) {
  ASSERT_NO_FATAL_FAILURE(CommitFinding(store::Verdict::kPermitted));
  auto round = follower_->RunOnce();
  ASSERT_TRUE(round.ok()) << round.status();
  EXPECT_EQ(round->checked, 0u);
  auto none = store_->revocations().Get(std::string(32, 't'));
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
}

TEST_F(RevocationFollowerTest, ExpiredCertificateEndsFollowing) {
  ASSERT_NO_FATAL_FAILURE(CommitFinding(store::Verdict::kForbidden));
  clock_.Advance(absl::Hours(24 * 90));
  auto round = follower_->RunOnce();
  ASSERT_TRUE(round.ok()) << round.status();
  EXPECT_EQ(round->checked, 0u);
  EXPECT_EQ(Record().ended(), "expired");
}

}  // namespace
}  // namespace caawatch::judge
