#include "ctlog/sth.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "nlohmann/json.hpp"

namespace caawatch::ctlog {

absl::StatusOr<SignedTreeHead> ParseSthJson(absl::string_view json) {
  const nlohmann::json doc = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object())
    return absl::DataLossError("get-sth: not a JSON object");
  for (const char* key : {"tree_size", "timestamp"}) {
    if (!doc.contains(key) || !doc[key].is_number_unsigned()) {
      return absl::DataLossError(absl::StrCat("get-sth: missing or bad ", key));
    }
  }
  for (const char* key : {"sha256_root_hash", "tree_head_signature"}) {
    if (!doc.contains(key) || !doc[key].is_string()) {
      return absl::DataLossError(absl::StrCat("get-sth: missing or bad ", key));
    }
  }
  SignedTreeHead sth;
  sth.tree_size = doc["tree_size"].get<uint64_t>();
  sth.timestamp_ms = doc["timestamp"].get<uint64_t>();
  std::string root, signature;
  if (!absl::Base64Unescape(doc["sha256_root_hash"].get<std::string>(), &root) ||
      root.size() != 32) {
    return absl::DataLossError("get-sth: sha256_root_hash is not 32 base64 bytes");
  }
  if (!absl::Base64Unescape(doc["tree_head_signature"].get<std::string>(), &signature) ||
      signature.empty()) {
    return absl::DataLossError("get-sth: tree_head_signature is not base64");
  }
  std::copy(root.begin(), root.end(), sth.root_hash.begin());
  sth.signature.assign(signature.begin(), signature.end());
  return sth;
}

std::vector<uint8_t> TreeHeadSignatureInput(const SignedTreeHead& sth) {
  std::vector<uint8_t> out = {0, 1};
  for (int i = 7; i >= 0; --i) out.push_back(static_cast<uint8_t>(sth.timestamp_ms >> (8 * i)));
  for (int i = 7; i >= 0; --i) out.push_back(static_cast<uint8_t>(sth.tree_size >> (8 * i)));
  out.insert(out.end(), sth.root_hash.begin(), sth.root_hash.end());
  return out;
}

absl::Status VerifySth(const LogKey& key, const SignedTreeHead& sth) {
  return Annotate(key.VerifyDigitallySigned(TreeHeadSignatureInput(sth), sth.signature),
                  absl::StrCat("STH of tree size ", sth.tree_size));
}

}  // namespace caawatch::ctlog
