#include "tail/log_worker.h"

#include <algorithm>
#include <optional>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/status_macros.h"
#include "base/time_left.h"
#include "base/time_text.h"
#include "ctlog/http_log_client.h"
#include "ctlog/leaf.h"
#include "ctlog/log_tailer_factory.h"
#include "ctlog/misbehaviour.h"
#include "ctlog/start_state.h"
#include "ctlog/tiled_start_state.h"
#include "ctlog/time_bisect.h"
#include "nlohmann/json.hpp"
#include "store/finding_kind.h"
#include "store/verdict.h"
#include "tail/batch_prefetcher.h"
#include "tail/entry_evidence.h"
#include "tail/malformed_entry.h"

namespace caawatch::tail {
namespace {

std::string Bytes(const ctlog::Sha256Hash& h) { return std::string(h.begin(), h.end()); }

absl::StatusOr<ctlog::CollapsedTree> TreeFromRecord(
    uint64_t size, const google::protobuf::RepeatedPtrField<std::string>& nodes) {
  std::vector<ctlog::Sha256Hash> hashes;
  for (const std::string& n : nodes) {
    if (n.size() != 32) return absl::DataLossError("stored tree node is not 32 bytes");
    ctlog::Sha256Hash h;
    std::copy(n.begin(), n.end(), h.begin());
    hashes.push_back(h);
  }
  return ctlog::CollapsedTree::FromNodes(size, std::move(hashes));
}

void AddNodes(const ctlog::CollapsedTree& tree,
              google::protobuf::RepeatedPtrField<std::string>* out) {
  for (const ctlog::Sha256Hash& h : tree.nodes()) out->Add(Bytes(h));
}

}  // namespace

LogWorker::LogWorker(ctlog::LogInfo log, std::unique_ptr<ctlog::HttpFetcher> fetcher,
                     LogWorkerDeps deps, LogWorkerOptions options)
    : log_(std::move(log)),
      log_id_(Bytes(log_.log_id)),
      fetcher_(std::move(fetcher)),
      deps_(deps),
      options_(options),
      ledger_(log_id_, &deps.store->logs(), deps.clock),
      issuer_certificates_(&deps.store->findings()),
      health_(log_, deps.store, deps.clock, options.stale_after) {
  if (!options_.witnesses.empty()) {
    cosignatures_.emplace(options_.witnesses, log_id_, &deps.store->logs(), deps.clock);
  }
  if (deps_.pacing_clock != nullptr) {
    uint64_t seed = 0;
    for (int i = 0; i < 8; ++i) seed = (seed << 8) | log_.log_id[i];
    auto paced = std::make_unique<PacedFetcher>(std::move(fetcher_), options_.pacing,
                                                deps_.pacing_clock, seed);
    paced->set_error_counts(&fetch_errors_);
    fetcher_ = std::move(paced);
  }
  if (!options_.witnesses.empty()) {
    views_.emplace(options_.witnesses, log_, fetcher_.get(), &deps.store->logs(), deps.clock,
                   options_.witness_check_interval);
    if (views_->empty()) views_.reset();
  }
}

std::string LogWorker::RateLimitText() const {
  const double limit = options_.pacing.max_requests_per_second;
  if (deps_.pacing_clock == nullptr || limit <= 0) return "unlimited";
  return absl::StrFormat("%g", limit);
}

void LogWorker::LogProgress(uint64_t position, uint64_t target_size) {
  constexpr absl::Duration kProgressInterval = absl::Seconds(5);
  const absl::Time now = deps_.clock->Now();
  if (position >= target_size) {  // Caught up: the next catch-up starts a new baseline.
    progress_at_ = absl::InfinitePast();
    health_.SetRate(0);
    return;
  }
  if (progress_at_ == absl::InfinitePast()) {  // The first batch of a catch-up: the baseline.
    progress_at_ = now;
    progress_position_ = position;
    return;
  }
  if (now - progress_at_ < kProgressInterval) return;
  const double rate = static_cast<double>(position - progress_position_) /
                      absl::ToDoubleSeconds(now - progress_at_);
  Log(LogLevel::kInfo,
      absl::StrFormat("catching up: entry %d of %d, %.0f entries/s, %s, at most %s "
                      "requests/s",
                      position, target_size, rate, TimeLeftText(target_size - position, rate),
                      RateLimitText()));
  health_.SetRate(rate);
  progress_at_ = now;
  progress_position_ = position;
}

void LogWorker::Log(LogLevel level, absl::string_view message) const {
  if (deps_.logger != nullptr) deps_.logger->Log(level, log_.description, message);
}

// The stored position, or where --start-at says a log seen for the first time begins.
absl::StatusOr<ctlog::TailerState> LogWorker::StartState() {
  ctlog::TailerState state;
  CAAWATCH_ASSIGN_OR_RETURN(std::optional<store::LogStateRecord> stored,
                            deps_.store->logs().LoadState(log_id_));
  if (stored) {
    state.position = stored->position();
    CAAWATCH_ASSIGN_OR_RETURN(state.tree, TreeFromRecord(stored->position(), stored->tree_nodes()));
    state.verified_size = stored->verified_size();
    if (stored->verified_root().size() == 32) {
      std::copy(stored->verified_root().begin(), stored->verified_root().end(),
                state.verified_root.begin());
    }
    CAAWATCH_ASSIGN_OR_RETURN(state.verified_tree, TreeFromRecord(stored->verified_size(),
                                                                  stored->verified_tree_nodes()));
    state.verified_timestamp_ms = static_cast<uint64_t>(stored->verified_sth_timestamp_ms());
    Log(LogLevel::kInfo, absl::StrCat("resuming at entry ", state.position, " (verified tree size ",
                                      state.verified_size, ")",
                                      options_.start_at.kind == StartAt::Kind::kBeginning
                                          ? ""
                                          : "; start_at ignored: the log has a stored position"));
    return state;
  }
  if (options_.start_at.kind == StartAt::Kind::kBeginning) {
    Log(LogLevel::kInfo, "starting at entry 0 (no stored position; start_at beginning)");
    return state;
  }
  std::string found;  // How a start time became a position, for the log line.
  uint64_t index = options_.start_at.index;
  if (options_.start_at.kind == StartAt::Kind::kTime) {
    const int64_t ms = absl::ToUnixMillis(options_.start_at.time);
    CAAWATCH_ASSIGN_OR_RETURN(
        const ctlog::TimeBoundary boundary,
        ctlog::FindLogTimeBoundary(log_, fetcher_.get(),
                                   static_cast<uint64_t>(std::max<int64_t>(ms, 0))));
    index = boundary.position;
    found = absl::StrCat(
        ": the first entry logged at or after ", FormatRfc3339Millis(options_.start_at.time),
        ", found in ", boundary.requests,
        log_.kind == ctlog::LogKind::kStaticCtApi ? " data tiles" : " get-entries requests");
  }
  if (log_.kind == ctlog::LogKind::kStaticCtApi) {
    // The edge comes from the hash tiles, proven against the checkpoint.
    std::optional<uint64_t> position;
    if (options_.start_at.kind != StartAt::Kind::kEnd) position = index;
    CAAWATCH_ASSIGN_OR_RETURN(state, ctlog::TiledStartStateAt(log_, fetcher_.get(), position));
    Log(LogLevel::kInfo, absl::StrCat("starting at entry ", state.position, found));
    return state;
  }
  ctlog::HttpLogClient client(fetcher_.get(), log_.url);
  uint64_t position = index;
  if (options_.start_at.kind == StartAt::Kind::kEnd) {
    CAAWATCH_ASSIGN_OR_RETURN(ctlog::SignedTreeHead sth, client.GetSth());
    position = sth.tree_size;
  }
  CAAWATCH_ASSIGN_OR_RETURN(state, ctlog::StartStateAt(client, position));
  Log(LogLevel::kInfo, absl::StrCat("starting at entry ", position, found));
  return state;
}

absl::Status LogWorker::EnsureStarted() {
  if (tailer_ != nullptr) return absl::OkStatus();
  CAAWATCH_ASSIGN_OR_RETURN(ctlog::TailerState state, StartState());
  CAAWATCH_RETURN_IF_ERROR(ledger_.Load());
  ctlog::LogTailerOptions tailer_options;
  tailer_options.max_batch = options_.batch_size;
  tailer_options.tiled.issuer_store = &issuer_certificates_;
  const bool skipped = state.position > 0;
  if (!started_once_) {
    started_once_ = true;
    first_position_ = state.position;
    committed_position_ = state.position;
  }
  CAAWATCH_ASSIGN_OR_RETURN(
      tailer_, ctlog::CreateLogTailer(log_, fetcher_.get(), tailer_options, std::move(state)));
  CAAWATCH_ASSIGN_OR_RETURN(const std::optional<store::LogStateRecord> stored,
                            deps_.store->logs().LoadState(log_id_));
  if (skipped && !stored) {
    // A start position chosen by --start-at is kept at once: a restart before the next entry
    // must resume there, not at a later end (which would skip what was logged meanwhile).
    store::CommitRequest request;
    request.log_state = StateRecord(tailer_->state(), nullptr);
    absl::StatusOr<store::CommitResult> committed =
        deps_.store->findings().Commit(std::move(request));
    if (!committed.ok()) {
      tailer_.reset();
      return committed.status();
    }
  }
  return absl::OkStatus();
}

store::LogStateRecord LogWorker::StateRecord(const ctlog::TailerState& s,
                                             const ctlog::SignedTreeHead* sth) const {
  store::LogStateRecord r;
  r.set_log_id(log_id_);
  r.set_url(log_.url);
  r.set_description(log_.description);
  r.set_position(s.position);
  AddNodes(s.tree, r.mutable_tree_nodes());
  r.set_verified_size(s.verified_size);
  r.set_verified_root(Bytes(s.verified_root));
  r.set_verified_sth_timestamp_ms(static_cast<int64_t>(s.verified_timestamp_ms));
  AddNodes(s.verified_tree, r.mutable_verified_tree_nodes());
  if (sth != nullptr) {
    r.set_tree_size(sth->tree_size);
    r.set_latest_sth_timestamp_ms(static_cast<int64_t>(sth->timestamp_ms));
    r.set_latest_sth_root(Bytes(sth->root_hash));
    r.set_latest_sth_signature(std::string(sth->signature.begin(), sth->signature.end()));
  }
  r.set_last_error(last_error_);
  r.set_updated_ms(absl::ToUnixMillis(deps_.clock->Now()));
  return r;
}

// The finding for a kDataLoss status: with ctlog::Misbehaviour evidence when the status carries
// it (keyed by the event, so it is alerted once), else keyed by the message.
absl::Status LogWorker::RecordMisbehaviour(const absl::Status& evidence,
                                           const nlohmann::json& unproven,
                                           const ctlog::TailerState* state) {
  const std::optional<ctlog::Misbehaviour> m = ctlog::MisbehaviourOf(evidence);
  nlohmann::json j = nlohmann::json::object();
  std::string key = absl::StrCat(log_id_, evidence.message());
  if (m) {
    // A forged cosignature line accuses neither the head nor the tree: its record stays as it is.
    if (m->kind != ctlog::MisbehaviourKind::kBadCosignature) {
      CAAWATCH_RETURN_IF_ERROR(ledger_.Reject(*m));
    }
    j = nlohmann::json::parse(ctlog::MisbehaviourJson(*m));
    key = absl::StrCat(log_id_, ctlog::MisbehaviourDedupeKey(*m));
    if (m->against) {
      // The verified head's own signature, from when it was served.
      CAAWATCH_ASSIGN_OR_RETURN(std::optional<store::TreeHeadRecord> stored,
                                ledger_.Find(m->against->tree_size, m->against->root_hash));
      if (stored) {
        j["against"]["timestamp"] = stored->timestamp_ms();
        j["against"]["tree_head_signature"] = absl::Base64Escape(stored->signature());
        if (!stored->checkpoint_note().empty())
          j["against"]["checkpoint"] = stored->checkpoint_note();
      }
    }
  } else if (latest_tree_size_ > 0) {
    j["latest_sth"] = {{"tree_size", latest_sth_.tree_size},
                       {"timestamp", latest_sth_.timestamp_ms},
                       {"root_hash", absl::Base64Escape(Bytes(latest_sth_.root_hash))}};
  }
  j["log_url"] = log_.url;
  j["log_id"] = absl::Base64Escape(log_id_);
  j["log"] = log_.description;
  j["error"] = std::string(evidence.message());
  std::string reason(evidence.message());
  if (unproven.is_array() && !unproven.empty()) {
    // Watched entries among those that failed: their findings were never kept or alerted.
    j["unproven_entries"] = unproven;
    absl::StrAppend(&reason, "; ", unproven.size(),
                    " watched entries among them are not in the signed tree and were not kept");
  }
  store::FindingRecord f;
  store::SetKind(store::FindingKind::kLogMisbehaviour, &f);
  f.set_verdict(store::VerdictName(store::Verdict::kLogMisbehaviour));
  // A stale head is a broken promise of freshness, not of the tree's integrity; a cosignature
  // that does not verify is never counted, so the tree stands on the valid ones.
  f.set_severity(store::SeverityName(m && (m->kind == ctlog::MisbehaviourKind::kStale ||
                                           m->kind == ctlog::MisbehaviourKind::kBadCosignature)
                                         ? store::Severity::kWarning
                                         : store::Severity::kCritical));
  f.set_reason(reason);
  f.set_recorded_ms(absl::ToUnixMillis(deps_.clock->Now()));
  f.set_misbehaviour_key(Bytes(ctlog::Sha256(key)));
  f.set_evidence(j.dump());
  last_error_ = std::string(evidence.message());
  store::CommitRequest request;
  request.log_state = StateRecord(state != nullptr ? *state : tailer_->state(),
                                  latest_tree_size_ > 0 ? &latest_sth_ : nullptr);
  request.findings.push_back(std::move(f));
  CAAWATCH_ASSIGN_OR_RETURN(store::CommitResult result,
                            deps_.store->findings().Commit(std::move(request)));
  if (!result.created.empty()) {
    Log(LogLevel::kError, absl::StrCat("log misbehaviour: ", evidence.message()));
    deps_.alerts->Publish(result.created.back().seq());
  }
  return absl::OkStatus();
}

absl::Status LogWorker::Fail(const absl::Status& status, const nlohmann::json& unproven,
                             const ctlog::TailerState* state) {
  if (absl::IsDataLoss(status) && ctlog::MisbehaviourOf(status).has_value()) {
    CAAWATCH_RETURN_IF_ERROR(RecordMisbehaviour(status, unproven, state));
    return status;
  }
  last_error_ = std::string(status.message());
  if (absl::IsDataLoss(status)) {
    // An answer that does not parse (truncated, garbled by a proxy) proves nothing against the
    // log: only signed evidence makes a misbehaviour finding. Retried like a transport error.
    return absl::UnavailableError(absl::StrCat("malformed answer: ", status.message()));
  }
  return status;
}

// RFC 6962 §3.5 freshness, applied to the newest head the log has served.
absl::Status LogWorker::CheckAge(const ctlog::SignedTreeHead& head) {
  if (head.timestamp_ms >= newest_sth_.timestamp_ms) newest_sth_ = head;
  const absl::Status age =
      ctlog::CheckTreeHeadAge(newest_sth_, log_.mmd, deps_.clock->Now(), options_.mmd_tolerance);
  if (age.ok()) return absl::OkStatus();
  return RecordMisbehaviour(age);  // Recorded; the tree itself is fine, tailing goes on.
}

// The witnesses' cosignatures of `head` (SPEC §9): recorded, the invalid ones recorded as
// misbehaviour; false while the log's quorum is not met (the head waits, status says so).
absl::StatusOr<bool> LogWorker::CheckCosignatures(const ctlog::SignedTreeHead& head) {
  if (!cosignatures_) return true;
  CAAWATCH_ASSIGN_OR_RETURN(const WitnessCosignatures::Outcome outcome,
                            cosignatures_->Check(head, tailer_->LastCheckpointNote()));
  for (const absl::Status& bad : outcome.bad) CAAWATCH_RETURN_IF_ERROR(RecordMisbehaviour(bad));
  // Only the newest head says whether the log waits: an older copy proves nothing new.
  if (head.tree_size >= latest_tree_size_) {
    health_.SetWaitingForWitnesses(outcome.quorum_met ? ""
                                                      : cosignatures_->WaitingText(head, outcome));
  }
  return outcome.quorum_met;
}

// Heads seen while larger than the verified tree, now that it has reached them.
absl::Status LogWorker::AuditPendingHeads() {
  absl::StatusOr<std::vector<absl::Status>> found = ledger_.AuditPending(tailer_.get());
  if (!found.ok()) {
    if (absl::IsUnavailable(found.status())) {  // Audited at the next verified size.
      Log(LogLevel::kWarning, absl::StrCat("audit of earlier heads: ", found.status().message()));
      return absl::OkStatus();
    }
    return found.status();
  }
  for (const absl::Status& misbehaviour : *found) {
    CAAWATCH_RETURN_IF_ERROR(RecordMisbehaviour(misbehaviour));
  }
  return absl::OkStatus();
}

absl::Status LogWorker::JudgeBatch(const ctlog::LogTailer::Batch& batch, HeldFindings* held) {
  const std::shared_ptr<const watch::Watchlist> watchlist = deps_.watches->Current();
  const absl::Time now = deps_.clock->Now();
  struct Hit {
    ctlog::LogEntry entry;
    std::vector<judge::WatchHit> hits;
    // A malformed_cert finding, decided while classifying: it is not judged on CAA.
    std::optional<store::FindingRecord> malformed;
    const ctlog::RawEntry* raw = nullptr;  // In `batch`.
  };
  std::vector<Hit> matched;
  for (size_t i = 0; i < batch.entries.size(); ++i) {
    const uint64_t index = batch.start + i;
    // Most entries match nothing: only their names are read; the full decode (hashes, chain,
    // issuer) is for the few that do, and for the few whose damage may hide a name.
    const absl::StatusOr<ctlog::CertificateNames> names =
        ctlog::ReadLeafMatchNames(batch.entries[i].leaf_input);
    if (!names.ok()) {
      // The leaf itself is unreadable: there are no names to match, but its hash is in the tree.
      Log(LogLevel::kWarning, absl::StrCat("entry ", index, ": ", names.status().message()));
      // Its leaf hash still keys its proof of inclusion, or its evidence if unproven.
      ctlog::LogEntry unreadable;
      unreadable.index = index;
      unreadable.leaf_hash = ctlog::MerkleLeafHash(batch.entries[i].leaf_input);
      matched.push_back(
          Hit{std::move(unreadable),
              {},
              UnreadableLeafFinding(index, batch.entries[i], names.status().message(), log_, now),
              &batch.entries[i]});
      continue;
    }
    std::vector<judge::WatchHit> hits =
        judge::IssuanceEvaluator::FindHits(*watchlist, names->names());
    if (hits.empty() && names->complete()) continue;
    CAAWATCH_ASSIGN_OR_RETURN(ctlog::LogEntry entry,
                              ctlog::DecodeLogEntry(index, batch.entries[i]));
    std::optional<store::FindingRecord> malformed;
    if (hits.empty() || IsMalformedCertificate(entry)) {
      // No TBS hash to key it by, or damage that may hide a watched name: a finding of its own.
      malformed = MalformedCertFinding(entry, log_, hits, now);
    }
    matched.push_back(
        Hit{std::move(entry), std::move(hits), std::move(malformed), &batch.entries[i]});
  }
  // The CAA of every hit's names, asked all at once before the hits are judged one by one.
  std::vector<judge::IssuanceEvaluator::EntryHits> ahead;
  ahead.reserve(matched.size());
  for (const Hit& m : matched) {
    if (!m.malformed) ahead.push_back({&m.entry, &m.hits});
  }
  CAAWATCH_RETURN_IF_ERROR(deps_.evaluator->ObserveAhead(ahead));
  for (Hit& m : matched) {
    const ctlog::LogEntry& entry = m.entry;
    store::FindingRecord finding;
    if (m.malformed) {
      finding = *std::move(m.malformed);
    } else {
      CAAWATCH_ASSIGN_OR_RETURN(finding, deps_.evaluator->Evaluate(entry, log_, m.hits, now));
    }
    // The DER of what concerns a watched name only (SCHEMA.md "Retention").
    std::pair<std::string, std::string> certificate;
    if (!m.hits.empty() && !entry.certificate_der.empty()) {
      certificate = {Bytes(entry.identity.sha256),
                     std::string(entry.certificate_der.begin(), entry.certificate_der.end())};
    }
    HeldFindings::EntryEvidence evidence =
        EvidenceOf(entry, *m.raw, m.malformed.has_value(), !certificate.first.empty());
    held->Add(std::move(finding), entry.leaf_hash, std::move(certificate), std::move(evidence));
  }
  return absl::OkStatus();
}

absl::Status LogWorker::Commit(HeldFindings* held, const ctlog::TailerState& state_after,
                               const ctlog::SignedTreeHead& sth, bool sync) {
  store::CommitRequest request;
  held->MoveInto(&request);
  last_error_.clear();
  request.log_state = StateRecord(state_after, &sth);
  request.sync = sync;
  CAAWATCH_ASSIGN_OR_RETURN(store::CommitResult result,
                            deps_.store->findings().Commit(std::move(request)));
  committed_position_ = state_after.position;
  health_.Succeeded();  // Progress: a long catch-up is not a stale log.
  for (const store::FindingRecord& f : result.created) {
    // A critical finding is what the monitor exists for: ERROR, so that log filters keep it.
    const LogLevel level =
        f.severity() == store::SeverityName(store::Severity::kCritical) ? LogLevel::kError
        : f.severity() == store::SeverityName(store::Severity::kInfo)   ? LogLevel::kInfo
                                                                        : LogLevel::kWarning;
    const std::string name = f.watched_names_size() > 0 ? f.watched_names(0) : "";
    if (deps_.logger != nullptr) {
      deps_.logger->Log(
          level, log_.description,
          absl::StrCat("finding ", f.seq(), " ", f.verdict(), ": ", name, " — ", f.reason()),
          {{"seq", absl::StrCat(f.seq())},
           {"verdict", f.verdict()},
           {"severity", f.severity()},
           {"name", name}});
    }
  }
  if (!result.created.empty()) deps_.alerts->Publish(result.created.back().seq());
  return absl::OkStatus();
}

absl::Status LogWorker::ProveAndCommit(const ctlog::TailerState& state,
                                       const ctlog::SignedTreeHead& target, HeldFindings* held) {
  CAAWATCH_ASSIGN_OR_RETURN(const std::vector<ctlog::Sha256Hash> proof,
                            tailer_->ConsistencyProof(state.position, target.tree_size));
  const ctlog::Sha256Hash prefix_root = state.tree.Root();
  const absl::Status consistent = ctlog::VerifyConsistency(state.position, target.tree_size,
                                                           prefix_root, target.root_hash, proof);
  if (consistent.ok()) {
    held->ProvenByConsistency(target, state.tree, proof);
    return Commit(held, state, target, /*sync=*/true);
  }
  ctlog::Misbehaviour m;
  m.kind = ctlog::MisbehaviourKind::kRootMismatch;
  m.message = absl::StrCat(
      "entries [", state.verified_size, ", ", state.position,
      ") are not a prefix of the signed tree of size ", target.tree_size, ": they hash to ",
      absl::Base64Escape(Bytes(prefix_root)), " and the consistency proof to root ",
      absl::Base64Escape(Bytes(target.root_hash)), " fails (", consistent.message(), ")");
  m.head = target;
  m.computed_root = prefix_root;
  m.proof = proof;
  m.against = ctlog::VerifiedHead(state);
  return ctlog::MisbehaviourError(m);
}

absl::Status LogWorker::RootMismatch(const ctlog::SignedTreeHead& target,
                                     const PrefetchedBatch& fetched) const {
  const ctlog::TailerState& state = fetched.state_after;  // Rewound to the verified state.
  ctlog::Misbehaviour m;
  m.kind = ctlog::MisbehaviourKind::kRootMismatch;
  m.message =
      absl::StrCat("entries [", state.verified_size, ", ", target.tree_size,
                   ") do not hash to the signed root of tree size ", target.tree_size,
                   " (expected ", absl::Base64Escape(Bytes(target.root_hash)), ", computed ",
                   absl::Base64Escape(Bytes(fetched.batch.computed_root)), ")");
  m.head = target;
  m.computed_root = fetched.batch.computed_root;
  m.against = ctlog::VerifiedHead(state);
  return ctlog::MisbehaviourError(m);
}

absl::Status LogWorker::CatchUp(const absl::Notification& stop, uint64_t target_size) {
  const absl::Status status = CatchUpOnce(stop, target_size);
  if (stop.HasBeenNotified()) return status;  // A request cut short by the stop is no error.
  if (status.ok()) {
    health_.Succeeded();
  } else {
    health_.Failed(status);
  }
  return status;
}

absl::Status LogWorker::CatchUpOnce(const absl::Notification& stop, uint64_t target_size) {
  fetcher_->SetStop(&stop);
  // `stop` may not outlive this call; the fetcher is only used inside it.
  absl::Cleanup forget_stop = [this] { fetcher_->SetStop(nullptr); };
  CAAWATCH_RETURN_IF_ERROR(EnsureStarted());
  verified_size_ = tailer_->state().verified_size;
  if (finished()) return absl::OkStatus();
  absl::StatusOr<ctlog::SignedTreeHead> sth = tailer_->FetchSth();
  if (!sth.ok()) return Fail(sth.status());
  // Kept before anything is done with it (certspotter saves its STHs first, too).
  CAAWATCH_RETURN_IF_ERROR(
      ledger_.Accept(*sth, tailer_->LastCheckpointNote(), tailer_->state().verified_size));
  CAAWATCH_RETURN_IF_ERROR(CheckAge(*sth));
  CAAWATCH_ASSIGN_OR_RETURN(const bool witnessed, CheckCosignatures(*sth));
  if (witnessed && sth->tree_size >= latest_tree_size_) {  // An older, smaller copy is no target.
    latest_sth_ = *sth;
    latest_tree_size_ = sth->tree_size;
  }
  uint64_t unset = 0;
  if (finishing_) final_size_.compare_exchange_strong(unset, latest_tree_size_);
  if (finishing_ && (target_size == 0 || final_size_ < target_size)) target_size = final_size_;
  CAAWATCH_RETURN_IF_ERROR(AuditPendingHeads());
  const ctlog::SignedTreeHead target = latest_sth_;
  for (bool again = true; again;) {
    again = false;
    CAAWATCH_RETURN_IF_ERROR(TailTo(stop, target, target_size, &again));
    if (stop.HasBeenNotified()) break;
  }
  if (stop.HasBeenNotified()) return absl::OkStatus();
  return CheckWitnessViews();
}

absl::Status LogWorker::CheckWitnessViews() {
  if (!views_) return absl::OkStatus();
  CAAWATCH_RETURN_IF_ERROR(EnsureStarted());  // A pass that committed held findings let it go.
  CAAWATCH_ASSIGN_OR_RETURN(const std::vector<absl::Status> split,
                            views_->CheckIfDue(tailer_.get()));
  for (const absl::Status& s : split) CAAWATCH_RETURN_IF_ERROR(RecordMisbehaviour(s));
  return absl::OkStatus();
}

absl::Status LogWorker::TailTo(const absl::Notification& stop, const ctlog::SignedTreeHead& target,
                               uint64_t target_size, bool* again) {
  CAAWATCH_RETURN_IF_ERROR(EnsureStarted());  // Again after a pass that proved what it held.
  if (tailer_->state().position >= target.tree_size ||
      (target_size != 0 && tailer_->state().position >= target_size)) {
    return absl::OkStatus();
  }
  {
    const uint64_t from = tailer_->state().position;
    const uint64_t to =
        target_size != 0 ? std::min(target_size, target.tree_size) : target.tree_size;
    if (to - from > options_.batch_size && progress_at_ == absl::InfinitePast()) {
      Log(LogLevel::kInfo, absl::StrCat("catching up from entry ", from, " to ", to, ", at most ",
                                        RateLimitText(), " requests/s"));
    }
  }
  absl::Status fetch_error, process_error;
  bool verified = false;
  // Findings are held until their entries are proven in `target` (issue 15): by the root when
  // the tree reaches target's size, or by a consistency proof when too many are held. Nothing
  // is committed after a held batch (not even a position) before they are, so a restart reads
  // them again.
  HeldFindings held;
  ctlog::TailerState held_state;  // The state after the last batch judged while holding.
  ctlog::TailerState committed = tailer_->state();
  const uint64_t from_size = committed.verified_size;  // What a root match folds from.
  bool prove_held = false;
  nlohmann::json unproven;
  BatchPrefetcher prefetcher(tailer_.get(), target, target_size, options_.prefetch_batches, &stop);
  while (std::optional<PrefetchedBatch> next = prefetcher.Next()) {
    const PrefetchedBatch& fetched = *next;
    if (fetched.batch.verification == ctlog::LogTailer::Verification::kRootMismatch) {
      fetch_error = RootMismatch(target, fetched);
      unproven = held.TakeUnproven(fetch_error.message());
      break;
    }
    const uint64_t position = fetched.state_after.position;
    const bool last = position >= target.tree_size || (target_size != 0 && position >= target_size);
    process_error = JudgeBatch(fetched.batch, &held);
    if (!process_error.ok()) break;
    const bool batch_verified =
        fetched.batch.verification == ctlog::LogTailer::Verification::kVerified;
    if (!held.empty() && !batch_verified) {
      held_state = fetched.state_after;
      if ((held.size() >= options_.max_held_findings || held.bytes() >= options_.max_held_bytes) &&
          !last) {
        prove_held = true;
        break;
      }
      if (last) break;  // Stopped short of target (target_size): proven in a later pass.
      if (stop.HasBeenNotified()) break;
      continue;
    }
    if (batch_verified) held.ProvenByRoot(from_size, target);
    // Positions are synced at least once a second and when caught up (CommitRequest::sync):
    // one fsync per batch would cap a fast log at the disk's sync rate.
    const absl::Time now = deps_.clock->Now();
    const bool sync = last || now - last_position_sync_ >= absl::Seconds(1);
    if (sync) last_position_sync_ = now;
    process_error = Commit(&held, fetched.state_after, target, sync);
    if (!process_error.ok()) break;
    committed = fetched.state_after;
    verified_size_ = fetched.state_after.verified_size;
    LogProgress(committed.position,
                target_size != 0 ? std::min(target_size, target.tree_size) : target.tree_size);
    verified |= batch_verified;
    if (stop.HasBeenNotified()) break;
  }
  if (fetch_error.ok() && process_error.ok() && !prove_held && !stop.HasBeenNotified()) {
    fetch_error = prefetcher.error();  // Comes after every batch fetched before it.
  }
  const bool in_step = prefetcher.Finish();  // The tailer is ours again.
  if (fetch_error.ok() && process_error.ok() && (prove_held || !held.empty()) &&
      !stop.HasBeenNotified()) {
    // Too many held, or the pass ended short of target's size: one consistency proof from
    // what was read to target proves them all.
    const absl::Status proved = ProveAndCommit(held_state, target, &held);
    if (proved.ok()) {
      *again = prove_held;
    } else if (ctlog::MisbehaviourOf(proved).has_value()) {
      unproven = held.TakeUnproven(proved.message());
      const absl::Status recorded = RecordMisbehaviour(proved, unproven, &committed);
      tailer_.reset();  // It read past what is committed.
      CAAWATCH_RETURN_IF_ERROR(recorded);
      return proved;
    } else {
      fetch_error = proved;  // Not proven now (transport): read again later.
    }
    const absl::Status result =
        fetch_error.ok() ? absl::OkStatus() : Fail(fetch_error, nlohmann::json(), &committed);
    tailer_.reset();  // It read past what is committed: resume from the store.
    return result;
  }
  if (!in_step || !held.empty()) {
    // Batches fetched ahead, or held and not proven, were not committed: the tailer must resume
    // from the stored state.
    absl::Status result = process_error;
    if (result.ok() && !fetch_error.ok()) result = Fail(fetch_error, unproven, &committed);
    tailer_.reset();
    return result;
  }
  CAAWATCH_RETURN_IF_ERROR(process_error);
  if (!fetch_error.ok()) return Fail(fetch_error, unproven);
  if (verified) CAAWATCH_RETURN_IF_ERROR(AuditPendingHeads());
  return absl::OkStatus();
}

void LogWorker::Finish(uint64_t final_size) {
  final_size_ = final_size;
  finishing_ = true;
}

bool LogWorker::finished() const {
  return finishing_ && final_size_ > 0 && verified_size_ >= final_size_;
}

absl::Status LogWorker::Run(const absl::Notification& stop) {
  health_.Begin();
  absl::Duration delay = absl::ZeroDuration();
  while (!finished() && !deps_.clock->WaitForNotification(stop, deps_.clock->Now() + delay)) {
    const absl::Status status = CatchUp(stop);
    if (stop.HasBeenNotified()) break;  // A request cut short by the stop is no error.
    if (absl::IsFailedPrecondition(status)) {
      Log(LogLevel::kError, absl::StrCat("stopped tailing: ", status.message()));
      return status;
    }
    if (status.ok() || absl::IsDataLoss(status)) {
      if (!last_retry_warning_.empty() && status.ok()) Log(LogLevel::kInfo, "reachable again");
      last_retry_warning_.clear();
      delay = options_.poll_interval;
    } else {
      const absl::Duration cap =
          std::min(options_.max_backoff, options_.poll_interval * options_.max_backoff_polls);
      delay = std::min(std::max(delay * 2, options_.poll_interval), cap);
      // Once per streak of the same error: 45 unreachable logs would otherwise fill the log
      // (the supervisor sums them up, "0/45 logs reachable").
      const bool repeated = status.message() == last_retry_warning_;
      Log(repeated ? LogLevel::kDebug : LogLevel::kWarning,
          absl::StrCat(status.message(), " (retrying in ", absl::FormatDuration(delay),
                       repeated ? ")" : ", then at most every " + absl::FormatDuration(cap) + ")"));
      last_retry_warning_ = std::string(status.message());
    }
  }
  return absl::OkStatus();
}

}  // namespace caawatch::tail
