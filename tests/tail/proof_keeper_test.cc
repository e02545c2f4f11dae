// The proof keeper (SPEC §8) over a real store filled by the pipeline from the RFC 6962 test log
// over HTTP: a finding whose log stops answering waits on its own, the findings of other logs
// after it get their proofs all the same (more than a page of them), and the waiting one gets
// its proofs once its log answers again.
#include "tail/proof_keeper.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "ctlog/http_fetcher.h"
#include "ctlog/log_list.h"
#include "gtest/gtest.h"
#include "tests/monitor/pipeline_fixture.h"

namespace caawatch::tail {
namespace {

class ProofKeeperTest : public monitor::PipelineFixture {};

TEST_F(ProofKeeperTest, ALogThatStopsAnsweringHoldsBackOnlyItsOwnFindings) {
  ASSERT_NO_FATAL_FAILURE(
      Start("shop 60 CAA 0 issue \"pki.goog\"\n", fakes::CaBrand::kLetsEncrypt));
  Poll();
  clock_.Advance(absl::Seconds(10));
  Plant("www.shop.test");
  ASSERT_NO_FATAL_FAILURE(Ingest());
  const store::FindingRecord first = FindingFor("www.shop.test");
  ASSERT_EQ(first.verdict(), "forbidden");
  ASSERT_GE(first.entries_size(), 1);  // The precertificate, and the certificate if logged.
  ASSERT_TRUE(first.entries(0).has_inclusion());

  // A second log, on a port where nothing listens now, with a finding of its own logged first:
  // the same entry and signed head under another log ID.
  auto logs = ctlog::ParseLogList(server_->LogListJson());
  ASSERT_TRUE(logs.ok()) << logs.status();
  ctlog::LogInfo gone = (*logs)[0];
  gone.log_id[0] ^= 0xff;
  const std::string gone_id(gone.log_id.begin(), gone.log_id.end());
  uint16_t gone_port = 0;
  {
    auto placeholder = fakes::TestLogServer::Start(log_.get());
    ASSERT_TRUE(placeholder.ok()) << placeholder.status();
    gone_port = (*placeholder)->port();
    gone.url = (*placeholder)->url();
  }
  const store::EntryRef& entry = first.entries(0);
  auto head = store_->logs().GetTreeHead(entry.log_id(), entry.inclusion().tree_size(),
                                         entry.inclusion().root_hash());
  ASSERT_TRUE(head.ok() && head->has_value()) << head.status();
  store::TreeHeadRecord gone_head = **head;
  gone_head.set_log_id(gone_id);
  ASSERT_TRUE(store_->logs().PutTreeHead(gone_head).ok());
  store::FindingRecord waiting = first;
  waiting.clear_seq();
  waiting.set_tbs_sha256(std::string(32, 'w'));
  waiting.clear_cert_sha256();
  waiting.clear_precert_sha256();
  for (store::EntryRef& e : *waiting.mutable_entries()) {
    e.set_log_id(gone_id);
    e.set_log_url(gone.url);
  }
  store::CommitRequest request;
  request.findings.push_back(waiting);
  auto committed = store_->findings().Commit(std::move(request));
  ASSERT_TRUE(committed.ok()) << committed.status();
  ASSERT_EQ(committed->created.size(), 1u);
  const uint64_t waiting_seq = committed->created[0].seq();

  // More findings of the answering log than a round reads.
  const int kMore = static_cast<int>(ProofKeeper::kPage) + 40;
  for (int i = 0; i < kMore; ++i) Plant(absl::StrCat("a", i, ".shop.test"));
  ASSERT_NO_FATAL_FAILURE(Ingest());

  auto fetcher = ctlog::CurlHttpFetcher::Create();
  ASSERT_TRUE(fetcher.ok()) << fetcher.status();
  ProofKeeper keeper(store_, {(*logs)[0], gone}, fetcher->get(), &clock_);
  auto settle = [&keeper]() {
    for (;;) {
      absl::StatusOr<ProofRound> round = keeper.RunOnce();
      EXPECT_TRUE(round.ok()) << round.status();
      if (!round.ok() || !round->more) return round.ok() ? round->pending : size_t{0};
    }
  };
  EXPECT_EQ(settle(), 1u);
  auto backlog = PendingProofs(store_, 1000);
  ASSERT_TRUE(backlog.ok()) << backlog.status();
  EXPECT_EQ(backlog->pending, 1u);
  EXPECT_EQ(backlog->oldest_seq, waiting_seq);
  EXPECT_NE(backlog->cursor.last_error().find(gone.url), std::string::npos)
      << backlog->cursor.last_error();
  const store::FindingRecord last = FindingFor(absl::StrCat("a", kMore - 1, ".shop.test"));
  auto last_proof = store_->entry_proofs().Get(last.entries(0).log_id(), last.entries(0).index());
  ASSERT_TRUE(last_proof.ok()) << last_proof.status();
  EXPECT_TRUE(last_proof->has_value()) << "the findings after the waiting one got no proofs";

  // The log answers again (the same tree): the waiting finding gets its proofs.
  fakes::TestLogServerOptions options;
  options.port = gone_port;
  auto back = fakes::TestLogServer::Start(log_.get(), options);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(settle(), 0u);
  backlog = PendingProofs(store_, 1000);
  ASSERT_TRUE(backlog.ok()) << backlog.status();
  EXPECT_EQ(backlog->pending, 0u);
  EXPECT_EQ(backlog->cursor.waiting_seqs_size(), 0);
  auto proof = store_->entry_proofs().Get(gone_id, entry.index());
  ASSERT_TRUE(proof.ok()) << proof.status();
  EXPECT_TRUE(proof->has_value());
}

}  // namespace
}  // namespace caawatch::tail
