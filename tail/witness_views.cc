#include "tail/witness_views.h"

#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "ctlog/checkpoint.h"
#include "ctlog/cosignature.h"
#include "ctlog/log_key.h"
#include "ctlog/misbehaviour.h"

namespace caawatch::tail {
namespace {

std::string Bytes(const ctlog::Sha256Hash& h) { return std::string(h.begin(), h.end()); }

// The origin line of the log's checkpoints: a tiled log's submission prefix, else (an RFC 6962
// log's STH as a note, README "Heads as signed notes") its URL.
std::string OriginOf(const ctlog::LogInfo& log) {
  return ctlog::CheckpointOrigin(log.submission_url.empty() ? log.url : log.submission_url);
}

}  // namespace

WitnessViews::WitnessViews(ctlog::WitnessPolicy policy, ctlog::LogInfo log,
                           ctlog::HttpFetcher* fetcher, store::Logs* logs, const Clock* clock,
                           absl::Duration interval)
    : policy_(std::move(policy)),
      log_(std::move(log)),
      log_id_(Bytes(log_.log_id)),
      origin_(OriginOf(log_)),
      logs_(logs),
      clock_(clock),
      interval_(interval),
      client_(fetcher) {
  for (const ctlog::Witness& w : policy_.witnesses) asked_ += w.monitoring_url.empty() ? 0 : 1;
}

absl::StatusOr<std::vector<absl::Status>> WitnessViews::CheckIfDue(ctlog::LogTailer* tailer) {
  std::vector<absl::Status> split;
  const absl::Time now = clock_->Now();
  if (asked_ == 0 || now - last_round_ < interval_) return split;
  last_round_ = now;
  for (const ctlog::Witness& witness : policy_.witnesses) {
    if (witness.monitoring_url.empty()) continue;
    CAAWATCH_ASSIGN_OR_RETURN(std::optional<store::WitnessViewRecord> before,
                              logs_->GetWitnessView(log_id_, witness.cosigner.name));
    store::WitnessViewRecord view = before ? *std::move(before) : store::WitnessViewRecord();
    view.set_log_id(log_id_);
    view.set_log_url(log_.url);
    view.set_log_description(log_.description);
    view.set_witness(witness.cosigner.name);
    view.set_url(ctlog::WitnessCheckpointUrl(witness.monitoring_url, origin_));
    view.set_checked_ms(absl::ToUnixMillis(now));
    view.set_verified_size(tailer->state().verified_size);
    const absl::Status found = Check(witness, tailer, &view);
    CAAWATCH_RETURN_IF_ERROR(logs_->PutWitnessView(view));
    if (!found.ok()) split.push_back(found);
  }
  return split;
}

absl::Status WitnessViews::Check(const ctlog::Witness& witness, ctlog::LogTailer* tailer,
                                 store::WitnessViewRecord* view) {
  const std::string previous_state = view->state();
  const uint64_t previous_size = view->tree_size();
  const std::string previous_root = view->root_hash();
  auto status_only = [&](absl::string_view state, absl::string_view error) {
    view->set_state(std::string(state));
    view->set_error(std::string(error));
    return absl::OkStatus();
  };
  absl::StatusOr<std::string> note = client_.LatestCheckpoint(witness.monitoring_url, origin_);
  if (absl::IsNotFound(note.status())) return status_only("not_witnessed", note.status().message());
  if (!note.ok()) return status_only("unreachable", note.status().message());
  absl::StatusOr<ctlog::LogKey> key = ctlog::LogKey::FromDer(log_.key_der);
  if (!key.ok()) return status_only("invalid", key.status().message());
  absl::StatusOr<ctlog::VerifiedCheckpoint> checkpoint =
      ctlog::VerifyCheckpoint(*note, *key, origin_);
  if (!checkpoint.ok()) {
    return status_only("invalid",
                       absl::StrCat("not the log's checkpoint: ", checkpoint.status().message()));
  }
  absl::StatusOr<std::vector<ctlog::CosignatureCheck>> cosigned =
      ctlog::CheckCosignatures(*note, {witness.cosigner}, clock_->Now());
  if (!cosigned.ok() || cosigned->empty() ||
      (*cosigned)[0].state != ctlog::CosignatureCheck::State::kValid) {
    return status_only(
        "invalid", absl::StrCat("the checkpoint does not carry the witness's valid cosignature",
                                cosigned.ok() && !cosigned->empty() && !(*cosigned)[0].why.empty()
                                    ? absl::StrCat(": ", (*cosigned)[0].why)
                                    : ""));
  }
  const ctlog::SignedTreeHead& head = checkpoint->sth;
  view->set_tree_size(head.tree_size);
  view->set_root_hash(Bytes(head.root_hash));
  view->set_last_success_ms(view->checked_ms());
  if (previous_state == "inconsistent" && previous_size == head.tree_size &&
      previous_root == Bytes(head.root_hash)) {
    return absl::OkStatus();  // Found before: its finding holds the evidence.
  }
  const uint64_t verified = tailer->state().verified_size;
  if (verified == 0) return status_only("not_checked", "nothing verified yet to compare with");
  const absl::Status audited = tailer->Audit(head);
  if (audited.ok()) {
    return status_only(head.tree_size < verified ? "lagging" : "consistent", "");
  }
  std::optional<ctlog::Misbehaviour> m = ctlog::MisbehaviourOf(audited);
  if (!m) {
    // No proof to be had yet (a witness ahead of the tiles served, a log that did not answer):
    // asked again at the next round.
    return status_only(head.tree_size > verified ? "ahead" : "unproven", audited.message());
  }
  view->set_state("inconsistent");
  view->set_error(std::string(audited.message()));
  m->witness = witness.cosigner.name;
  m->checkpoint_note = *note;
  m->message =
      absl::StrCat("split view: witness ", witness.cosigner.name,
                   " cosigned a checkpoint that contradicts the verified tree: ", m->message);
  return ctlog::MisbehaviourError(*m);
}

}  // namespace caawatch::tail
