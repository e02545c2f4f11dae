#include "judge/gossip_fork.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "ctlog/sha256.h"
#include "nlohmann/json.hpp"
#include "store/finding_kind.h"
#include "store/verdict.h"

namespace caawatch::judge {
namespace {

std::string Bytes(const ctlog::Sha256Hash& h) { return std::string(h.begin(), h.end()); }

}  // namespace

std::string GossipForkEvidence(const GossipFork& fork, absl::string_view peer) {
  nlohmann::json j = nlohmann::json::parse(ctlog::MisbehaviourJson(fork.misbehaviour));
  if (!fork.our_note.empty() && j.contains("against")) j["against"]["checkpoint"] = fork.our_note;
  j["log_url"] = fork.log.url;
  j["log_id"] = absl::Base64Escape(Bytes(fork.log.log_id));
  j["log"] = fork.log.description;
  j["peer"] = std::string(peer);
  j["error"] = fork.misbehaviour.message;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

absl::StatusOr<bool> RecordGossipFork(store::Store* store, AlertHub* alerts, const GossipFork& fork,
                                      absl::string_view peer, absl::Time now) {
  // The tailer's key (tail/log_worker.cc): the log and the event, not who saw it or when.
  const std::string key =
      absl::StrCat(Bytes(fork.log.log_id), ctlog::MisbehaviourDedupeKey(fork.misbehaviour));
  store::FindingRecord f;
  store::SetKind(store::FindingKind::kLogMisbehaviour, &f);
  f.set_verdict(store::VerdictName(store::Verdict::kLogMisbehaviour));
  f.set_severity(store::SeverityName(store::Severity::kCritical));
  f.set_reason(absl::StrCat(fork.log.description, ": ", fork.misbehaviour.message));
  f.set_recorded_ms(absl::ToUnixMillis(now));
  f.set_misbehaviour_key(Bytes(ctlog::Sha256(key)));
  f.set_evidence(GossipForkEvidence(fork, peer));
  store::CommitRequest request;
  request.findings.push_back(std::move(f));
  CAAWATCH_ASSIGN_OR_RETURN(store::CommitResult result,
                            store->findings().Commit(std::move(request)));
  if (result.created.empty()) return false;
  if (alerts != nullptr) alerts->Publish(result.created.back().seq());
  return true;
}

}  // namespace caawatch::judge
