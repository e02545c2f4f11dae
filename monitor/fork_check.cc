#include "monitor/fork_check.h"

#include <algorithm>
#include <filesystem>
#include <optional>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "base/bounded_file.h"
#include "base/quoted_input.h"
#include "base/status_macros.h"
#include "ctlog/checkpoint.h"
#include "ctlog/cosignature.h"
#include "ctlog/head_note.h"
#include "ctlog/log_key.h"
#include "ctlog/merkle.h"
#include "ctlog/sth.h"
#include "nlohmann/json.hpp"
#include "tail/log_list_source.h"

namespace caawatch::monitor {
namespace {

using Json = nlohmann::json;

constexpr size_t kMaxFindingBytes = size_t{16} << 20;

absl::Status Bad(absl::string_view what) {
  return absl::DataLossError(absl::StrCat("fork evidence: ", what));
}

absl::StatusOr<std::string> Unbase64(const Json& j, absl::string_view field) {
  std::string raw;
  if (!j.is_string() || !absl::Base64Unescape(j.get<std::string>(), &raw)) {
    return Bad(absl::StrCat(field, ": not base64"));
  }
  return raw;
}

absl::StatusOr<ctlog::Sha256Hash> HashOf(const Json& j, absl::string_view field) {
  CAAWATCH_ASSIGN_OR_RETURN(const std::string raw, Unbase64(j, field));
  if (raw.size() != 32) return Bad(absl::StrCat(field, ": not 32 bytes"));
  ctlog::Sha256Hash h;
  std::copy(raw.begin(), raw.end(), h.begin());
  return h;
}

// One head of the evidence (`head` or `against`), verified with the log's key: its signed note
// when it has one (what gossip stores; a tiled log's checkpoint), else its RFC 6962 STH
// signature. The note must say the size and root the evidence states.
absl::StatusOr<ctlog::SignedTreeHead> VerifiedHead(const Json& evidence, absl::string_view field,
                                                   const ctlog::LogKey& key,
                                                   absl::string_view origin) {
  const Json head = evidence.value(std::string(field), Json());
  if (!head.is_object() || !head.value("tree_size", Json()).is_number_unsigned()) {
    return Bad(absl::StrCat("no ", field, " head"));
  }
  ctlog::SignedTreeHead sth;
  sth.tree_size = head["tree_size"].get<uint64_t>();
  CAAWATCH_ASSIGN_OR_RETURN(sth.root_hash, HashOf(head.value("sha256_root_hash", Json()),
                                                  absl::StrCat(field, ".sha256_root_hash")));
  const std::string note = field == "head" ? evidence.value("checkpoint", std::string())
                                           : head.value("checkpoint", std::string());
  if (!note.empty()) {
    absl::StatusOr<ctlog::VerifiedCheckpoint> verified = ctlog::VerifyCheckpoint(note, key, origin);
    if (!verified.ok()) {
      return Bad(absl::StrCat(
          field, ": the note does not verify with the log's key: ", verified.status().message()));
    }
    if (verified->sth.tree_size != sth.tree_size || verified->sth.root_hash != sth.root_hash) {
      return Bad(absl::StrCat(field, ": the note is of another head than the evidence says"));
    }
    return verified->sth;
  }
  if (!head.value("timestamp", Json()).is_number_unsigned()) {
    return Bad(absl::StrCat(field, ": neither a signed note nor a timestamp"));
  }
  sth.timestamp_ms = head["timestamp"].get<uint64_t>();
  CAAWATCH_ASSIGN_OR_RETURN(const std::string sig,
                            Unbase64(head.value("tree_head_signature", Json()),
                                     absl::StrCat(field, ".tree_head_signature")));
  sth.signature.assign(sig.begin(), sig.end());
  const absl::Status verified = ctlog::VerifySth(key, sth);
  if (!verified.ok()) {
    return Bad(absl::StrCat(
        field, ": the STH signature does not verify with the log's key: ", verified.message()));
  }
  return sth;
}

// The key of the witness named `name` among the user's --witness vkeys; nullopt when none is
// of that name. kInvalidArgument for a vkey that does not parse.
absl::StatusOr<std::optional<ctlog::Cosigner>> WitnessKey(const std::vector<std::string>& vkeys,
                                                          const std::string& name) {
  for (const std::string& vkey : vkeys) {
    absl::StatusOr<ctlog::Cosigner> cosigner = ctlog::ParseCosignerVkey(vkey);
    if (!cosigner.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("--witness: ", cosigner.status().message()));
    }
    if (cosigner->name == name) return *cosigner;
  }
  return std::nullopt;
}

// The one cosignature check of `witness` on `note`, dated against the clock of the check.
ctlog::CosignatureCheck CheckCosignature(const std::string& note, const ctlog::Cosigner& witness,
                                         absl::Time now) {
  absl::StatusOr<std::vector<ctlog::CosignatureCheck>> checked =
      ctlog::CheckCosignatures(note, {witness}, now);
  if (!checked.ok() || checked->empty()) {
    ctlog::CosignatureCheck none;
    none.cosigner = witness.name;
    return none;
  }
  return (*checked)[0];
}

// A bad_cosignature finding: the note as served verifies as the log's checkpoint of the head the
// evidence states, and its line in the name and key ID of the witness does not verify with the
// key the user trusts for that witness.
absl::StatusOr<std::string> VerifyBadCosignature(const Json& evidence, const std::string& name,
                                                 const ctlog::LogKey& key,
                                                 const std::string& origin,
                                                 const std::vector<std::string>& witness_vkeys,
                                                 absl::Time now) {
  const std::string witness = evidence.value("witness", std::string());
  if (witness.empty()) return Bad("a bad_cosignature finding that names no witness");
  CAAWATCH_ASSIGN_OR_RETURN(const std::optional<ctlog::Cosigner> cosigner,
                            WitnessKey(witness_vkeys, witness));
  if (!cosigner) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the finding says the cosignature of witness ", QuoteInput(witness),
        " does not verify: give that witness's key with --witness VKEY (from its operator, or "
        "the `witnesses` of your configuration); a key from the evidence itself proves nothing"));
  }
  if (evidence.value("checkpoint", std::string()).empty()) {
    return Bad("a bad_cosignature finding without the checkpoint note as served");
  }
  CAAWATCH_ASSIGN_OR_RETURN(const ctlog::SignedTreeHead head,
                            VerifiedHead(evidence, "head", key, origin));
  const ctlog::CosignatureCheck check = CheckCosignature(evidence["checkpoint"], *cosigner, now);
  switch (check.state) {
    case ctlog::CosignatureCheck::State::kValid:
      return Bad(absl::StrCat("the cosignature of witness ", QuoteInput(witness),
                              " verifies with the key given: no bad cosignature"));
    case ctlog::CosignatureCheck::State::kAbsent:
      return Bad(absl::StrCat("the note carries no cosignature line of witness ",
                              QuoteInput(witness), " with the key ID of the key given"));
    case ctlog::CosignatureCheck::State::kInvalid:
      break;
  }
  return absl::StrCat(name, ": bad cosignature proven: the checkpoint of size ", head.tree_size,
                      " verifies with the log's key, and its cosignature line of witness ", witness,
                      " is not valid with the key given: ", check.why);
}

// A split view's second half: the witness's cosignature on the note it served, when the user
// gave the witness's key. The fork itself stands on the log's signatures alone.
absl::StatusOr<std::string> WitnessPart(const Json& evidence,
                                        const std::vector<std::string>& witness_vkeys,
                                        absl::Time now) {
  const std::string witness = evidence.value("witness", std::string());
  if (witness.empty()) return std::string();
  CAAWATCH_ASSIGN_OR_RETURN(const std::optional<ctlog::Cosigner> cosigner,
                            WitnessKey(witness_vkeys, witness));
  if (!cosigner) {
    return absl::StrCat("; the log showed it to witness ", witness,
                        " (its cosignature not checked: give its key with --witness)");
  }
  const ctlog::CosignatureCheck check =
      CheckCosignature(evidence.value("checkpoint", std::string()), *cosigner, now);
  if (check.state != ctlog::CosignatureCheck::State::kValid) {
    return Bad(absl::StrCat(
        "head: the cosignature of witness ", QuoteInput(witness),
        " does not verify with the key given",
        check.why.empty() ? " (no line of its name and key ID)" : absl::StrCat(": ", check.why)));
  }
  return absl::StrCat("; witness ", witness,
                      " cosigned the log's other head (verified with the key given)");
}

absl::StatusOr<Json> ReadEvidence(const std::string& path) {
  std::error_code error;
  const std::string file = std::filesystem::is_directory(path, error)
                               ? (std::filesystem::path(path) / "finding.json").string()
                               : path;
  CAAWATCH_ASSIGN_OR_RETURN(const std::string text,
                            ReadBoundedFile(file, kMaxFindingBytes, "finding file"));
  Json finding = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (finding.is_discarded() || !finding.is_object()) {
    return absl::InvalidArgumentError(absl::StrCat(file, ": not a finding (one JSON object)"));
  }
  if (finding.value("verdict", std::string()) != "log_misbehaviour" ||
      !finding.value("evidence", Json()).is_object()) {
    return absl::InvalidArgumentError(
        absl::StrCat(file, ": not a log_misbehaviour finding with evidence"));
  }
  return finding["evidence"];
}

}  // namespace

bool HoldsMisbehaviourEvidence(const std::string& path) { return ReadEvidence(path).ok(); }

absl::StatusOr<std::string> VerifyForkEvidence(const std::string& path, const std::string& log_list,
                                               const std::vector<std::string>& witness_vkeys,
                                               absl::Time now) {
  CAAWATCH_ASSIGN_OR_RETURN(const Json evidence, ReadEvidence(path));
  if (tail::LogListSource::IsUrl(log_list)) {
    return absl::InvalidArgumentError("--log-list: give a file (the check makes no request)");
  }
  tail::LogListSource source(log_list, /*fetcher=*/nullptr);
  CAAWATCH_ASSIGN_OR_RETURN(const std::vector<ctlog::LogInfo> logs, source.Load());
  CAAWATCH_ASSIGN_OR_RETURN(const ctlog::Sha256Hash log_id,
                            HashOf(evidence.value("log_id", Json()), "log_id"));
  const auto log = std::find_if(logs.begin(), logs.end(),
                                [&](const ctlog::LogInfo& l) { return l.log_id == log_id; });
  if (log == logs.end()) return Bad("its log ID is not in the trusted log list");
  CAAWATCH_ASSIGN_OR_RETURN(const ctlog::LogKey key, ctlog::LogKey::FromDer(log->key_der));
  const std::string origin = ctlog::HeadNoteOrigin(*log);
  const std::string name = absl::StrCat(log->description, " (", log->url, ")");
  if (evidence.value("kind", std::string()) == "bad_cosignature") {
    return VerifyBadCosignature(evidence, name, key, origin, witness_vkeys, now);
  }
  CAAWATCH_ASSIGN_OR_RETURN(const ctlog::SignedTreeHead theirs,
                            VerifiedHead(evidence, "head", key, origin));
  CAAWATCH_ASSIGN_OR_RETURN(const ctlog::SignedTreeHead ours,
                            VerifiedHead(evidence, "against", key, origin));
  CAAWATCH_ASSIGN_OR_RETURN(const std::string witness, WitnessPart(evidence, witness_vkeys, now));
  if (theirs.tree_size == ours.tree_size) {
    if (theirs.root_hash == ours.root_hash) return Bad("both heads are the same: no fork");
    return absl::StrCat(name, ": fork proven: two heads of size ", theirs.tree_size,
                        " with different roots, both signed by the log", witness);
  }
  std::vector<ctlog::Sha256Hash> proof;
  for (const Json& node : evidence.value("consistency", Json::array())) {
    CAAWATCH_ASSIGN_OR_RETURN(ctlog::Sha256Hash h, HashOf(node, "consistency"));
    proof.push_back(h);
  }
  const ctlog::SignedTreeHead& small = theirs.tree_size < ours.tree_size ? theirs : ours;
  const ctlog::SignedTreeHead& large = theirs.tree_size < ours.tree_size ? ours : theirs;
  if (ctlog::VerifyConsistency(small.tree_size, large.tree_size, small.root_hash, large.root_hash,
                               proof)
          .ok()) {
    return Bad("the consistency proof links the two heads: no fork");
  }
  return absl::StrCat(name, ": inconsistency shown: heads of sizes ", small.tree_size, " and ",
                      large.tree_size, ", both signed by the log, that the log's proof (",
                      proof.size(), " nodes, in the evidence) does not link", witness);
}

}  // namespace caawatch::monitor
