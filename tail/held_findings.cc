#include "tail/held_findings.h"

#include <vector>

#include "absl/strings/escaping.h"

namespace caawatch::tail {
namespace {

std::string Bytes(const ctlog::Sha256Hash& h) { return std::string(h.begin(), h.end()); }

}  // namespace

void HeldFindings::Add(store::FindingRecord finding, const ctlog::Sha256Hash& leaf_hash,
                       std::pair<std::string, std::string> certificate, EntryEvidence evidence) {
  bytes_ += finding.ByteSizeLong() + certificate.first.size() + certificate.second.size();
  held_.push_back(Held{std::move(finding), leaf_hash});
  if (!certificate.first.empty() && !evidence.issuers.empty()) {
    store::IssuerChainRecord chain;
    for (auto& [sha, der] : evidence.issuers) {
      chain.add_issuer_sha256(sha);
      bytes_ += sha.size() + der.size();
      certificates_.push_back({std::move(sha), std::move(der)});
    }
    issuer_chains_.emplace_back(certificate.first, std::move(chain));
  }
  if (evidence.malformed_entry) {
    bytes_ += evidence.malformed_entry->ByteSizeLong();
    malformed_entries_.emplace_back(Bytes(leaf_hash), *std::move(evidence.malformed_entry));
  }
  if (!certificate.first.empty()) certificates_.push_back(std::move(certificate));
}

template <typename Fill>
void HeldFindings::SetInclusion(const ctlog::SignedTreeHead& head, Fill fill) {
  for (Held& h : held_) {
    // A new finding has exactly the one entry it was judged from.
    for (store::EntryRef& ref : *h.finding.mutable_entries()) {
      store::InclusionRecord* inclusion = ref.mutable_inclusion();
      inclusion->set_leaf_hash(Bytes(h.leaf_hash));
      inclusion->set_tree_size(head.tree_size);
      inclusion->set_root_hash(Bytes(head.root_hash));
      inclusion->set_sth_timestamp_ms(head.timestamp_ms);
      fill(inclusion);
    }
  }
}

void HeldFindings::ProvenByRoot(uint64_t from_size, const ctlog::SignedTreeHead& head) {
  SetInclusion(head, [from_size](store::InclusionRecord* inclusion) {
    inclusion->set_method("root");
    inclusion->set_from_size(from_size);
  });
}

void HeldFindings::ProvenByConsistency(const ctlog::SignedTreeHead& head,
                                       const ctlog::CollapsedTree& prefix,
                                       const std::vector<ctlog::Sha256Hash>& proof) {
  SetInclusion(head, [&](store::InclusionRecord* inclusion) {
    inclusion->set_method("consistency");
    inclusion->set_prefix_size(prefix.size());
    for (const ctlog::Sha256Hash& n : prefix.nodes()) inclusion->add_prefix_nodes(Bytes(n));
    for (const ctlog::Sha256Hash& p : proof) inclusion->add_consistency_proof(Bytes(p));
  });
}

void HeldFindings::MoveInto(store::CommitRequest* request) {
  for (Held& h : held_) request->findings.push_back(std::move(h.finding));
  for (auto& c : certificates_) request->certificates.push_back(std::move(c));
  for (auto& c : issuer_chains_) request->issuer_chains.push_back(std::move(c));
  for (auto& e : malformed_entries_) request->malformed_entries.push_back(std::move(e));
  held_.clear();
  certificates_.clear();
  issuer_chains_.clear();
  malformed_entries_.clear();
  bytes_ = 0;
}

nlohmann::json HeldFindings::TakeUnproven(absl::string_view failed) {
  nlohmann::json out = nlohmann::json::array();
  for (const Held& h : held_) {
    const store::FindingRecord& f = h.finding;
    nlohmann::json entry = {{"index", f.entries_size() > 0 ? f.entries(0).index() : 0},
                            {"leaf_hash", absl::Base64Escape(Bytes(h.leaf_hash))},
                            {"watched_names", std::vector<std::string>(f.watched_names().begin(),
                                                                       f.watched_names().end())},
                            {"verdict_not_kept", f.verdict()},
                            {"failed", std::string(failed)}};
    const std::string& sha = f.cert_sha256().empty() ? f.precert_sha256() : f.cert_sha256();
    if (!sha.empty()) entry["certificate_sha256"] = absl::BytesToHexString(sha);
    out.push_back(std::move(entry));
  }
  held_.clear();
  certificates_.clear();
  issuer_chains_.clear();
  malformed_entries_.clear();
  bytes_ = 0;
  return out;
}

}  // namespace caawatch::tail
