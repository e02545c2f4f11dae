#include "tail/witness_cosignatures.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/status_macros.h"
#include "ctlog/cosignature.h"
#include "ctlog/misbehaviour.h"

namespace caawatch::tail {
namespace {

std::string Bytes(const ctlog::Sha256Hash& h) { return std::string(h.begin(), h.end()); }

std::vector<ctlog::Cosigner> Cosigners(const ctlog::WitnessPolicy& policy) {
  std::vector<ctlog::Cosigner> out;
  for (const ctlog::Witness& w : policy.witnesses) out.push_back(w.cosigner);
  return out;
}

}  // namespace

absl::StatusOr<WitnessCosignatures::Outcome> WitnessCosignatures::Check(
    const ctlog::SignedTreeHead& head, const std::string& note) {
  Outcome outcome;
  const absl::Time now = clock_->Now();
  std::vector<ctlog::CosignatureCheck> checks;
  if (!note.empty() && !policy_.witnesses.empty()) {
    absl::StatusOr<std::vector<ctlog::CosignatureCheck>> checked =
        ctlog::CheckCosignatures(note, Cosigners(policy_), now);
    // The note was verified as the log's checkpoint, so it parses; if not, it has no cosigners.
    if (checked.ok()) checks = *std::move(checked);
  }
  CAAWATCH_ASSIGN_OR_RETURN(std::optional<store::TreeHeadRecord> record,
                            logs_->GetTreeHead(log_id_, head.tree_size, Bytes(head.root_hash)));
  // Counted towards the quorum: the witnesses configured now, whichever copy they cosigned.
  std::set<std::string> configured, cosigned;
  for (const ctlog::Witness& w : policy_.witnesses) configured.insert(w.cosigner.name);
  if (record) {
    for (const store::CosignatureRecord& c : record->cosignatures()) {
      if (configured.count(c.witness())) cosigned.insert(c.witness());
    }
  }
  bool added = false;
  for (const ctlog::CosignatureCheck& check : checks) {
    if (check.state == ctlog::CosignatureCheck::State::kInvalid) {
      ctlog::Misbehaviour m;
      m.kind = ctlog::MisbehaviourKind::kBadCosignature;
      m.message =
          absl::StrCat("checkpoint of size ", head.tree_size, ": the cosignature of witness ",
                       check.cosigner, " is not valid: ", check.why);
      m.head = head;
      m.checkpoint_note = note;
      m.witness = check.cosigner;
      outcome.bad.push_back(ctlog::MisbehaviourError(m));
      continue;
    }
    if (check.state != ctlog::CosignatureCheck::State::kValid || cosigned.count(check.cosigner)) {
      continue;
    }
    if (record) {
      store::CosignatureRecord* c = record->add_cosignatures();
      c->set_witness(check.cosigner);
      c->set_signed_ms(absl::ToUnixMillis(check.signed_at));
      c->set_line(check.line);
      c->set_first_seen_ms(absl::ToUnixMillis(now));
      added = true;
    }
    cosigned.insert(check.cosigner);
  }
  // Evidence of who vouched for the tree: kept before the head is acted upon, like the head.
  if (added) CAAWATCH_RETURN_IF_ERROR(logs_->PutTreeHead(*record));
  outcome.cosigned_by.assign(cosigned.begin(), cosigned.end());
  outcome.quorum_met = cosigned.size() >= policy_.quorum;
  return outcome;
}

std::string WitnessCosignatures::WaitingText(const ctlog::SignedTreeHead& head,
                                             const Outcome& outcome) const {
  return absl::StrCat("tree size ", head.tree_size, " has ", outcome.cosigned_by.size(), " of the ",
                      policy_.quorum, " witness cosignatures required",
                      outcome.cosigned_by.empty()
                          ? std::string()
                          : absl::StrCat(" (", absl::StrJoin(outcome.cosigned_by, ", "), ")"));
}

}  // namespace caawatch::tail
