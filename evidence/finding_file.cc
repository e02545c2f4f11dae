#include "evidence/finding_file.h"

#include <algorithm>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "nlohmann/json.hpp"

namespace caawatch::evidence {
namespace {

using Json = nlohmann::json;

absl::StatusOr<ctlog::Sha256Hash> Base64Hash(const Json& value, absl::string_view what) {
  std::string bytes;
  if (!value.is_string() || !absl::Base64Unescape(value.get<std::string>(), &bytes) ||
      bytes.size() != 32) {
    return absl::DataLossError(absl::StrCat(what, " is not base64 of 32 bytes"));
  }
  ctlog::Sha256Hash hash;
  std::copy(bytes.begin(), bytes.end(), hash.begin());
  return hash;
}

absl::StatusOr<std::string> HexOrNull(const Json& doc, const char* key) {
  if (!doc.contains(key) || doc[key].is_null()) return std::string();
  if (!doc[key].is_string()) return absl::DataLossError(absl::StrCat("\"", key, "\" is no string"));
  return doc[key].get<std::string>();
}

absl::StatusOr<uint64_t> Unsigned(const Json& doc, const char* key) {
  if (!doc.contains(key) || !doc[key].is_number_unsigned()) {
    return absl::DataLossError(absl::StrCat("\"", key, "\" is not an unsigned integer"));
  }
  return doc[key].get<uint64_t>();
}

}  // namespace

absl::StatusOr<FindingFile> ParseFindingJson(absl::string_view text) {
  const Json doc = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) return absl::DataLossError("not a JSON object");
  FindingFile file;
  CAAWATCH_ASSIGN_OR_RETURN(file.cert_sha256, HexOrNull(doc, "cert_sha256"));
  CAAWATCH_ASSIGN_OR_RETURN(file.precert_sha256, HexOrNull(doc, "precert_sha256"));
  CAAWATCH_ASSIGN_OR_RETURN(file.tbs_sha256, HexOrNull(doc, "tbs_sha256"));
  if (!doc.contains("entries") || !doc["entries"].is_array()) {
    return absl::DataLossError("\"entries\" is not an array");
  }
  for (const Json& item : doc["entries"]) {
    if (!item.is_object() || !item.contains("log_id")) {
      return absl::DataLossError("an entry has no \"log_id\"");
    }
    FindingEntry entry;
    CAAWATCH_ASSIGN_OR_RETURN(entry.log_id, Base64Hash(item["log_id"], "an entry's log_id"));
    CAAWATCH_ASSIGN_OR_RETURN(entry.index, Unsigned(item, "index"));
    if (item.contains("inclusion")) {
      const Json& inclusion = item["inclusion"];
      if (!inclusion.is_object() || !inclusion.contains("leaf_hash") ||
          !inclusion.contains("root_hash")) {
        return absl::DataLossError("an entry's \"inclusion\" is not a proof record");
      }
      CAAWATCH_ASSIGN_OR_RETURN(entry.leaf_hash, Base64Hash(inclusion["leaf_hash"], "leaf_hash"));
      CAAWATCH_ASSIGN_OR_RETURN(entry.tree_size, Unsigned(inclusion, "tree_size"));
      CAAWATCH_ASSIGN_OR_RETURN(entry.root_hash, Base64Hash(inclusion["root_hash"], "root_hash"));
    }
    file.entries.push_back(entry);
  }
  return file;
}

}  // namespace caawatch::evidence
