#include "evidence/bundle_verifier.h"

#include <algorithm>
#include <filesystem>
#include <set>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/bounded_file.h"
#include "base/hex.h"
#include "base/quoted_input.h"
#include "base/status_macros.h"
#include "ctlog/leaf.h"
#include "ctlog/log_entry.h"
#include "ctlog/log_key.h"
#include "ctlog/merkle.h"
#include "ctlog/pem.h"
#include "ctlog/sha256.h"
#include "ctlog/sth.h"
#include "evidence/bundle_files.h"
#include "evidence/caa_verification.h"
#include "evidence/certificate_files.h"
#include "evidence/entry_evidence.h"
#include "evidence/finding_file.h"
#include "evidence/report_facts.h"

namespace caawatch::evidence {
namespace {

// A bundle holds a handful of entries; more files than this is not a bundle we wrote.
constexpr size_t kMaxFiles = 10000;

std::string IdKey(const ctlog::Sha256Hash& log_id) {
  return std::string(log_id.begin(), log_id.end());
}

// Prefixes `name` (the file at fault) to a failure: the one thing a reader must learn.
absl::Status InFile(const std::string& name, const absl::Status& status) {
  if (status.ok()) return status;
  return absl::DataLossError(absl::StrCat(name, ": ", status.message()));
}

class Verifier {
 public:
  Verifier(std::string dir, std::set<std::string> files)
      : dir_(std::move(dir)), files_(std::move(files)) {}

  absl::Status LoadKeys(const TrustedLogKeys& trusted) {
    CAAWATCH_ASSIGN_OR_RETURN(std::string text, Read(kLogKeysFileName));
    absl::StatusOr<std::vector<BundleLogKey>> logs = ParseLogKeysJson(text);
    CAAWATCH_RETURN_IF_ERROR(InFile(kLogKeysFileName, logs.status()));
    for (const BundleLogKey& log : *logs) {
      const std::string id = HexEncode(log.log_id);
      absl::StatusOr<ctlog::LogKey> key = ctlog::LogKey::FromDer(log.key_der);
      CAAWATCH_RETURN_IF_ERROR(InFile(kLogKeysFileName, Annotate(key.status(), id)));
      if (key->log_id() != log.log_id) {
        return InFile(kLogKeysFileName,
                      absl::DataLossError(
                          absl::StrCat("the key given for log ", id, " hashes to another log ID")));
      }
      const auto known = trusted.find(IdKey(log.log_id));
      if (known == trusted.end()) {
        return InFile(kLogKeysFileName, absl::DataLossError(absl::StrCat(
                                            "log ", id, " (", QuoteInput(log.description),
                                            ") is not in the log list this verifier trusts")));
      }
      if (known->second.key_der != log.key_der) {
        return InFile(kLogKeysFileName,
                      absl::DataLossError(absl::StrCat("the key of log ", id,
                                                       " is not the one the log list gives")));
      }
      if (known->second.description != log.description) {
        return InFile(kLogKeysFileName,
                      absl::DataLossError(absl::StrCat(
                          "log ", id, " is described as ", QuoteInput(log.description),
                          ", the log list says ", QuoteInput(known->second.description))));
      }
      keys_.emplace(IdKey(log.log_id), *std::move(key));
    }
    verified_.insert(kLogKeysFileName);
    return absl::OkStatus();
  }

  absl::Status CheckProof(const std::string& proof_name) {
    CAAWATCH_ASSIGN_OR_RETURN(std::string text, Read(proof_name));
    absl::StatusOr<ProofFile> proof = ParseProofJson(text);
    CAAWATCH_RETURN_IF_ERROR(InFile(proof_name, proof.status()));
    const std::string log = HexEncode(proof->log_id);
    if (ProofFileName(proof->log_id, proof->index) != proof_name) {
      return Fail(proof_name, absl::StrCat("it proves entry ", proof->index, " of log ", log,
                                           ", which is not what its name says"));
    }
    const auto key = keys_.find(IdKey(proof->log_id));
    if (key == keys_.end()) {
      return Fail(proof_name, absl::StrCat("log ", log, " has no key in ", kLogKeysFileName));
    }
    const std::string head_name = HeadFileName(proof->log_id, proof->tree_size);
    if (!files_.contains(head_name)) {
      return Fail(proof_name, absl::StrCat("its head ", head_name, " is not in the bundle"));
    }
    CAAWATCH_ASSIGN_OR_RETURN(ctlog::SignedTreeHead head, Head(head_name, key->second));
    const std::string entry_name = EntryFileName(proof->log_id, proof->index);
    if (!files_.contains(entry_name)) {
      return Fail(proof_name, absl::StrCat("its entry ", entry_name, " is not in the bundle"));
    }
    CAAWATCH_ASSIGN_OR_RETURN(std::string entry_text, Read(entry_name));
    absl::StatusOr<EntryFile> entry = ParseEntryJson(entry_text);
    CAAWATCH_RETURN_IF_ERROR(InFile(entry_name, entry.status()));
    if (entry->log_id != proof->log_id || entry->index != proof->index) {
      return Fail(entry_name, absl::StrCat("it holds entry ", entry->index, " of log ",
                                           HexEncode(entry->log_id), ", not the entry ", proof_name,
                                           " proves"));
    }
    // Which file is at fault: the path proves the entry's own leaf (then the proof must name
    // that leaf), or the leaf the proof names (then the entry was changed), or neither.
    const ctlog::Sha256Hash leaf = ctlog::HashLeaf(entry->entry.leaf_input);
    if (ctlog::VerifyInclusion(leaf, proof->index, head.tree_size, proof->audit_path,
                               head.root_hash)
            .ok()) {
      if (proof->leaf_hash != leaf) {
        return Fail(proof_name, absl::StrCat("its leaf_hash is not the hash of the leaf_input of ",
                                             entry_name));
      }
    } else if (ctlog::VerifyInclusion(proof->leaf_hash, proof->index, head.tree_size,
                                      proof->audit_path, head.root_hash)
                   .ok()) {
      return Fail(entry_name, absl::StrCat("its leaf_input hashes to ", HexEncode(leaf),
                                           ", not to the leaf ", proof_name, " proves"));
    } else {
      return Fail(proof_name, absl::StrCat("the audit path does not lead from entry ", proof->index,
                                           " to the root of ", head_name));
    }
    verified_.insert(proof_name);
    verified_.insert(entry_name);
    // The certificate the proven leaf carries, by the hash a finding is keyed by.
    std::string tbs_sha256;
    const absl::StatusOr<ctlog::LogEntry> decoded =
        ctlog::DecodeLogEntry(proof->index, entry->entry);
    if (decoded.ok() && decoded->identity.tbs_error.empty()) {
      tbs_sha256 = HexEncode(decoded->identity.tbs_sha256);
    }
    proven_.push_back(Proven{proof_name, entry_name, proof->log_id, proof->index, leaf,
                             head.tree_size, head.root_hash, tbs_sha256});
    ++entries_;
    return absl::OkStatus();
  }

  // finding.json, when the bundle has it: every proven entry is one of its entries, with the
  // leaf and head it records, and the PEM files hold the certificates it names.
  absl::Status CheckFinding() {
    if (!files_.contains(kFindingFileName)) return absl::OkStatus();
    CAAWATCH_ASSIGN_OR_RETURN(std::string text, Read(kFindingFileName));
    absl::StatusOr<FindingFile> finding = ParseFindingJson(text);
    CAAWATCH_RETURN_IF_ERROR(InFile(kFindingFileName, finding.status()));
    for (const Proven& proven : proven_) {
      const auto entry = std::find_if(finding->entries.begin(), finding->entries.end(),
                                      [&](const FindingEntry& e) {
                                        return e.log_id == proven.log_id && e.index == proven.index;
                                      });
      if (entry == finding->entries.end()) {
        return Fail(proven.proof_name,
                    absl::StrCat("it proves an entry that is not one of ", kFindingFileName));
      }
      if (entry->leaf_hash.has_value() &&
          (*entry->leaf_hash != proven.leaf_hash || entry->tree_size != proven.tree_size ||
           entry->root_hash != proven.root_hash)) {
        return Fail(
            kFindingFileName,
            absl::StrCat("its entry ", proven.index, " of log ", HexEncode(proven.log_id),
                         " records another leaf or head than ", proven.proof_name, " proves"));
      }
      if (!finding->tbs_sha256.empty() && proven.tbs_sha256 != finding->tbs_sha256) {
        return Fail(kFindingFileName,
                    absl::StrCat("it names the certificate with TBS SHA-256 ", finding->tbs_sha256,
                                 ", but the leaf of ", proven.entry_name, " holds ",
                                 proven.tbs_sha256.empty() ? "none" : proven.tbs_sha256));
      }
    }
    verified_.insert(kFindingFileName);
    for (const auto& [name, sha256] :
         {std::pair<std::string, std::string>{kCertificateFileName, finding->cert_sha256},
          {kPrecertificateFileName, finding->precert_sha256}}) {
      if (!files_.contains(name)) continue;
      CAAWATCH_ASSIGN_OR_RETURN(std::string pem, Read(name));
      const std::vector<std::vector<uint8_t>> ders = ctlog::PemCertificates(pem);
      if (ders.empty()) return Fail(name, "holds no PEM certificate");
      const std::string hash = HexEncode(ctlog::Sha256(ders.front()));
      if (hash != sha256) {
        return Fail(name,
                    absl::StrCat("its first certificate has SHA-256 ", hash, ", ", kFindingFileName,
                                 " says ", sha256.empty() ? "none" : sha256));
      }
      verified_.insert(name);
    }
    return absl::OkStatus();
  }

  // What was checked, with `also_verified` (files checked elsewhere).
  BundleVerification Result(const std::vector<std::string>& also_verified) {
    verified_.insert(also_verified.begin(), also_verified.end());
    BundleVerification result;
    result.entries = entries_;
    result.verified_files.assign(verified_.begin(), verified_.end());
    for (const std::string& name : files_) {
      if (name == kReportTextFileName || name == kReportHtmlFileName) {
        result.report_files.push_back(name);
      } else if (!verified_.contains(name)) {
        result.unchecked_files.push_back(name);
      }
    }
    return result;
  }

  // The first entry, proof or head file that no proof led to, if any.
  absl::Status NoStrayLogFiles() const {
    for (const std::string& name : files_) {
      const bool log_file = absl::StartsWith(name, "entry-") || absl::StartsWith(name, "proof-") ||
                            absl::StartsWith(name, "head-");
      if (log_file && !verified_.contains(name)) {
        return Fail(name, "no proof-*.json of the bundle leads to it");
      }
    }
    return absl::OkStatus();
  }

  uint64_t entries() const { return entries_; }

 private:
  static absl::Status Fail(const std::string& name, absl::string_view why) {
    return absl::DataLossError(absl::StrCat(name, ": ", why));
  }

  absl::StatusOr<std::string> Read(const std::string& name) const {
    if (!files_.contains(name)) return Fail(name, "missing from the bundle");
    absl::StatusOr<std::string> text =
        ReadBoundedFile(absl::StrCat(dir_, "/", name), kMaxBundleFileBytes, name);
    if (!text.ok()) return Fail(name, text.status().message());
    return text;
  }

  // The head in `name`, its signature checked with `key` once per file.
  absl::StatusOr<ctlog::SignedTreeHead> Head(const std::string& name, const ctlog::LogKey& key) {
    const auto done = heads_.find(name);
    if (done != heads_.end()) return done->second;
    CAAWATCH_ASSIGN_OR_RETURN(std::string text, Read(name));
    absl::StatusOr<HeadFile> head = ParseHeadJson(text);
    CAAWATCH_RETURN_IF_ERROR(InFile(name, head.status()));
    if (head->log_id != key.log_id() || HeadFileName(head->log_id, head->head.tree_size) != name) {
      return Fail(name, absl::StrCat("it is the head of size ", head->head.tree_size, " of log ",
                                     HexEncode(head->log_id), ", not what its name says"));
    }
    const absl::Status signed_by_log = ctlog::VerifySth(key, head->head);
    if (!signed_by_log.ok()) {
      return Fail(name,
                  absl::StrCat("the log's signature does not verify: ", signed_by_log.message()));
    }
    if (!head->checkpoint_note.empty()) {
      const absl::Status note = VerifyCheckpointHead(key, head->checkpoint_note, head->head);
      if (!note.ok()) return Fail(name, absl::StrCat("its checkpoint: ", note.message()));
    }
    verified_.insert(name);
    heads_.emplace(name, head->head);
    return head->head;
  }

  struct Proven {
    std::string proof_name;
    std::string entry_name;
    ctlog::Sha256Hash log_id;
    uint64_t index;
    ctlog::Sha256Hash leaf_hash;
    uint64_t tree_size;
    ctlog::Sha256Hash root_hash;
    std::string tbs_sha256;  // Hex; "" when the leaf's TBSCertificate cannot be hashed.
  };

  const std::string dir_;
  const std::set<std::string> files_;
  std::vector<Proven> proven_;
  absl::flat_hash_map<std::string, ctlog::LogKey> keys_;
  absl::flat_hash_map<std::string, ctlog::SignedTreeHead> heads_;
  std::set<std::string> verified_;
  uint64_t entries_ = 0;
};

absl::StatusOr<std::set<std::string>> ListFiles(const std::string& dir) {
  std::error_code error;
  std::filesystem::directory_iterator it(dir, error);
  if (error) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot read the bundle directory ", QuoteInput(dir), ": ", error.message()));
  }
  std::set<std::string> files;
  for (; it != std::filesystem::directory_iterator(); it.increment(error)) {
    if (files.size() >= kMaxFiles) {
      return absl::DataLossError(absl::StrCat("more than ", kMaxFiles, " files in the bundle"));
    }
    files.insert(it->path().filename().string());
  }
  if (error) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot read the bundle directory ", QuoteInput(dir), ": ", error.message()));
  }
  return files;
}

}  // namespace

absl::StatusOr<BundleVerification> VerifyBundle(absl::string_view dir,
                                                const TrustedLogKeys& trusted) {
  CAAWATCH_ASSIGN_OR_RETURN(std::set<std::string> files, ListFiles(std::string(dir)));
  std::vector<std::string> proofs;
  for (const std::string& name : files) {
    if (absl::StartsWith(name, "proof-") && absl::EndsWith(name, ".json")) proofs.push_back(name);
  }
  Verifier verifier(std::string(dir), files);
  CAAWATCH_RETURN_IF_ERROR(verifier.LoadKeys(trusted));
  for (const std::string& proof : proofs) CAAWATCH_RETURN_IF_ERROR(verifier.CheckProof(proof));
  if (verifier.entries() == 0) {
    return absl::DataLossError("the bundle holds no proof-*.json: no log entry is proven");
  }
  CAAWATCH_RETURN_IF_ERROR(verifier.NoStrayLogFiles());
  CAAWATCH_RETURN_IF_ERROR(verifier.CheckFinding());
  CAAWATCH_ASSIGN_OR_RETURN(const CaaVerification caa, VerifyCaaEvidence(std::string(dir), files));
  BundleVerification result = verifier.Result(caa.verified_files);
  result.notes = caa.notes;
  return result;
}

}  // namespace caawatch::evidence
