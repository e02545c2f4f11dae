#include "tail/tree_head_ledger.h"

#include <algorithm>

#include "base/status_macros.h"

namespace caawatch::tail {
namespace {

std::string Bytes(absl::Span<const uint8_t> b) { return std::string(b.begin(), b.end()); }

bool SameHead(const ctlog::SignedTreeHead& a, const ctlog::SignedTreeHead& b) {
  return a.tree_size == b.tree_size && a.root_hash == b.root_hash &&
         a.timestamp_ms == b.timestamp_ms && a.signature == b.signature;
}

}  // namespace

absl::Status TreeHeadLedger::Load() {
  CAAWATCH_ASSIGN_OR_RETURN(const std::vector<store::TreeHeadRecord> heads,
                            logs_->ListTreeHeads(log_id_));
  for (const store::TreeHeadRecord& r : heads) {
    if (r.audit() != "pending" || r.root_hash().size() != 32) continue;
    ctlog::SignedTreeHead head;
    head.tree_size = r.tree_size();
    head.timestamp_ms = r.timestamp_ms();
    std::copy(r.root_hash().begin(), r.root_hash().end(), head.root_hash.begin());
    head.signature.assign(r.signature().begin(), r.signature().end());
    pending_[{head.tree_size, head.root_hash}] = head;
    if (pending_.size() > kMaxPending) pending_.erase(pending_.begin());
  }
  return absl::OkStatus();
}

absl::Status TreeHeadLedger::Put(const ctlog::SignedTreeHead& head, const std::string& note,
                                 const std::string& audit, uint64_t against,
                                 const std::string& error) {
  const int64_t now_ms = absl::ToUnixMillis(clock_->Now());
  CAAWATCH_ASSIGN_OR_RETURN(std::optional<store::TreeHeadRecord> stored,
                            logs_->GetTreeHead(log_id_, head.tree_size, Bytes(head.root_hash)));
  store::TreeHeadRecord r;
  if (stored) {
    r = *std::move(stored);
  } else {
    r.set_log_id(log_id_);
    r.set_tree_size(head.tree_size);
    r.set_root_hash(Bytes(head.root_hash));
    r.set_timestamp_ms(head.timestamp_ms);
    r.set_signature(Bytes(head.signature));
    r.set_checkpoint_note(note);
    r.set_first_seen_ms(now_ms);
  }
  r.set_last_seen_ms(now_ms);
  r.set_latest_timestamp_ms(std::max(r.latest_timestamp_ms(), head.timestamp_ms));
  // An audit result never goes back to pending, and misbehaviour stays misbehaviour.
  if (r.audit() != "misbehaviour" && (audit != "pending" || r.audit().empty())) {
    r.set_audit(audit);
    r.set_audited_against_size(against);
    r.set_audit_error(error);
  }
  return logs_->PutTreeHead(r);
}

absl::Status TreeHeadLedger::Accept(const ctlog::SignedTreeHead& head, const std::string& note,
                                    uint64_t verified_size) {
  if (last_accepted_ && SameHead(*last_accepted_, head)) return absl::OkStatus();
  const bool pending = head.tree_size > verified_size;
  CAAWATCH_RETURN_IF_ERROR(
      Put(head, note, pending ? "pending" : "consistent", verified_size, /*error=*/""));
  last_accepted_ = head;
  if (pending) {
    pending_[{head.tree_size, head.root_hash}] = head;
    // The smallest leaves memory first; its record stays pending and Load() finds it again.
    if (pending_.size() > kMaxPending) pending_.erase(pending_.begin());
  }
  return absl::OkStatus();
}

absl::Status TreeHeadLedger::Reject(const ctlog::Misbehaviour& m) {
  pending_.erase({m.head.tree_size, m.head.root_hash});
  const uint64_t against = m.against ? m.against->tree_size : 0;
  return Put(m.head, m.checkpoint_note, "misbehaviour", against,
             ctlog::MisbehaviourKindName(m.kind));
}

absl::StatusOr<std::vector<absl::Status>> TreeHeadLedger::AuditPending(ctlog::LogTailer* tailer) {
  std::vector<absl::Status> found;
  const uint64_t verified = tailer->state().verified_size;
  while (!pending_.empty() && pending_.begin()->first.first <= verified) {
    const ctlog::SignedTreeHead head = pending_.begin()->second;
    const absl::Status audited = tailer->Audit(head);
    if (audited.ok()) {
      pending_.erase(pending_.begin());
      CAAWATCH_RETURN_IF_ERROR(Put(head, "", "consistent", verified, ""));
    } else if (std::optional<ctlog::Misbehaviour> m = ctlog::MisbehaviourOf(audited)) {
      pending_.erase(pending_.begin());
      CAAWATCH_RETURN_IF_ERROR(Reject(*m));
      found.push_back(audited);
    } else {
      return audited;  // Transient (or a malformed stored head): stays pending.
    }
  }
  return found;
}

absl::StatusOr<std::optional<store::TreeHeadRecord>> TreeHeadLedger::Find(
    uint64_t tree_size, const ctlog::Sha256Hash& root) const {
  return logs_->GetTreeHead(log_id_, tree_size, Bytes(root));
}

}  // namespace caawatch::tail
