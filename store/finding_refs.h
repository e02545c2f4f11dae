// What the findings hold on to, as meta index keys written in the same batch as the finding
// (SCHEMA.md "Retention"): the tree heads their entries are proven in (`head_ref/`) and the CAA
// spans their evaluations cover (`caa_ref/`). The pruners ask these per candidate instead of
// reading every finding at every pass, which grew with the store's age (~25,000 findings a day
// for a million watched names).
#ifndef CAAWATCH_STORE_FINDING_REFS_H_
#define CAAWATCH_STORE_FINDING_REFS_H_

#include <cstdint>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "rocksdb/write_batch.h"
#include "store/database.h"
#include "store/records.pb.h"

namespace caawatch::store {

// Puts the index keys of `finding` (its entries' inclusion heads; for every CaaNameRecord of its
// current and superseded evaluations, the name, the relevant name and the cited observations'
// query names over the window widened to those observations' spans) into `batch`. Keys are
// only ever added: a finding gains entries and revisions, never loses them.
void StageFindingRefs(const Database& db, const FindingRecord& finding, rocksdb::WriteBatch* batch);

// Whether a finding's entry is proven in the tree head of tree_heads key `head_key`.
absl::StatusOr<bool> HeadReferenced(const Database& db, absl::string_view head_key);

// Whether a finding's evaluation covers an observation of `query_name` seen over
// [first_seen_ms, last_seen_ms].
absl::StatusOr<bool> CaaSpanReferenced(const Database& db, absl::string_view query_name,
                                       int64_t first_seen_ms, int64_t last_seen_ms);

// Writes the index keys of every stored finding, in batches (schema version 3 -> 4; every key is
// idempotent, so an interrupted build is simply redone).
absl::Status BuildFindingRefs(Database& db);

}  // namespace caawatch::store

#endif  // CAAWATCH_STORE_FINDING_REFS_H_
