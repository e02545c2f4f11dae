// A log's tree head as a signed note (c2sp.org/signed-note, c2sp.org/tlog-checkpoint), the form
// `caawatch heads` prints and `heads compare` reads (SPEC §9). A static-ct-api log's head is its
// checkpoint as served. An RFC 6962 STH is rendered the way static-ct-api signs checkpoints, so
// that one verifier (VerifyCheckpoint) checks both:
//   <origin>\n<tree_size>\n<base64 root hash>\n\n— <origin> <base64(key ID || sig)>\n
// with origin = the log URL without scheme and trailing '/', key ID = Rfc6962NoteKeyId(origin,
// log ID) and sig = the STH's uint64 timestamp || its TLS DigitallySigned signature, the log's
// own RFC 6962 §3.5 signature over the TreeHeadSignature, kept unchanged.
#ifndef CAAWATCH_CTLOG_HEAD_NOTE_H_
#define CAAWATCH_CTLOG_HEAD_NOTE_H_

#include <string>

#include "absl/strings/string_view.h"
#include "ctlog/log_types.h"

namespace caawatch::ctlog {

// The note's origin line for `log`: the submission prefix of a tiled log (its checkpoint's
// origin), the URL of an RFC 6962 log, each without scheme and trailing '/'.
std::string HeadNoteOrigin(const LogInfo& log);
// Same, from what a stored log state keeps: its URL and kind.
std::string HeadNoteOrigin(absl::string_view url, absl::string_view submission_url, LogKind kind);

// `sth` (signed by the log whose ID is `log_id`) as the note above.
std::string RenderSthNote(const SignedTreeHead& sth, absl::string_view origin,
                          const Sha256Hash& log_id);

}  // namespace caawatch::ctlog

#endif  // CAAWATCH_CTLOG_HEAD_NOTE_H_
