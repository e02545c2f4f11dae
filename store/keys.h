// Key layouts of the store's column families (SCHEMA.md): byte order equals the order users
// scan in, so range scans need no sorting.
#ifndef CAAWATCH_STORE_KEYS_H_
#define CAAWATCH_STORE_KEYS_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "store/records.pb.h"

namespace caawatch::store {

std::string BigEndian64(uint64_t value);
uint64_t ReadBigEndian64(absl::string_view bytes);  // Precondition: size() >= 8.

// findings: 'c' + tbs_sha256 for certificates, 'l' + leaf_hash for malformed certificates (no
// TBS hash to link them by), 'm' + misbehaviour_key for log misbehaviour, 'r' + renewal_key
// for caa_breaks_renewal.
std::string FindingKey(const FindingRecord& finding);
// "www.example.com" -> "com.example.www": a subtree is a key prefix.
std::string ReversedName(absl::string_view name);
// by_name: reversed name + 0x00 + BE64(seq).
std::string NameKey(absl::string_view name, uint64_t seq);
// by_verdict: verdict + 0x00 + BE64(seq).
std::string VerdictKey(absl::string_view verdict, uint64_t seq);
// by_time: BE64(recorded_ms) + BE64(seq). recorded_ms never decreases along seq.
std::string TimeKey(int64_t recorded_ms, uint64_t seq);
// caa_obs: query name + 0x00 + BE64(first_seen_ms).
std::string ObservationKey(absl::string_view query_name, int64_t first_seen_ms);

// reeval: 't' + BE64(issued_ms) + finding key: certificate findings by the end of their CAA
// windows (earliest log timestamp).
std::string IssuedKey(int64_t issued_ms, absl::string_view finding_key);
// reeval: 'u' + issuer id (spki_sha256, else SHA-less DN bytes) + 0x00 + finding key: findings
// whose verdict is unknown_issuer.
std::string UnknownIssuerKey(const FindingRecord& finding, absl::string_view finding_key);
// The earliest entry timestamp of a certificate finding (0 without entries).
int64_t IssuedMs(const FindingRecord& finding);
// tree_heads: log ID (32 bytes) + BE64(tree_size) + root hash (32 bytes).
std::string TreeHeadKey(absl::string_view log_id, uint64_t tree_size, absl::string_view root);
// caa_polled: BE64(polled_ms) + BE64(first name hash of the record).
std::string CaaPolledKey(int64_t polled_ms, uint64_t first_name_hash);

}  // namespace caawatch::store

#endif  // CAAWATCH_STORE_KEYS_H_
