// A finding's log entry with its inclusion proof, fetched from the log and verified (RFC 6962
// get-entries and get-proof-by-hash, or a static-ct-api log's data and hash tiles), against the
// signed head the entry was proven in when it was judged (store/SCHEMA.md "Inclusion"); and the
// stored form of it (store/entry_proof.proto).
#ifndef CAAWATCH_TAIL_ENTRY_PROOF_FETCH_H_
#define CAAWATCH_TAIL_ENTRY_PROOF_FETCH_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "ctlog/http_fetcher.h"
#include "ctlog/log_types.h"
#include "evidence/entry_evidence.h"
#include "store/entry_proof.pb.h"
#include "store/records.pb.h"

namespace caawatch::tail {

// The entry `entry` of `log` as the log serves it, checked to be the leaf judged
// (entry.inclusion().leaf_hash), with its audit path to `head` (the TreeHeadRecord of the
// inclusion's size and root), verified with the log's key (evidence::VerifyEntryEvidence).
// Through `fetcher` (borrowed). kUnavailable (or kNotFound, kInvalidArgument) when the log
// cannot serve it now; kDataLoss when what it serves is not the entry judged or does not verify.
[[nodiscard]] absl::StatusOr<evidence::EntryEvidence> FetchEntryProof(
    ctlog::HttpFetcher* fetcher, const ctlog::LogInfo& log, const store::EntryRef& entry,
    const store::TreeHeadRecord& head);

// The record that stores `evidence`, stamped `stored_ms`.
store::EntryProofRecord ToEntryProofRecord(const evidence::EntryEvidence& evidence,
                                           int64_t stored_ms);
// The evidence a record without `failure` holds (unverified: the caller verifies).
evidence::EntryEvidence FromEntryProofRecord(const store::EntryProofRecord& record);

}  // namespace caawatch::tail

#endif  // CAAWATCH_TAIL_ENTRY_PROOF_FETCH_H_
