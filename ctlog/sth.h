// Signed tree heads (RFC 6962 §3.5, §4.3): the get-sth JSON and its TreeHeadSignature.
#ifndef CAAWATCH_CTLOG_STH_H_
#define CAAWATCH_CTLOG_STH_H_

#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "ctlog/log_key.h"
#include "ctlog/log_types.h"

namespace caawatch::ctlog {

// {"tree_size", "timestamp", "sha256_root_hash" (base64), "tree_head_signature" (base64)}.
// kDataLoss for anything malformed; never throws.
absl::StatusOr<SignedTreeHead> ParseSthJson(absl::string_view json);

// version v1(0) || signature_type tree_hash(1) || timestamp u64 || tree_size u64 || root[32].
std::vector<uint8_t> TreeHeadSignatureInput(const SignedTreeHead& sth);

// kDataLoss unless `sth.signature` is the log's signature over the tree head.
absl::Status VerifySth(const LogKey& key, const SignedTreeHead& sth);

}  // namespace caawatch::ctlog

#endif  // CAAWATCH_CTLOG_STH_H_
