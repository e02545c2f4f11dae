#include "tests/store/simulated_week.h"

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "store/keys.h"

namespace caawatch::testing {
namespace {

// 32 bytes: `tag`, then `a` and `b` big-endian, zero-padded.
std::string Bytes32(char tag, uint64_t a, uint64_t b) {
  std::string out(32, '\0');
  out[0] = tag;
  const std::string ab = store::BigEndian64(a) + store::BigEndian64(b);
  out.replace(8, ab.size(), ab);
  return out;
}

}  // namespace

// Distinct from the first byte on, as SHA-256 log IDs are ("AAAA...", "BBBB...").
std::string SimulatedWeek::LogId(int log) const {
  return std::string(32, static_cast<char>('A' + log));
}
std::string SimulatedWeek::Root(int log, int64_t k) const {
  return Bytes32('R', log, static_cast<uint64_t>(k));
}

absl::Status WriteSimulatedWeek(const SimulatedWeek& week, store::Store* store,
                                const std::vector<int64_t>& finding_k, int64_t misbehaviour_k) {
  store::Database& db = store->database();
  const int64_t n = week.heads_per_log();
  for (int log = 0; log < week.logs; ++log) {
    rocksdb::WriteBatch batch;
    for (int64_t k = 0; k < n; ++k) {
      store::TreeHeadRecord head;
      head.set_log_id(week.LogId(log));
      head.set_tree_size(week.Size(k));
      head.set_root_hash(week.Root(log, k));
      const int64_t ms = absl::ToUnixMillis(week.SignedAt(k));
      head.set_timestamp_ms(static_cast<uint64_t>(ms));
      head.set_latest_timestamp_ms(static_cast<uint64_t>(ms));
      head.set_first_seen_ms(ms);
      head.set_last_seen_ms(ms);
      head.set_signature(std::string(72, 's'));  // The size of an ECDSA P-256 signature.
      const bool bad = log == 0 && k == misbehaviour_k;
      head.set_audit(bad ? "misbehaviour" : "consistent");
      if (bad) head.set_audit_error("a second root for this size");
      head.set_audited_against_size(week.Size(n - 1));
      batch.Put(db.handle(store::Family::kTreeHeads),
                store::TreeHeadKey(head.log_id(), head.tree_size(), head.root_hash()),
                head.SerializeAsString());
      // A batch of 10,000 heads (about 2 MB) at a time: bounded memory.
      if (batch.Count() >= 10000) {
        CAAWATCH_RETURN_IF_ERROR(db.Write(&batch, /*sync=*/false, "test heads"));
        batch.Clear();
      }
    }
    CAAWATCH_RETURN_IF_ERROR(db.Write(&batch, /*sync=*/false, "test heads"));

    store::CommitRequest request;
    store::LogStateRecord state;
    state.set_log_id(week.LogId(log));
    state.set_url(absl::StrCat("https://log", log, ".test/"));
    state.set_position(week.Size(n - 1));
    state.set_tree_size(week.Size(n - 1));
    state.set_verified_size(week.Size(n - 1));
    state.set_verified_root(week.Root(log, n - 1));
    request.log_state = state;
    store::FindingRecord finding;
    finding.set_kind("certificate");
    finding.set_verdict("forbidden");
    finding.set_severity("critical");
    finding.add_names(absl::StrCat("www", log, ".example.com"));
    finding.set_tbs_sha256(Bytes32('T', log, 0));
    store::EntryRef* entry = finding.add_entries();
    entry->set_log_id(week.LogId(log));
    entry->set_log_url(state.url());
    const int64_t k = finding_k[log];
    entry->set_index(week.Size(k) - 1);
    entry->set_timestamp_ms(absl::ToUnixMillis(week.SignedAt(k)) - 1000);
    store::InclusionRecord* proof = entry->mutable_inclusion();
    proof->set_leaf_hash(Bytes32('E', log, 0));
    proof->set_tree_size(week.Size(k));
    proof->set_root_hash(week.Root(log, k));
    proof->set_sth_timestamp_ms(static_cast<uint64_t>(absl::ToUnixMillis(week.SignedAt(k))));
    proof->set_method("root");
    request.findings.push_back(finding);
    CAAWATCH_RETURN_IF_ERROR(store->findings().Commit(std::move(request)).status());
  }
  for (absl::Time t = week.start; t < week.end(); t += absl::Hours(1)) {
    const std::vector<uint64_t> hashes = {1, 2, 3};
    CAAWATCH_RETURN_IF_ERROR(store->caa_polls().RecordPolled(t, hashes));
  }
  return absl::OkStatus();
}

}  // namespace caawatch::testing
