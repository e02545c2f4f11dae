// What a finding's hooks need from its log entry beyond the finding, committed with it
// (store/entry_evidence.proto): certspotter-script(8)'s CERT_FILENAME is the certificate chain
// and a malformed_cert's ENTRY_FILENAME the log entry.
#ifndef CAAWATCH_TAIL_ENTRY_EVIDENCE_H_
#define CAAWATCH_TAIL_ENTRY_EVIDENCE_H_

#include "ctlog/log_entry.h"
#include "ctlog/log_types.h"
#include "tail/held_findings.h"

namespace caawatch::tail {

// For a `malformed` finding, `raw` as served; else, when the finding stores its certificate,
// the issuers in raw.extra_data (at most 10, issuer first; none when extra_data is malformed).
HeldFindings::EntryEvidence EvidenceOf(const ctlog::LogEntry& entry, const ctlog::RawEntry& raw,
                                       bool malformed, bool stores_certificate);

}  // namespace caawatch::tail

#endif  // CAAWATCH_TAIL_ENTRY_EVIDENCE_H_
