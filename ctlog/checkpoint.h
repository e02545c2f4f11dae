// static-ct-api checkpoints: a signed note (c2sp.org/signed-note) carrying a tlog checkpoint
// (c2sp.org/tlog-checkpoint), signed by the log with an RFC6962NoteSignature
// (c2sp.org/static-ct-api, "Checkpoints"). A verified checkpoint is an RFC 6962 STH.
#ifndef CAAWATCH_CTLOG_CHECKPOINT_H_
#define CAAWATCH_CTLOG_CHECKPOINT_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "ctlog/log_key.h"
#include "ctlog/log_types.h"

namespace caawatch::ctlog {

// Larger notes are refused unread: real checkpoints with a dozen cosignatures stay under 2 KiB.
inline constexpr size_t kMaxCheckpointBytes = size_t{64} << 10;
inline constexpr size_t kMaxNoteSignatures = 100;

using NoteKeyId = std::array<uint8_t, 4>;

// One signature line: "— <name> <base64(key ID || signature)>".
struct NoteSignature {
  std::string name;
  NoteKeyId key_id{};
  std::vector<uint8_t> signature;  // After the key ID; at least one byte.
};

// A parsed, unverified checkpoint note.
struct Checkpoint {
  std::string origin;
  uint64_t tree_size = 0;
  Sha256Hash root_hash{};
  std::vector<std::string> extensions;  // Lines after the root hash, in order.
  std::vector<NoteSignature> signatures;
};

// Parses a signed note holding a checkpoint:
//   <origin>\n<decimal size, no leading zeros>\n<base64 root, 32 bytes>\n[<extension>\n]*
//   \n
//   (— <name> <base64 of >= 5 bytes>\n)+
// kDataLoss for anything else: over kMaxCheckpointBytes, control characters other than \n,
// no final newline, no blank line, an empty text line, a bad size or hash, a malformed or
// missing signature line, or more than kMaxNoteSignatures of them.
absl::StatusOr<Checkpoint> ParseCheckpoint(absl::string_view note);

// The origin line a static-ct-api log uses: its submission prefix without the scheme and the
// trailing slashes ("https://log.example/2026h1/" -> "log.example/2026h1").
std::string CheckpointOrigin(absl::string_view submission_url);

// RFC6962NoteSignature key ID: SHA-256(origin || 0x0A || 0x05 || log ID)[:4].
NoteKeyId Rfc6962NoteKeyId(absl::string_view origin, const Sha256Hash& log_id);

struct VerifiedCheckpoint {
  SignedTreeHead sth;  // tree_size, root_hash from the note; timestamp, signature from the log.
  std::string note;    // The note as served: the evidence a signed head rests on.
};

// Parses `note` and verifies it is the log's checkpoint: the origin line equals `origin`,
// there are no extension lines (the RFC6962NoteSignature does not cover them), and at least
// one signature line named `origin` carries the log's key ID. Each such line must be
// timestamp uint64 || TLS DigitallySigned over the RFC 6962 TreeHeadSignature and verify with
// `key`. Lines of other names or keys (witnesses, grease) are ignored. kDataLoss otherwise.
absl::StatusOr<VerifiedCheckpoint> VerifyCheckpoint(absl::string_view note, const LogKey& key,
                                                    absl::string_view origin);

}  // namespace caawatch::ctlog

#endif  // CAAWATCH_CTLOG_CHECKPOINT_H_
