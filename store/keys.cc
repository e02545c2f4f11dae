#include "store/keys.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "store/finding_kind.h"

namespace caawatch::store {

std::string BigEndian64(uint64_t value) {
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i) {
    out[i] = static_cast<char>(value & 0xff);
    value >>= 8;
  }
  return out;
}

uint64_t ReadBigEndian64(absl::string_view bytes) {
  uint64_t value = 0;
  for (int i = 0; i < 8; ++i) value = (value << 8) | static_cast<uint8_t>(bytes[i]);
  return value;
}

std::string FindingKey(const FindingRecord& finding) {
  if (HasKind(finding, FindingKind::kLogMisbehaviour)) return "m" + finding.misbehaviour_key();
  if (HasKind(finding, FindingKind::kMalformedCert)) return "l" + finding.leaf_hash();
  if (HasKind(finding, FindingKind::kCaaBreaksRenewal)) return "r" + finding.renewal_key();
  return "c" + finding.tbs_sha256();
}

std::string ReversedName(absl::string_view name) {
  std::vector<absl::string_view> labels = absl::StrSplit(name, '.');
  std::reverse(labels.begin(), labels.end());
  return absl::StrJoin(labels, ".");
}

std::string NameKey(absl::string_view name, uint64_t seq) {
  return ReversedName(name) + std::string(1, '\0') + BigEndian64(seq);
}

std::string VerdictKey(absl::string_view verdict, uint64_t seq) {
  return std::string(verdict) + std::string(1, '\0') + BigEndian64(seq);
}

std::string TimeKey(int64_t recorded_ms, uint64_t seq) {
  return BigEndian64(static_cast<uint64_t>(std::max<int64_t>(recorded_ms, 0))) + BigEndian64(seq);
}

std::string ObservationKey(absl::string_view query_name, int64_t first_seen_ms) {
  return std::string(query_name) + std::string(1, '\0') +
         BigEndian64(static_cast<uint64_t>(first_seen_ms));
}

std::string IssuedKey(int64_t issued_ms, absl::string_view finding_key) {
  return "t" + BigEndian64(static_cast<uint64_t>(std::max<int64_t>(issued_ms, 0))) +
         std::string(finding_key);
}

std::string UnknownIssuerKey(const FindingRecord& finding, absl::string_view finding_key) {
  const std::string& id = finding.issuer().spki_sha256().empty() ? finding.issuer().dn()
                                                                 : finding.issuer().spki_sha256();
  return "u" + id + std::string(1, '\0') + std::string(finding_key);
}

int64_t IssuedMs(const FindingRecord& finding) {
  int64_t earliest = 0;
  for (const EntryRef& e : finding.entries()) {
    if (earliest == 0 || e.timestamp_ms() < earliest) earliest = e.timestamp_ms();
  }
  return earliest;
}

std::string TreeHeadKey(absl::string_view log_id, uint64_t tree_size, absl::string_view root) {
  return std::string(log_id) + BigEndian64(tree_size) + std::string(root);
}

std::string CaaPolledKey(int64_t polled_ms, uint64_t first_name_hash) {
  return BigEndian64(static_cast<uint64_t>(polled_ms)) + BigEndian64(first_name_hash);
}

}  // namespace caawatch::store
