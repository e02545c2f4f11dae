// An in-memory RFC 6962 log for tests: real MerkleTreeLeaf bytes, a real Merkle tree, STHs
// signed with its own P-256 key, consistency proofs. Entries become visible only when
// PublishSth() is called, so a test decides exactly when the tree grows.
#ifndef CAAWATCH_TESTS_FAKES_TEST_LOG_H_
#define CAAWATCH_TESTS_FAKES_TEST_LOG_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "base/clock.h"
#include "ctlog/log_client.h"
#include "ctlog/log_types.h"
#include "tests/fakes/openssl_handles.h"

namespace caawatch::fakes {

using Der = std::vector<uint8_t>;

// Thread-safe: the test log server reads it while a test appends and publishes.
class TestLog {
 public:
  // `clock` is borrowed (entry and STH timestamps); the key derives from `seed`. Starts with
  // a published STH of size 0. kInternal on OpenSSL failure.
  static absl::StatusOr<std::unique_ptr<TestLog>> Create(const Clock* clock, uint64_t seed);

  // Appends an x509_entry for `cert`; `chain` is the issuer first, up to the root (§3.4
  // extra_data certificate_chain). Returns the entry's index. Pending until PublishSth().
  absl::StatusOr<uint64_t> AddX509(const Der& cert, const std::vector<Der>& chain);
  // Appends a precert_entry: issuer_key_hash = SHA-256 of chain[0]'s SPKI, tbs_certificate =
  // the precert's TBS without the poison extension (re-encoded). kInvalidArgument if `precert`
  // does not parse, has no poison, or `chain` is empty.
  absl::StatusOr<uint64_t> AddPrecert(const Der& precert, const std::vector<Der>& chain);
  // Appends an entry whose MerkleTreeLeaf is `leaf_input` as given, with no extra_data: for
  // damaged-log tests, an entry no reader can parse that is still hashed into the tree.
  uint64_t AddRawLeaf(const Der& leaf_input);
  // Accepted roots, served by get-roots.
  void AddRoot(const Der& root);

  // Publishes and returns a signed STH over every entry appended so far.
  absl::StatusOr<ctlog::SignedTreeHead> PublishSth();
  ctlog::SignedTreeHead LatestSth() const;
  // Signs arbitrary values (for misbehaving-log tests): the DigitallySigned TLS struct over a
  // §3.5 TreeHeadSignature.
  absl::StatusOr<ctlog::SignedTreeHead> SignTreeHead(uint64_t tree_size, uint64_t timestamp_ms,
                                                     const ctlog::Sha256Hash& root) const;

  // Published entries [start, min(end, start + max_count - 1, size - 1)]. kInvalidArgument
  // if start > end or start >= the published size.
  absl::StatusOr<std::vector<ctlog::RawEntry>> GetEntries(uint64_t start, uint64_t end,
                                                          uint64_t max_count) const;
  // §2.1.2 PROOF(first, D[second]); kInvalidArgument unless 0 < first <= second <= published.
  absl::StatusOr<std::vector<ctlog::Sha256Hash>> ConsistencyProof(uint64_t first,
                                                                  uint64_t second) const;
  // §4.5 get-proof-by-hash: the first published entry with `leaf_hash` among the first
  // `tree_size` and PATH(its index, D[tree_size]). kInvalidArgument unless 0 < tree_size <=
  // published; kNotFound when no such entry.
  absl::StatusOr<ctlog::InclusionProof> InclusionProofByHash(const ctlog::Sha256Hash& leaf_hash,
                                                             uint64_t tree_size) const;
  // MTH over the first `size` entries (published or not); size must be <= appended_size().
  ctlog::Sha256Hash RootAt(uint64_t size) const;

  std::vector<Der> roots() const;
  uint64_t published_size() const;
  uint64_t appended_size() const;
  const Der& public_key_der() const { return public_key_der_; }
  const ctlog::Sha256Hash& log_id() const { return log_id_; }
  const Clock* clock() const { return clock_; }

 private:
  TestLog(const Clock* clock, UniqueEvpPkey key);
  uint64_t Append(ctlog::RawEntry entry) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const Clock* clock_;
  const UniqueEvpPkey key_;
  const Der public_key_der_;
  const ctlog::Sha256Hash log_id_;

  mutable absl::Mutex mu_;
  std::vector<ctlog::RawEntry> entries_ ABSL_GUARDED_BY(mu_);
  std::vector<ctlog::Sha256Hash> leaf_hashes_ ABSL_GUARDED_BY(mu_);
  std::vector<Der> roots_ ABSL_GUARDED_BY(mu_);
  ctlog::SignedTreeHead sth_ ABSL_GUARDED_BY(mu_);
};

}  // namespace caawatch::fakes

#endif  // CAAWATCH_TESTS_FAKES_TEST_LOG_H_
