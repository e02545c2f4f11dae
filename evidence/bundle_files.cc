#include "evidence/bundle_files.h"

#include <algorithm>
#include <initializer_list>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "base/hex.h"
#include "base/status_macros.h"
#include "evidence/canonical_json.h"

namespace caawatch::evidence {
namespace {

// The first 8 bytes of the log ID in hex: what file names carry.
std::string LogTag(const ctlog::Sha256Hash& log_id) {
  return HexEncode(absl::MakeConstSpan(log_id.data(), 8));
}

absl::StatusOr<Json> ParseObject(absl::string_view text, std::initializer_list<const char*> keys) {
  CAAWATCH_ASSIGN_OR_RETURN(Json doc, ParseJson(text));
  CAAWATCH_RETURN_IF_ERROR(HasExactly(doc, keys));
  return doc;
}

absl::StatusOr<ctlog::Sha256Hash> Hash(const Json& value, absl::string_view what) {
  CAAWATCH_ASSIGN_OR_RETURN(std::vector<uint8_t> bytes, Base64Bytes(value, what));
  if (bytes.size() != 32) return absl::DataLossError(absl::StrCat(what, " is not 32 bytes"));
  ctlog::Sha256Hash hash;
  std::copy(bytes.begin(), bytes.end(), hash.begin());
  return hash;
}

}  // namespace

std::string EntryFileName(const ctlog::Sha256Hash& log_id, uint64_t index) {
  return absl::StrCat("entry-", LogTag(log_id), "-", index, ".json");
}
std::string ProofFileName(const ctlog::Sha256Hash& log_id, uint64_t index) {
  return absl::StrCat("proof-", LogTag(log_id), "-", index, ".json");
}
std::string HeadFileName(const ctlog::Sha256Hash& log_id, uint64_t tree_size) {
  return absl::StrCat("head-", LogTag(log_id), "-", tree_size, ".json");
}

std::string EntryJson(const ctlog::Sha256Hash& log_id, uint64_t index,
                      const ctlog::RawEntry& entry) {
  Json doc = {{"log_id", Base64(log_id)},
              {"leaf_index", index},
              {"leaf_input", Base64(entry.leaf_input)},
              {"extra_data", Base64(entry.extra_data)}};
  return CanonicalJson(doc);
}

std::string ProofJson(const ctlog::Sha256Hash& log_id, uint64_t index, uint64_t tree_size,
                      const ctlog::Sha256Hash& leaf_hash,
                      absl::Span<const ctlog::Sha256Hash> audit_path) {
  Json path = Json::array();
  for (const ctlog::Sha256Hash& node : audit_path) path.push_back(Base64(node));
  Json doc = {{"log_id", Base64(log_id)},
              {"leaf_index", index},
              {"tree_size", tree_size},
              {"leaf_hash", Base64(leaf_hash)},
              {"audit_path", path}};
  return CanonicalJson(doc);
}

std::string HeadJson(const ctlog::Sha256Hash& log_id, const ctlog::SignedTreeHead& head,
                     const std::string& checkpoint_note) {
  Json doc = {{"log_id", Base64(log_id)},
              {"tree_size", head.tree_size},
              {"timestamp", head.timestamp_ms},
              {"sha256_root_hash", Base64(head.root_hash)},
              {"tree_head_signature", Base64(head.signature)}};
  if (!checkpoint_note.empty()) doc["checkpoint"] = checkpoint_note;
  return CanonicalJson(doc);
}

std::string LogKeysJson(absl::Span<const BundleLogKey> logs) {
  Json list = Json::array();
  for (const BundleLogKey& log : logs) {
    list.push_back({{"log_id", Base64(log.log_id)},
                    {"key", Base64(log.key_der)},
                    {"description", log.description}});
  }
  return CanonicalJson(Json{{"logs", list}});
}

absl::StatusOr<EntryFile> ParseEntryJson(absl::string_view text) {
  CAAWATCH_ASSIGN_OR_RETURN(
      Json doc, ParseObject(text, {"log_id", "leaf_index", "leaf_input", "extra_data"}));
  EntryFile file;
  CAAWATCH_ASSIGN_OR_RETURN(file.log_id, Hash(doc["log_id"], "log_id"));
  CAAWATCH_ASSIGN_OR_RETURN(file.index, Unsigned(doc, "leaf_index"));
  CAAWATCH_ASSIGN_OR_RETURN(file.entry.leaf_input, Base64Bytes(doc["leaf_input"], "leaf_input"));
  CAAWATCH_ASSIGN_OR_RETURN(file.entry.extra_data, Base64Bytes(doc["extra_data"], "extra_data"));
  CAAWATCH_RETURN_IF_ERROR(SameAsWritten(text, EntryJson(file.log_id, file.index, file.entry)));
  return file;
}

absl::StatusOr<ProofFile> ParseProofJson(absl::string_view text) {
  CAAWATCH_ASSIGN_OR_RETURN(Json doc, ParseObject(text, {"log_id", "leaf_index", "tree_size",
                                                         "leaf_hash", "audit_path"}));
  ProofFile file;
  CAAWATCH_ASSIGN_OR_RETURN(file.log_id, Hash(doc["log_id"], "log_id"));
  CAAWATCH_ASSIGN_OR_RETURN(file.index, Unsigned(doc, "leaf_index"));
  CAAWATCH_ASSIGN_OR_RETURN(file.tree_size, Unsigned(doc, "tree_size"));
  CAAWATCH_ASSIGN_OR_RETURN(file.leaf_hash, Hash(doc["leaf_hash"], "leaf_hash"));
  const Json& path = doc["audit_path"];
  // A path is at most 64 nodes (one per level of a tree of 2^64 leaves).
  if (!path.is_array() || path.size() > 64) {
    return absl::DataLossError("\"audit_path\" is not an array of at most 64 hashes");
  }
  for (const Json& node : path) {
    CAAWATCH_ASSIGN_OR_RETURN(ctlog::Sha256Hash hash, Hash(node, "an audit_path node"));
    file.audit_path.push_back(hash);
  }
  CAAWATCH_RETURN_IF_ERROR(SameAsWritten(
      text, ProofJson(file.log_id, file.index, file.tree_size, file.leaf_hash, file.audit_path)));
  return file;
}

absl::StatusOr<HeadFile> ParseHeadJson(absl::string_view text) {
  CAAWATCH_ASSIGN_OR_RETURN(Json doc, ParseJson(text));
  HeadFile file;
  if (doc.is_object() && doc.contains("checkpoint")) {
    CAAWATCH_RETURN_IF_ERROR(
        HasExactly(doc, {"log_id", "tree_size", "timestamp", "sha256_root_hash",
                         "tree_head_signature", "checkpoint"}));
    if (!doc["checkpoint"].is_string()) return absl::DataLossError("\"checkpoint\" is no string");
    file.checkpoint_note = doc["checkpoint"].get<std::string>();
  } else {
    CAAWATCH_RETURN_IF_ERROR(HasExactly(
        doc, {"log_id", "tree_size", "timestamp", "sha256_root_hash", "tree_head_signature"}));
  }
  CAAWATCH_ASSIGN_OR_RETURN(file.log_id, Hash(doc["log_id"], "log_id"));
  CAAWATCH_ASSIGN_OR_RETURN(file.head.tree_size, Unsigned(doc, "tree_size"));
  CAAWATCH_ASSIGN_OR_RETURN(file.head.timestamp_ms, Unsigned(doc, "timestamp"));
  CAAWATCH_ASSIGN_OR_RETURN(file.head.root_hash, Hash(doc["sha256_root_hash"], "sha256_root_hash"));
  CAAWATCH_ASSIGN_OR_RETURN(file.head.signature,
                            Base64Bytes(doc["tree_head_signature"], "tree_head_signature"));
  CAAWATCH_RETURN_IF_ERROR(
      SameAsWritten(text, HeadJson(file.log_id, file.head, file.checkpoint_note)));
  return file;
}

absl::StatusOr<std::vector<BundleLogKey>> ParseLogKeysJson(absl::string_view text) {
  CAAWATCH_ASSIGN_OR_RETURN(Json doc, ParseObject(text, {"logs"}));
  if (!doc["logs"].is_array()) return absl::DataLossError("\"logs\" is not an array");
  std::vector<BundleLogKey> logs;
  for (const Json& item : doc["logs"]) {
    CAAWATCH_RETURN_IF_ERROR(HasExactly(item, {"log_id", "key", "description"}));
    BundleLogKey key;
    CAAWATCH_ASSIGN_OR_RETURN(key.log_id, Hash(item["log_id"], "log_id"));
    CAAWATCH_ASSIGN_OR_RETURN(key.key_der, Base64Bytes(item["key"], "key"));
    if (!item["description"].is_string()) {
      return absl::DataLossError("\"description\" is not a string");
    }
    key.description = item["description"].get<std::string>();
    logs.push_back(std::move(key));
  }
  CAAWATCH_RETURN_IF_ERROR(SameAsWritten(text, LogKeysJson(logs)));
  return logs;
}

}  // namespace caawatch::evidence
