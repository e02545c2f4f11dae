// LogWorker auditing against the real RFC 6962 test log over HTTP and static-ct-api files, with
// RocksDB on disk: every head is kept, each kind of misbehaviour becomes one log_misbehaviour
// finding with its evidence (alerted once), and the position never passes unverified data.
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "base/clock.h"
#include "base/log.h"
#include "caa/issuer_map.h"
#include "ctlog/cosignature.h"
#include "ctlog/http_fetcher.h"
#include "ctlog/log_list.h"
#include "gtest/gtest.h"
#include "judge/alert_hub.h"
#include "judge/caa_observer.h"
#include "judge/issuance_evaluator.h"
#include "judge/watch_source.h"
#include "nlohmann/json.hpp"
#include "store/store.h"
#include "tail/log_worker.h"
#include "tests/ctlog/static_ct_fixture.h"
#include "tests/fakes/directory_fetcher.h"
#include "tests/fakes/store_fixture.h"
#include "tests/fakes/test_log_server.h"
#include "tests/fakes/test_population.h"
#include "tests/fakes/test_witness.h"
#include "tests/judge/fake_caa_resolver.h"
#include "watch/watchlist.h"

namespace caawatch::tail {
namespace {

using Json = nlohmann::json;

class LogWorkerAuditTest : public StoreFixture {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(StoreFixture::SetUp());
    auto issuers = caa::IssuerMap::BuiltIn();
    ASSERT_TRUE(issuers.ok());
    issuers_ = std::make_unique<caa::IssuerMap>(std::move(*issuers));
    observer_ = std::make_unique<judge::CaaObserver>(&resolver_, &store_->caa_history(), &clock_);
    evaluator_ = std::make_unique<judge::IssuanceEvaluator>(issuers_.get(), observer_.get());
    auto watch = watch::ParseWatchItem(".audit.test");
    ASSERT_TRUE(watch.ok());
    watches_ = std::make_unique<judge::WatchSource>(std::vector<watch::WatchItem>{*watch},
                                                    &store_->watches());
    auto log = fakes::TestLog::Create(&clock_, /*seed=*/9);
    ASSERT_TRUE(log.ok());
    log_ = std::move(*log);
    auto chain = fakes::MakeCaChain(&factory_, fakes::CaBrand::kLetsEncrypt, clock_.Now());
    ASSERT_TRUE(chain.ok());
    chain_ = std::move(*chain);
    auto server = fakes::TestLogServer::Start(log_.get());
    ASSERT_TRUE(server.ok());
    server_ = std::move(*server);
  }
  void Grow(int pairs) {
    for (int i = 0; i < pairs; ++i) {
      ASSERT_TRUE(fakes::PlantCertificate(
                      log_.get(), &factory_, chain_,
                      fakes::LeafFor(absl::StrCat("h", n_++, ".audit.test"), clock_.Now()))
                      .ok());
    }
    clock_.Advance(absl::Seconds(1));
    ASSERT_TRUE(log_->PublishSth().ok());
  }

  LogWorkerDeps Deps() {
    LogWorkerDeps deps;
    deps.store = store_.get();
    deps.evaluator = evaluator_.get();
    deps.watches = watches_.get();
    deps.alerts = &alerts_;
    deps.clock = &clock_;
    deps.logger = &logger_;
    return deps;
  }
  std::unique_ptr<LogWorker> Worker(LogWorkerOptions options = {}) {
    auto logs = ctlog::ParseLogList(server_->LogListJson());
    EXPECT_TRUE(logs.ok()) << logs.status();
    auto fetcher = ctlog::CurlHttpFetcher::Create();
    EXPECT_TRUE(fetcher.ok());
    return std::make_unique<LogWorker>((*logs)[0], std::move(*fetcher), Deps(), options);
  }

  std::vector<store::FindingRecord> Misbehaviours() {
    store::FindingQuery q;
    q.verdicts = {"log_misbehaviour"};
    auto found = store_->findings().List(q);
    EXPECT_TRUE(found.ok()) << found.status();
    return found.ok() ? *found : std::vector<store::FindingRecord>{};
  }
  // The single misbehaviour finding's evidence; fails unless there is exactly one.
  Json OnlyEvidence() {
    const auto found = Misbehaviours();
    EXPECT_EQ(found.size(), 1u);
    return found.empty() ? Json() : Json::parse(found[0].evidence());
  }
  store::LogStateRecord State() {
    auto state =
        store_->logs().LoadState(std::string(log_->log_id().begin(), log_->log_id().end()));
    EXPECT_TRUE(state.ok() && state->has_value());
    return state.ok() && state->has_value() ? **state : store::LogStateRecord();
  }
  std::string LogId() const { return std::string(log_->log_id().begin(), log_->log_id().end()); }

  FakeClock clock_{absl::FromUnixSeconds(1790000000)};
  Logger logger_{LogLevel::kError};
  testing::FakeCaaResolver resolver_{&clock_};
  std::unique_ptr<caa::IssuerMap> issuers_;
  std::unique_ptr<judge::CaaObserver> observer_;
  std::unique_ptr<judge::IssuanceEvaluator> evaluator_;
  std::unique_ptr<judge::WatchSource> watches_;
  judge::AlertHub alerts_;
  fakes::CertificateFactory factory_{9};
  fakes::CaChain chain_;
  std::unique_ptr<fakes::TestLog> log_;
  std::unique_ptr<fakes::TestLogServer> server_;
  absl::Notification stop_;
  int n_ = 0;
};

TEST_F(LogWorkerAuditTest, EveryDistinctHeadIsKeptWithItsSignatureAndIdenticalOnesOnce) {
  auto worker = Worker();
  Grow(3);
  ASSERT_TRUE(worker->CatchUp(stop_).ok());
  ASSERT_TRUE(worker->CatchUp(stop_).ok());  // The same head again: not stored twice.
  Grow(2);
  ASSERT_TRUE(worker->CatchUp(stop_).ok());
  auto heads = store_->logs().ListTreeHeads(LogId());
  ASSERT_TRUE(heads.ok());
  ASSERT_EQ(heads->size(), 2u);
  EXPECT_EQ((*heads)[0].tree_size(), 6u);
  EXPECT_EQ((*heads)[1].tree_size(), 10u);
  const ctlog::SignedTreeHead latest = log_->LatestSth();
  EXPECT_EQ((*heads)[1].signature(), std::string(latest.signature.begin(), latest.signature.end()));
  EXPECT_EQ((*heads)[1].audit(), "consistent");  // Verified by the entries since.
  EXPECT_TRUE(Misbehaviours().empty());
  EXPECT_EQ(State().verified_size(), 10u);
}

TEST_F(LogWorkerAuditTest, AForkAtTheVerifiedSizeIsOneCriticalFindingWithBothSignedHeads) {
  auto worker = Worker();
  Grow(3);
  ASSERT_TRUE(worker->CatchUp(stop_).ok());
  const uint64_t seq_before = *store_->findings().LastSeq();
  server_->SetMisbehaviour(fakes::Misbehaviour::kWrongRootSth);
  EXPECT_EQ(worker->CatchUp(stop_).code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(worker->CatchUp(stop_).code(), absl::StatusCode::kDataLoss);  // Seen again...
  const Json evidence = OnlyEvidence();                                   // ...alerted once.
  EXPECT_EQ(*store_->findings().LastSeq(), seq_before + 1);
  EXPECT_EQ(evidence["kind"], "fork");
  EXPECT_EQ(evidence["head"]["tree_size"], 6);
  EXPECT_EQ(evidence["against"]["tree_size"], 6);
  EXPECT_FALSE(evidence["head"]["tree_head_signature"].get<std::string>().empty());
  EXPECT_FALSE(evidence["against"]["tree_head_signature"].get<std::string>().empty());
  EXPECT_EQ(Misbehaviours()[0].severity(), "critical");
  auto heads = store_->logs().ListTreeHeads(LogId());
  ASSERT_EQ(heads->size(), 2u);  // The forged head is kept as evidence.
  EXPECT_EQ((*heads)[0].audit() == "misbehaviour" || (*heads)[1].audit() == "misbehaviour", true);
}

TEST_F(LogWorkerAuditTest, AnInconsistentLargerHeadIsFoundByTheConsistencyProofAndNothingAdvances) {
  auto worker = Worker();
  Grow(3);
  ASSERT_TRUE(worker->CatchUp(stop_).ok());
  Grow(3);
  server_->SetMisbehaviour(fakes::Misbehaviour::kWrongRootSth);  // Size 12, root of no tree.
  EXPECT_EQ(worker->CatchUp(stop_).code(), absl::StatusCode::kDataLoss);
  const Json evidence = OnlyEvidence();
  EXPECT_EQ(evidence["kind"], "inconsistent");
  EXPECT_EQ(evidence["head"]["tree_size"], 12);
  EXPECT_EQ(evidence["against"]["tree_size"], 6);
  EXPECT_FALSE(evidence["consistency"].empty());
  EXPECT_EQ(State().position(), 6u);
  EXPECT_EQ(State().verified_size(), 6u);
  server_->SetMisbehaviour(fakes::Misbehaviour::kNone);  // The log is honest again: resumes.
  EXPECT_TRUE(worker->CatchUp(stop_).ok());
  EXPECT_EQ(State().verified_size(), 12u);
}

TEST_F(LogWorkerAuditTest, ASmallerHeadSignedLaterIsAShrinkingTreeButAnOlderCopyIsNot) {
  auto worker = Worker();
  Grow(2);
  const ctlog::SignedTreeHead at4 = log_->LatestSth();
  Grow(2);
  ASSERT_TRUE(worker->CatchUp(stop_).ok());
  server_->ServeSth(at4);  // A stale cached answer: consistent, older. Fine.
  EXPECT_TRUE(worker->CatchUp(stop_).ok());
  EXPECT_TRUE(Misbehaviours().empty());
  auto shrunk = log_->SignTreeHead(4, log_->LatestSth().timestamp_ms + 1000, log_->RootAt(4));
  ASSERT_TRUE(shrunk.ok());
  server_->ServeSth(*shrunk);
  EXPECT_EQ(worker->CatchUp(stop_).code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(OnlyEvidence()["kind"], "shrank");
}

TEST_F(LogWorkerAuditTest, ABadSignatureIsRecordedWithTheHeadAsServed) {
  auto worker = Worker();
  Grow(2);
  server_->SetMisbehaviour(fakes::Misbehaviour::kBadSignatureSth);
  EXPECT_EQ(worker->CatchUp(stop_).code(), absl::StatusCode::kDataLoss);
  const Json evidence = OnlyEvidence();
  EXPECT_EQ(evidence["kind"], "bad_signature");
  EXPECT_EQ(evidence["head"]["tree_size"], 4);
  EXPECT_EQ(State().position(), 0u);
}

TEST_F(LogWorkerAuditTest, EntriesThatDoNotHashToTheSignedRootAreARootMismatchAndNotCommitted) {
  auto worker = Worker();
  Grow(2);
  server_->SetMisbehaviour(fakes::Misbehaviour::kWrongRootSth);  // Nothing verified to compare.
  EXPECT_EQ(worker->CatchUp(stop_).code(), absl::StatusCode::kDataLoss);
  const Json evidence = OnlyEvidence();
  EXPECT_EQ(evidence["kind"], "root_mismatch");
  EXPECT_TRUE(evidence.contains("computed_root"));
  EXPECT_EQ(State().position(), 0u);
  EXPECT_EQ(State().verified_size(), 0u);
}

TEST_F(LogWorkerAuditTest, AHeadOlderThanTheMmdIsOneStaleWarningAndTailingGoesOn) {
  auto worker = Worker();
  Grow(2);
  ASSERT_TRUE(worker->CatchUp(stop_).ok());
  clock_.Advance(absl::Hours(24) + absl::Minutes(11));  // MMD 24 h, tolerance 10 min.
  EXPECT_TRUE(worker->CatchUp(stop_).ok());
  EXPECT_TRUE(worker->CatchUp(stop_).ok());
  const auto found = Misbehaviours();
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].severity(), "warning");
  EXPECT_EQ(Json::parse(found[0].evidence())["kind"], "stale");
  Grow(1);  // A fresh head: no new finding, and its entries are read.
  EXPECT_TRUE(worker->CatchUp(stop_).ok());
  EXPECT_EQ(Misbehaviours().size(), 1u);
  EXPECT_EQ(State().verified_size(), 6u);
}

TEST_F(LogWorkerAuditTest, AHeadSeenBeforeTheTreeReachedItIsAuditedOnceItDoesAcrossARestart) {
  Grow(2);
  {
    auto worker = Worker();
    ASSERT_TRUE(worker->CatchUp(stop_).ok());
  }
  // A correctly signed head of size 6 that no honest tree has, kept pending as if it had been
  // seen (and provisionally accepted) while the verified tree was 4.
  auto forged = log_->SignTreeHead(6, log_->LatestSth().timestamp_ms + 1, log_->RootAt(4));
  ASSERT_TRUE(forged.ok());
  store::TreeHeadRecord pending;
  pending.set_log_id(LogId());
  pending.set_tree_size(6);
  pending.set_root_hash(std::string(forged->root_hash.begin(), forged->root_hash.end()));
  pending.set_timestamp_ms(forged->timestamp_ms);
  pending.set_signature(std::string(forged->signature.begin(), forged->signature.end()));
  pending.set_audit("pending");
  ASSERT_TRUE(store_->logs().PutTreeHead(pending).ok());
  Grow(3);  // The honest log reaches 10; the worker verifies it and then audits the head of 6.
  auto worker = Worker();
  EXPECT_TRUE(worker->CatchUp(stop_).ok());
  const Json evidence = OnlyEvidence();
  EXPECT_EQ(evidence["kind"], "inconsistent");
  EXPECT_EQ(evidence["head"]["tree_size"], 6);
  EXPECT_EQ(evidence["against"]["tree_size"], 10);
  auto stored = store_->logs().GetTreeHead(LogId(), 6, pending.root_hash());
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ((*stored)->audit(), "misbehaviour");
}

// static-ct-api through the same worker: start positions from the hash tiles, a forked
// checkpoint with the note as evidence.
class TiledLogWorkerTest : public LogWorkerAuditTest {
 protected:
  static constexpr char kMonitoringUrl[] = "https://mon.tiled.caawatch.test/log/";
  std::unique_ptr<LogWorker> TiledWorker(LogWorkerOptions options = {}) {
    return std::make_unique<LogWorker>(
        tiled_.Info(kMonitoringUrl),
        std::make_unique<fakes::DirectoryFetcher>(kMonitoringUrl, tiled_.dir()), Deps(), options);
  }
  std::string TiledId() {
    return std::string(tiled_.log().log_id().begin(), tiled_.log().log_id().end());
  }
  store::LogStateRecord TiledState() {
    auto state = store_->logs().LoadState(TiledId());
    EXPECT_TRUE(state.ok() && state->has_value());
    return state.ok() && state->has_value() ? **state : store::LogStateRecord();
  }
  ::caawatch::testing::StaticCtTestLog tiled_;
};

TEST_F(TiledLogWorkerTest, StartAtEndBeginsAtTheCheckpointAndReadsOnlyWhatFollows) {
  tiled_.Grow(150);
  tiled_.Publish();
  LogWorkerOptions options;
  options.start_at.kind = StartAt::Kind::kEnd;
  auto worker = TiledWorker(options);
  ASSERT_TRUE(worker->CatchUp(stop_).ok());
  EXPECT_EQ(TiledState().position(), 300u);
  tiled_.Grow(5);
  tiled_.Publish();
  ASSERT_TRUE(worker->CatchUp(stop_).ok());
  EXPECT_EQ(TiledState().verified_size(), 310u);
}

TEST_F(TiledLogWorkerTest, StartAtAnIndexBeginsThereAndVerifiesTheRest) {
  tiled_.Grow(150);
  tiled_.Publish();
  LogWorkerOptions options;
  options.start_at.kind = StartAt::Kind::kIndex;
  options.start_at.index = 123;
  auto worker = TiledWorker(options);
  ASSERT_TRUE(worker->CatchUp(stop_).ok());
  EXPECT_EQ(TiledState().verified_size(), 300u);
  EXPECT_TRUE(Misbehaviours().empty());
}

TEST_F(TiledLogWorkerTest, AForkedCheckpointIsOneFindingCarryingTheNoteAsServed) {
  tiled_.Grow(150);
  tiled_.Publish();
  auto worker = TiledWorker();
  ASSERT_TRUE(worker->CatchUp(stop_).ok());
  auto forked = tiled_.log().SignTreeHead(300, tiled_.log().LatestSth().timestamp_ms,
                                          tiled_.log().RootAt(299));
  ASSERT_TRUE(forked.ok());
  fakes::StaticCtFilesOptions options;
  options.origin = "tiled.caawatch.test/log";
  std::ofstream(tiled_.dir() + "/checkpoint", std::ios::trunc)
      << fakes::SignedCheckpointNote(tiled_.log(), *forked, options);
  EXPECT_EQ(worker->CatchUp(stop_).code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(worker->CatchUp(stop_).code(), absl::StatusCode::kDataLoss);
  const Json evidence = OnlyEvidence();
  EXPECT_EQ(evidence["kind"], "fork");
  EXPECT_NE(evidence["checkpoint"].get<std::string>().find("\n300\n"), std::string::npos);
  EXPECT_NE(evidence["against"]["checkpoint"].get<std::string>().find("\n300\n"),
            std::string::npos);
}

// Witnesses (issue 21): the cosignatures on a tiled log's checkpoints, checked against three
// configured witnesses with a quorum of two.
class WitnessedLogWorkerTest : public TiledLogWorkerTest {
 protected:
  LogWorkerOptions Options(uint32_t quorum) {
    LogWorkerOptions options;
    for (const fakes::TestWitness* w : {&w1_, &w2_, &w3_}) {
      ctlog::Witness witness;
      witness.vkey = w->vkey();
      auto cosigner = ctlog::ParseCosignerVkey(witness.vkey);
      EXPECT_TRUE(cosigner.ok()) << cosigner.status();
      if (cosigner.ok()) witness.cosigner = *cosigner;
      options.witnesses.witnesses.push_back(witness);
    }
    options.witnesses.quorum = quorum;
    return options;
  }
  // Publishes the log and serves its checkpoint with the lines `cosign` returns for its note.
  template <typename F>
  void PublishCosigned(F cosign) {
    tiled_.Publish();
    std::ifstream in(tiled_.dir() + "/checkpoint");
    const std::string note((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::ofstream(tiled_.dir() + "/checkpoint", std::ios::trunc)
        << fakes::WithSignatureLines(note, cosign(note));
  }
  uint64_t VerifiedSize() {
    auto state = store_->logs().LoadState(TiledId());
    return state.ok() && state->has_value() ? (*state)->verified_size() : 0;
  }
  std::string WaitingForWitnesses() {
    auto health = store_->logs().ListHealth();
    EXPECT_TRUE(health.ok() && health->size() == 1u);
    return health.ok() && health->size() == 1u ? (*health)[0].waiting_for_witnesses() : "";
  }

  fakes::TestWitness w1_{"w1.caawatch.test", 1};
  fakes::TestWitness w2_{"w2.caawatch.test", 2};
  fakes::TestWitness w3_{"w3.caawatch.test", 3};
};

TEST_F(WitnessedLogWorkerTest, AHeadWaitsForItsQuorumAndCountsOnceTwoWitnessesCosignedIt) {
  tiled_.Grow(150);
  PublishCosigned([&](const std::string& note) { return w1_.Cosign(note, clock_.Now()); });
  auto worker = TiledWorker(Options(/*quorum=*/2));
  ASSERT_TRUE(worker->CatchUp(stop_).ok());
  EXPECT_EQ(VerifiedSize(), 0u) << "one cosignature of two: the head waits";
  EXPECT_EQ(WaitingForWitnesses(),
            "tree size 300 has 1 of the 2 witness cosignatures required (w1.caawatch.test)");

  // The log serves the same checkpoint again, now cosigned by a second witness.
  PublishCosigned([&](const std::string& note) {
    return w1_.Cosign(note, clock_.Now()) + w2_.Cosign(note, clock_.Now());
  });
  ASSERT_TRUE(worker->CatchUp(stop_).ok());
  EXPECT_EQ(VerifiedSize(), 300u);
  EXPECT_EQ(WaitingForWitnesses(), "");
  auto heads = store_->logs().ListTreeHeads(TiledId());
  ASSERT_TRUE(heads.ok() && heads->size() == 1u);
  const store::TreeHeadRecord& head = (*heads)[0];
  ASSERT_EQ(head.cosignatures_size(), 2) << head.DebugString();
  EXPECT_EQ(head.cosignatures(0).witness(), "w1.caawatch.test");
  EXPECT_EQ(head.cosignatures(1).witness(), "w2.caawatch.test");
  EXPECT_EQ(head.cosignatures(0).signed_ms(), absl::ToUnixSeconds(clock_.Now()) * 1000);
  EXPECT_EQ(head.cosignatures(1).line(), w2_.Cosign(head.checkpoint_note(), clock_.Now())
                                             .substr(0, head.cosignatures(1).line().size()));
  EXPECT_TRUE(Misbehaviours().empty());
}

TEST_F(WitnessedLogWorkerTest, WithoutAQuorumCosignaturesAreRecordedAndNothingWaits) {
  tiled_.Grow(150);
  PublishCosigned([&](const std::string& note) { return w3_.Cosign(note, clock_.Now()); });
  auto worker = TiledWorker(Options(/*quorum=*/0));
  ASSERT_TRUE(worker->CatchUp(stop_).ok());
  EXPECT_EQ(VerifiedSize(), 300u);
  auto heads = store_->logs().ListTreeHeads(TiledId());
  ASSERT_TRUE(heads.ok() && heads->size() == 1u);
  ASSERT_EQ((*heads)[0].cosignatures_size(), 1);
  EXPECT_EQ((*heads)[0].cosignatures(0).witness(), "w3.caawatch.test");
}

TEST_F(WitnessedLogWorkerTest, AForgedCosignatureIsOneWarningAndIsNotCounted) {
  tiled_.Grow(150);
  // Two lines of the right names and key IDs, one of them forged: one valid cosignature.
  PublishCosigned([&](const std::string& note) {
    return w1_.Cosign(note, clock_.Now()) + w3_.Forge(note, clock_.Now());
  });
  auto worker = TiledWorker(Options(/*quorum=*/2));
  ASSERT_TRUE(worker->CatchUp(stop_).ok());
  ASSERT_TRUE(worker->CatchUp(stop_).ok());  // Seen again: the same event.
  EXPECT_EQ(VerifiedSize(), 0u) << "the forged cosignature must not make the quorum";
  const auto found = Misbehaviours();
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].severity(), "warning");
  const Json evidence = Json::parse(found[0].evidence());
  EXPECT_EQ(evidence["kind"], "bad_cosignature");
  EXPECT_EQ(evidence["witness"], "w3.caawatch.test");
  EXPECT_NE(evidence["checkpoint"].get<std::string>().find(
                w3_.Forge(evidence["checkpoint"].get<std::string>(), clock_.Now())),
            std::string::npos)
      << "the note as served, forged line included";
  // The head itself is fine: its record is not marked as misbehaviour.
  auto heads = store_->logs().ListTreeHeads(TiledId());
  ASSERT_TRUE(heads.ok() && heads->size() == 1u);
  EXPECT_NE((*heads)[0].audit(), "misbehaviour");
}

TEST_F(WitnessedLogWorkerTest, AWitnessShownAnotherTreeIsASplitViewALaggingOneIsNot) {
  tiled_.Grow(100);
  tiled_.Publish();
  std::ifstream in(tiled_.dir() + "/checkpoint");
  const std::string early((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  tiled_.Grow(50);
  tiled_.Publish();
  // w1 holds the log's own earlier checkpoint (size 200); w2 one of size 300 with another root.
  auto forked = tiled_.log().SignTreeHead(300, tiled_.log().LatestSth().timestamp_ms,
                                          tiled_.log().RootAt(299));
  ASSERT_TRUE(forked.ok());
  fakes::StaticCtFilesOptions files;
  files.origin = "tiled.caawatch.test/log";
  const std::string fork = fakes::SignedCheckpointNote(tiled_.log(), *forked, files);
  for (const auto& [witness, note] : {std::pair{&w1_, early}, std::pair{&w2_, fork}}) {
    const std::string path =
        tiled_.dir() + "/" + witness->name() + "/" + fakes::WitnessCheckpointPath(files.origin);
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    std::ofstream(path) << note << witness->Cosign(note, clock_.Now());
  }
  LogWorkerOptions options = Options(/*quorum=*/0);
  options.witnesses.witnesses[0].monitoring_url = std::string(kMonitoringUrl) + "w1.caawatch.test/";
  options.witnesses.witnesses[1].monitoring_url = std::string(kMonitoringUrl) + "w2.caawatch.test/";
  options.witness_check_interval = absl::Minutes(1);
  auto worker = TiledWorker(options);
  ASSERT_TRUE(worker->CatchUp(stop_).ok()) << "a split view is recorded; tailing goes on";
  EXPECT_EQ(VerifiedSize(), 300u);
  const Json evidence = OnlyEvidence();
  EXPECT_EQ(evidence["kind"], "fork");
  EXPECT_EQ(evidence["witness"], "w2.caawatch.test");
  EXPECT_NE(evidence["checkpoint"].get<std::string>().find("\n300\n"), std::string::npos);
  auto views = store_->logs().ListWitnessViews();
  ASSERT_TRUE(views.ok() && views->size() == 2u);
  EXPECT_EQ((*views)[0].witness(), "w1.caawatch.test");
  EXPECT_EQ((*views)[0].state(), "lagging");
  EXPECT_EQ((*views)[0].tree_size(), 200u);
  EXPECT_EQ((*views)[1].state(), "inconsistent");
  // Within the interval nobody is asked again; after it, the same split view is no new finding.
  clock_.Advance(absl::Minutes(2));
  ASSERT_TRUE(worker->CatchUp(stop_).ok());
  EXPECT_EQ(Misbehaviours().size(), 1u);
}

// --start-at TIME through the worker on both kinds of log, with timestamps that repeat (a
// precert and its certificate) and go backwards (every fourth pair 5 s before its predecessor):
// it starts at the boundary, says how it found it, and a log with a stored position ignores it.
absl::Duration OutOfOrderOffset(int k) { return absl::Seconds(10 * k - (k % 4 == 3 ? 15 : 0)); }

TEST_F(LogWorkerAuditTest, StartAtATimeBeginsAtTheFirstEntryLoggedThenAndSaysSo) {
  const absl::Time base = clock_.Now();
  for (int k = 0; k < 40; ++k) {
    clock_.Set(base + OutOfOrderOffset(k));
    Grow(1);
  }
  LogWorkerOptions options;
  options.start_at.kind = StartAt::Kind::kTime;
  options.start_at.time = base + absl::Seconds(201);  // Pair 20 is at 200 s, pair 21 at 210 s.
  Logger info(LogLevel::kInfo);
  LogWorkerDeps deps = Deps();
  deps.logger = &info;
  auto logs = ctlog::ParseLogList(server_->LogListJson());
  ASSERT_TRUE(logs.ok());
  auto fetcher = ctlog::CurlHttpFetcher::Create();
  ASSERT_TRUE(fetcher.ok());
  ::testing::internal::CaptureStderr();
  {
    LogWorker worker((*logs)[0], std::move(*fetcher), deps, options);
    const absl::Status caught_up = worker.CatchUp(stop_);
    EXPECT_TRUE(caught_up.ok()) << caught_up;
    EXPECT_EQ(worker.position() - worker.entries_read(), 42u);
    EXPECT_EQ(worker.position(), 80u);
    EXPECT_TRUE(Misbehaviours().empty());  // The edge from get-proof-by-hash was right.
  }
  auto again = ctlog::CurlHttpFetcher::Create();
  ASSERT_TRUE(again.ok());
  options.start_at.time = base;  // A restart resumes where it was instead.
  LogWorker restarted((*logs)[0], std::move(*again), deps, options);
  EXPECT_TRUE(restarted.CatchUp(stop_).ok());
  EXPECT_EQ(restarted.entries_read(), 0u);
  const std::string logged = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(logged.find("starting at entry 42: the first entry logged at or after "
                        "2026-09-21T14:16:41.000Z, found in 7 get-entries requests"),
            std::string::npos)
      << logged;
  EXPECT_NE(logged.find("resuming at entry 80 (verified tree size 80); start_at ignored: the log "
                        "has a stored position"),
            std::string::npos)
      << logged;
}

TEST_F(TiledLogWorkerTest, StartAtATimeBisectsTheDataTilesAndVerifiesFromThere) {
  const absl::Time base = tiled_.clock().Now();
  for (int k = 0; k < 400; ++k) {  // 800 entries: data tiles 000-002 and 003.p/32.
    tiled_.clock().Set(base + OutOfOrderOffset(k));
    tiled_.Grow(1);
  }
  tiled_.Publish();
  LogWorkerOptions options;
  options.start_at.kind = StartAt::Kind::kTime;
  options.start_at.time = base + absl::Seconds(2555);  // Pair 256 (entry 512) is at 2560 s.
  auto fetcher = std::make_unique<fakes::DirectoryFetcher>(kMonitoringUrl, tiled_.dir());
  fakes::DirectoryFetcher* requests = fetcher.get();
  Logger info(LogLevel::kInfo);
  LogWorkerDeps deps = Deps();
  deps.logger = &info;
  ::testing::internal::CaptureStderr();
  LogWorker worker(tiled_.Info(kMonitoringUrl), std::move(fetcher), deps, options);
  const absl::Status caught_up = worker.CatchUp(stop_);
  const std::string logged = ::testing::internal::GetCapturedStderr();
  ASSERT_TRUE(caught_up.ok()) << caught_up;
  EXPECT_EQ(worker.position() - worker.entries_read(), 512u);
  EXPECT_EQ(TiledState().verified_size(), 800u);
  EXPECT_TRUE(Misbehaviours().empty());
  // Tiles 0 and 1 hold only entries before the start: the bisection read at most one of them,
  // and tailing none.
  EXPECT_LE(requests->requests("tile/data/000") + requests->requests("tile/data/001"), 1);
  const size_t at = logged.find("starting at entry 512: the first entry logged at or after ");
  ASSERT_NE(at, std::string::npos) << logged;
  EXPECT_NE(logged.find(" data tiles", at), std::string::npos) << logged;
}

}  // namespace
}  // namespace caawatch::tail
