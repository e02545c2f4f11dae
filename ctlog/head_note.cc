#include "ctlog/head_note.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "ctlog/checkpoint.h"

namespace caawatch::ctlog {

std::string HeadNoteOrigin(const LogInfo& log) {
  return HeadNoteOrigin(log.url, log.submission_url, log.kind);
}

std::string HeadNoteOrigin(absl::string_view url, absl::string_view submission_url, LogKind kind) {
  return CheckpointOrigin(kind == LogKind::kStaticCtApi ? submission_url : url);
}

std::string RenderSthNote(const SignedTreeHead& sth, absl::string_view origin,
                          const Sha256Hash& log_id) {
  const NoteKeyId key_id = Rfc6962NoteKeyId(origin, log_id);
  std::string signed_bytes(key_id.begin(), key_id.end());
  for (int shift = 56; shift >= 0; shift -= 8) {
    signed_bytes.push_back(static_cast<char>((sth.timestamp_ms >> shift) & 0xff));
  }
  signed_bytes.append(sth.signature.begin(), sth.signature.end());
  const std::string root(sth.root_hash.begin(), sth.root_hash.end());
  return absl::StrCat(origin, "\n", sth.tree_size, "\n", absl::Base64Escape(root), "\n\n",
                      "\xE2\x80\x94 ", origin, " ", absl::Base64Escape(signed_bytes), "\n");
}

}  // namespace caawatch::ctlog
