#include "monitor/fork_check.h"

#include <algorithm>
#include <filesystem>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "base/bounded_file.h"
#include "base/status_macros.h"
#include "ctlog/checkpoint.h"
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

absl::StatusOr<std::string> VerifyForkEvidence(const std::string& path,
                                               const std::string& log_list) {
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
  CAAWATCH_ASSIGN_OR_RETURN(const ctlog::SignedTreeHead theirs,
                            VerifiedHead(evidence, "head", key, origin));
  CAAWATCH_ASSIGN_OR_RETURN(const ctlog::SignedTreeHead ours,
                            VerifiedHead(evidence, "against", key, origin));
  const std::string name = absl::StrCat(log->description, " (", log->url, ")");
  if (theirs.tree_size == ours.tree_size) {
    if (theirs.root_hash == ours.root_hash) return Bad("both heads are the same: no fork");
    return absl::StrCat(name, ": fork proven: two heads of size ", theirs.tree_size,
                        " with different roots, both signed by the log");
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
                      proof.size(), " nodes, in the evidence) does not link");
}

}  // namespace caawatch::monitor
