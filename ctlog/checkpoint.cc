#include "ctlog/checkpoint.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "base/status_macros.h"
#include "ctlog/sth.h"
#include "ctlog/tls_reader.h"

namespace caawatch::ctlog {
namespace {

constexpr absl::string_view kSignaturePrefix = "\xE2\x80\x94 ";  // U+2014 EM DASH, space.

absl::Status Malformed(absl::string_view why) {
  return absl::DataLossError(absl::StrCat("checkpoint: ", why));
}

// Standard padded base64 in its one canonical spelling: the text of a note is what a witness
// or auditor compares, so a second encoding of the same bytes is refused.
bool DecodeCanonicalBase64(absl::string_view in, std::string* out) {
  return !in.empty() && absl::Base64Unescape(in, out) && absl::Base64Escape(*out) == in;
}

// Decimal without sign or leading zeros ("0" itself is fine), within uint64.
bool ParseTreeSize(absl::string_view text, uint64_t* out) {
  if (text.empty() || text.size() > 20 || (text.size() > 1 && text[0] == '0')) return false;
  if (!std::all_of(text.begin(), text.end(), absl::ascii_isdigit)) return false;
  return absl::SimpleAtoi(text, out);
}

// signed-note: the text is UTF-8 without ASCII control characters except newline.
absl::Status CheckCharacters(absl::string_view note) {
  for (char c : note) {
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\n') || u == 0x7f) {
      return Malformed(absl::StrCat("control character 0x", absl::Hex(u), " in the note"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<NoteSignature> ParseSignatureLine(absl::string_view line) {
  if (!absl::ConsumePrefix(&line, kSignaturePrefix)) {
    return Malformed("signature line does not start with \"\xE2\x80\x94 \"");
  }
  const size_t space = line.find(' ');
  if (space == 0 || space == absl::string_view::npos) {
    return Malformed("signature line is not \"<name> <signature>\"");
  }
  NoteSignature sig;
  sig.name = std::string(line.substr(0, space));
  if (absl::StrContains(sig.name, '+')) return Malformed("signature name contains '+'");
  std::string raw;
  if (!DecodeCanonicalBase64(line.substr(space + 1), &raw) || raw.size() < 5) {
    return Malformed(absl::StrCat("signature of '", sig.name, "' is not base64 of >= 5 bytes"));
  }
  std::copy(raw.begin(), raw.begin() + 4, sig.key_id.begin());
  sig.signature.assign(raw.begin() + 4, raw.end());
  return sig;
}

absl::Status ParseBody(absl::string_view text, Checkpoint* out) {
  std::vector<absl::string_view> lines = absl::StrSplit(text, '\n');
  lines.pop_back();  // The text ends with a newline: the last piece is empty.
  if (lines.size() < 3) return Malformed("fewer than three lines before the signatures");
  if (std::any_of(lines.begin(), lines.end(), [](absl::string_view l) { return l.empty(); })) {
    return Malformed("empty line inside the checkpoint body");
  }
  out->origin = std::string(lines[0]);
  if (!ParseTreeSize(lines[1], &out->tree_size)) {
    return Malformed(absl::StrCat("tree size '", lines[1].substr(0, 32), "' is not a decimal"));
  }
  std::string root;
  if (!DecodeCanonicalBase64(lines[2], &root) || root.size() != out->root_hash.size()) {
    return Malformed("root hash is not base64 of 32 bytes");
  }
  std::copy(root.begin(), root.end(), out->root_hash.begin());
  for (size_t i = 3; i < lines.size(); ++i) out->extensions.emplace_back(lines[i]);
  return absl::OkStatus();
}

// RFC6962NoteSignature after the key ID: uint64 timestamp || TLS DigitallySigned.
absl::StatusOr<SignedTreeHead> SthFromSignature(const Checkpoint& checkpoint,
                                                const NoteSignature& sig) {
  TlsReader r(sig.signature);
  SignedTreeHead sth;
  absl::Span<const uint8_t> digitally_signed;
  if (!r.ReadUint(8, &sth.timestamp_ms) || !r.ReadBytes(r.remaining(), &digitally_signed) ||
      digitally_signed.empty()) {
    return Malformed("RFC6962NoteSignature shorter than its timestamp");
  }
  sth.tree_size = checkpoint.tree_size;
  sth.root_hash = checkpoint.root_hash;
  sth.signature.assign(digitally_signed.begin(), digitally_signed.end());
  return sth;
}

}  // namespace

absl::StatusOr<Checkpoint> ParseCheckpoint(absl::string_view note) {
  if (note.size() > kMaxCheckpointBytes) {
    return Malformed(absl::StrCat(note.size(), " bytes, over the limit of ", kMaxCheckpointBytes));
  }
  CAAWATCH_RETURN_IF_ERROR(CheckCharacters(note));
  if (note.empty() || note.back() != '\n') return Malformed("does not end with a newline");
  // signed-note: the signatures follow the last blank line.
  const size_t split = note.rfind("\n\n");
  if (split == absl::string_view::npos) return Malformed("no blank line before the signatures");
  Checkpoint checkpoint;
  CAAWATCH_RETURN_IF_ERROR(ParseBody(note.substr(0, split + 1), &checkpoint));
  absl::string_view block = note.substr(split + 2);
  if (block.empty()) return Malformed("no signature lines");
  block.remove_suffix(1);  // The final newline.
  for (absl::string_view line : absl::StrSplit(block, '\n')) {
    if (checkpoint.signatures.size() == kMaxNoteSignatures) {
      return Malformed(absl::StrCat("more than ", kMaxNoteSignatures, " signature lines"));
    }
    CAAWATCH_ASSIGN_OR_RETURN(NoteSignature sig, ParseSignatureLine(line));
    checkpoint.signatures.push_back(std::move(sig));
  }
  return checkpoint;
}

std::string CheckpointOrigin(absl::string_view submission_url) {
  absl::string_view origin = submission_url;
  if (!absl::ConsumePrefix(&origin, "https://")) absl::ConsumePrefix(&origin, "http://");
  while (absl::ConsumeSuffix(&origin, "/")) {
  }
  return std::string(origin);
}

NoteKeyId Rfc6962NoteKeyId(absl::string_view origin, const Sha256Hash& log_id) {
  std::string input(origin);
  input.push_back('\n');
  input.push_back('\x05');  // Signature type 0x05: RFC6962NoteSignature.
  input.append(log_id.begin(), log_id.end());
  const Sha256Hash digest = Sha256(input);
  NoteKeyId id;
  std::copy(digest.begin(), digest.begin() + id.size(), id.begin());
  return id;
}

absl::StatusOr<VerifiedCheckpoint> VerifyCheckpoint(absl::string_view note, const LogKey& key,
                                                    absl::string_view origin) {
  CAAWATCH_ASSIGN_OR_RETURN(const Checkpoint checkpoint, ParseCheckpoint(note));
  if (checkpoint.origin != origin) {
    return Malformed(absl::StrCat("origin '", checkpoint.origin.substr(0, 200),
                                  "' is not the log's origin '", origin, "'"));
  }
  if (!checkpoint.extensions.empty()) {
    return Malformed("extension lines, which an RFC6962NoteSignature does not cover");
  }
  const NoteKeyId key_id = Rfc6962NoteKeyId(origin, key.log_id());
  std::optional<VerifiedCheckpoint> verified;
  for (const NoteSignature& sig : checkpoint.signatures) {
    if (sig.name != origin || sig.key_id != key_id) continue;  // A witness, grease, other key.
    CAAWATCH_ASSIGN_OR_RETURN(SignedTreeHead sth, SthFromSignature(checkpoint, sig));
    CAAWATCH_RETURN_IF_ERROR(Annotate(VerifySth(key, sth), "checkpoint"));
    if (!verified.has_value()) verified = VerifiedCheckpoint{std::move(sth), std::string(note)};
  }
  if (!verified.has_value()) return Malformed("no signature line from the log's key");
  return *std::move(verified);
}

}  // namespace caawatch::ctlog
