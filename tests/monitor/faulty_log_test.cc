// A log that answers badly — 429 with Retry-After, 500s, truncated bodies, slow answers, small
// batches — is still read completely: every watched certificate becomes exactly one finding, in
// log order, with gapless seqs, and no transport fault is mistaken for log misbehaviour.
#include "gtest/gtest.h"
#include "tests/monitor/pipeline_fixture.h"

namespace caawatch::monitor {
namespace {

using FaultyLogTest = PipelineFixture;

TEST_F(FaultyLogTest, InjectedFaultsDelayTheLogButLoseAndRepeatNothing) {
  Start("shop 60 CAA 0 issue \"letsencrypt.org\"\n", fakes::CaBrand::kLetsEncrypt);
  Poll();
  constexpr int kCertificates = 40;
  for (int i = 0; i < kCertificates; ++i) Plant("h" + std::to_string(i) + ".shop.test");
  ASSERT_TRUE(log_->PublishSth().ok());
  server_->SetBatchCap(7);

  std::unique_ptr<LogWorker> worker = NewWorker();
  ASSERT_NE(worker, nullptr);

  const fakes::Fault faults[] = {fakes::Fault::kTooManyRequests, fakes::Fault::kServerError,
                                 fakes::Fault::kTruncatedBody, fakes::Fault::kDelay};
  absl::Notification stop;
  int failures = 0;
  bool done = false;
  for (int round = 0; round < 60 && !done; ++round) {
    server_->InjectFault(faults[round % 4], 1 + round % 2);
    const absl::Status status = worker->CatchUp(stop);
    if (status.ok()) {
      auto states = store_->ListLogStates();
      ASSERT_TRUE(states.ok());
      done = states->size() == 1 && (*states)[0].position() == log_->published_size();
      continue;
    }
    ++failures;
    EXPECT_TRUE(absl::IsUnavailable(status) || absl::IsDataLoss(status)) << status;
  }
  ASSERT_TRUE(done) << "the log was not read completely";
  EXPECT_GT(failures, 0);  // The faults did land.

  store::FindingQuery all;
  all.limit = 1000;
  auto findings = store_->ListFindings(all);
  ASSERT_TRUE(findings.ok()) << findings.status();
  ASSERT_EQ(findings->size(), static_cast<size_t>(kCertificates));
  for (int i = 0; i < kCertificates; ++i) {
    const store::FindingRecord& f = (*findings)[i];
    EXPECT_EQ(f.kind(), "certificate") << "a transport fault was recorded as misbehaviour";
    EXPECT_EQ(f.seq(), static_cast<uint64_t>(i + 1));
    EXPECT_EQ(f.watched_names(0), "h" + std::to_string(i) + ".shop.test");
    EXPECT_EQ(f.entries_size(), 2) << "precertificate and certificate, once each";
  }
}

}  // namespace
}  // namespace caawatch::monitor
