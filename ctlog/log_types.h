// Plain CT value types shared by the log list, the clients and the tailer (RFC 6962 §3-§4).
#ifndef CAAWATCH_CTLOG_LOG_TYPES_H_
#define CAAWATCH_CTLOG_LOG_TYPES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "ctlog/sha256.h"

namespace caawatch::ctlog {

enum class LogState { kPending, kQualified, kUsable, kReadOnly, kRetired, kRejected };
enum class LogKind { kRfc6962, kStaticCtApi };

// One log from a v3 log list. `url` is the RFC 6962 base URL (with trailing '/') or, for a
// tiled log, the monitoring prefix (with trailing '/').
struct LogInfo {
  std::string description;
  std::string operator_name;
  Sha256Hash log_id{};           // SHA-256 of the DER SubjectPublicKeyInfo.
  std::vector<uint8_t> key_der;  // DER SubjectPublicKeyInfo (ECDSA P-256 or RSA).
  std::string url;
  std::string submission_url;  // Tiled logs only.
  // RFC 6962 logs that also serve static-ct-api tiles (SPEC §9): the prefix of their tiles,
  // read instead of get-entries. From the log list's `tiles_url` (a caawatch extension of the
  // v3 format: the published lists have no such field) or the configuration's `log_tiles`.
  std::string tiles_url;
  absl::Duration mmd = absl::Hours(24);
  LogState state = LogState::kUsable;
  absl::Time state_since = absl::InfinitePast();
  LogKind kind = LogKind::kRfc6962;
  // Temporal interval [start_inclusive, end_exclusive) of notAfter accepted, if any.
  absl::Time temporal_start = absl::InfinitePast();
  absl::Time temporal_end = absl::InfiniteFuture();
  uint64_t final_tree_size = 0;  // For read-only/retired logs with a final tree head.
};

// RFC 6962 §3.5 / §4.3. `signature` is the raw TLS DigitallySigned struct.
struct SignedTreeHead {
  uint64_t tree_size = 0;
  uint64_t timestamp_ms = 0;
  Sha256Hash root_hash{};
  std::vector<uint8_t> signature;
};

// One get-entries element, base64-decoded (RFC 6962 §4.6).
struct RawEntry {
  std::vector<uint8_t> leaf_input;
  std::vector<uint8_t> extra_data;
};

}  // namespace caawatch::ctlog

#endif  // CAAWATCH_CTLOG_LOG_TYPES_H_
