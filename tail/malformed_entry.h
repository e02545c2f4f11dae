// Log entries whose certificate could not be parsed, as findings of their own (SPEC §6
// `malformed_cert`, as certspotter: log, index, leaf hash, parse error). Such an entry has no
// TBS hash to link it by (a hash that could not be computed is never a key), so each is keyed
// by its Merkle leaf hash: two damaged certificates never merge, and none vanishes.
#ifndef CAAWATCH_TAIL_MALFORMED_ENTRY_H_
#define CAAWATCH_TAIL_MALFORMED_ENTRY_H_

#include <cstdint>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "ctlog/log_entry.h"
#include "ctlog/log_types.h"
#include "judge/issuance_evaluator.h"
#include "store/records.pb.h"

namespace caawatch::tail {

// Whether a decoded entry is a malformed certificate: its TBSCertificate could not be hashed,
// so it cannot be linked to its precertificate or final certificate, nor judged as one.
bool IsMalformedCertificate(const ctlog::LogEntry& entry);

// The malformed_cert finding of a decoded entry: the names that could be read (`names`, indexed
// for `history`), issuer and validity where readable, the entry, its leaf hash, and the parse
// error in decode_error. `hits` non-empty (a readable name is watched): severity warning, an
// alert. Empty (the damage may hide a watched name, none readable is watched): severity info,
// recorded for the owner to look at, not alerted: a log full of garbage must not page every
// watcher of every domain. The certificate hashes are kept only for a hit (its DER is stored).
store::FindingRecord MalformedCertFinding(const ctlog::LogEntry& entry, const ctlog::LogInfo& log,
                                          const std::vector<judge::WatchHit>& hits, absl::Time now);

// The malformed_cert finding (severity info) of an entry whose leaf_input itself does not parse
// (`error` says how): nothing in it can be read, not even its timestamp, but the signed tree
// holds it.
store::FindingRecord UnreadableLeafFinding(uint64_t index, const ctlog::RawEntry& raw,
                                           absl::string_view error, const ctlog::LogInfo& log,
                                           absl::Time now);

}  // namespace caawatch::tail

#endif  // CAAWATCH_TAIL_MALFORMED_ENTRY_H_
