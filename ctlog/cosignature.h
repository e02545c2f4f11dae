// Witness cosignatures on checkpoints (c2sp.org/tlog-cosignature, Ed25519 "cosignature/v1"):
// a witness's statement that, as of its timestamp, the largest consistent tree it has seen of
// the log named by the origin line has this root. Checking that configured witnesses cosigned
// a head is what lets a monitor trust that browsers see the same tree (issue 21).
#ifndef CAAWATCH_CTLOG_COSIGNATURE_H_
#define CAAWATCH_CTLOG_COSIGNATURE_H_

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "ctlog/checkpoint.h"

namespace caawatch::ctlog {

// A witness as configured: its name and Ed25519 public key.
struct Cosigner {
  std::string name;
  std::array<uint8_t, 32> public_key{};
};

// A verifier key as witnesses publish them (c2sp.org/signed-note "vkeys"), signature type
// 0x04: "<name>+<8 hex digits of key ID>+<base64(0x04 || 32-byte key)>". kInvalidArgument for
// anything else, including a key ID that does not match the name and key.
[[nodiscard]] absl::StatusOr<Cosigner> ParseCosignerVkey(absl::string_view vkey);

// SHA-256(<name> || "\n" || 0x04 || key)[:4].
NoteKeyId CosignerKeyId(const Cosigner& cosigner);

struct CosignatureCheck {
  enum class State {
    kValid,    // A line with the cosigner's name and key ID whose signature verifies.
    kInvalid,  // Such a line whose signature does not verify, or is malformed: a finding.
    kAbsent,   // No line of that name and key ID.
  };
  std::string cosigner;
  State state = State::kAbsent;
  absl::Time signed_at = absl::InfinitePast();  // The cosignature's timestamp (kValid).
  std::string why;                              // For kInvalid.
  std::string line;  // kValid, kInvalid: the signature line as served, "— <name> <base64>".
};

// For each of `cosigners`, in order: whether the checkpoint `note` carries its valid
// cosignature. A timestamp after `now` plus a minute of clock skew counts as invalid. Lines of
// other names or key IDs are ignored. kDataLoss if `note` is not a checkpoint note.
[[nodiscard]] absl::StatusOr<std::vector<CosignatureCheck>> CheckCosignatures(
    absl::string_view note, const std::vector<Cosigner>& cosigners, absl::Time now);

}  // namespace caawatch::ctlog

#endif  // CAAWATCH_CTLOG_COSIGNATURE_H_
