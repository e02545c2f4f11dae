// The certificate findings of log entries not yet proven to be in a signed tree (issue 15). A
// LogWorker holds them, neither committed nor alerted, until their entries are proven: the batch
// that reaches a signed head's size hashes to its root, or a consistency proof links the prefix
// holding them to a signed head. Proven, each finding's entry gets its InclusionRecord and they
// are committed together; entries that fail become evidence of log misbehaviour instead.
#ifndef CAAWATCH_TAIL_HELD_FINDINGS_H_
#define CAAWATCH_TAIL_HELD_FINDINGS_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "ctlog/log_types.h"
#include "ctlog/merkle.h"
#include "nlohmann/json.hpp"
#include "store/store.h"

namespace caawatch::tail {

class HeldFindings {
 public:
  // What a finding's hooks need from its entry beyond the certificate, committed with it.
  struct EntryEvidence {
    // The certificate's issuers (SHA-256, DER), issuer first.
    std::vector<std::pair<std::string, std::string>> issuers;
    // For a malformed_cert finding: its entry as served.
    std::optional<store::MalformedEntryRecord> malformed_entry;
  };
  // Holds `finding` (one EntryRef: the entry at `index` whose leaf hash is `leaf_hash`) and the
  // certificate it stores, if any (SHA-256, DER), with `evidence`.
  void Add(store::FindingRecord finding, const ctlog::Sha256Hash& leaf_hash,
           std::pair<std::string, std::string> certificate, EntryEvidence evidence = {});

  bool empty() const { return held_.empty(); }
  size_t size() const { return held_.size(); }
  // The encoded size of what is held (findings and certificates), for the worker's byte cap.
  size_t bytes() const { return bytes_; }

  // The entries [from_size, head.tree_size), folded into the verified tree of from_size, hash to
  // head's root: every held entry is in that tree.
  void ProvenByRoot(uint64_t from_size, const ctlog::SignedTreeHead& head);
  // The collapsed tree `prefix`, which holds every held entry, is consistent with head (`proof`
  // verified by the caller).
  void ProvenByConsistency(const ctlog::SignedTreeHead& head, const ctlog::CollapsedTree& prefix,
                           const std::vector<ctlog::Sha256Hash>& proof);

  // Moves every held finding and certificate into `request` (proven or not: the caller commits
  // only proven ones) and holds nothing afterwards.
  void MoveInto(store::CommitRequest* request);

  // The evidence of every held entry for a log_misbehaviour finding: index, leaf hash, the
  // certificate's hash, its watched names, the verdict it would have had and `failed` (what
  // did not verify). Holds nothing afterwards: none of them becomes a certificate finding.
  nlohmann::json TakeUnproven(absl::string_view failed);

 private:
  struct Held {
    store::FindingRecord finding;
    ctlog::Sha256Hash leaf_hash;
  };
  // The inclusion record of every held finding's entry, with `fill` adding the method's part.
  template <typename Fill>
  void SetInclusion(const ctlog::SignedTreeHead& head, Fill fill);

  std::vector<Held> held_;
  std::vector<std::pair<std::string, std::string>> certificates_;
  std::vector<std::pair<std::string, store::IssuerChainRecord>> issuer_chains_;
  std::vector<std::pair<std::string, store::MalformedEntryRecord>> malformed_entries_;
  size_t bytes_ = 0;
};

}  // namespace caawatch::tail

#endif  // CAAWATCH_TAIL_HELD_FINDINGS_H_
