// The CAA evidence of a bundle (SPEC §8): per relevant name, the observations of the finding's
// windows (first and last seen, outcome, DNSSEC status, the CAA RRset) in caa.json, and each
// DNS answer exactly as the resolver received it in caa-<name>-<first seen ms>.dns.
#ifndef CAAWATCH_EVIDENCE_CAA_FILES_H_
#define CAAWATCH_EVIDENCE_CAA_FILES_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace caawatch::evidence {

inline constexpr char kCaaIndexFileName[] = "caa.json";
// A DNS message over TCP is at most 65535 octets.
inline constexpr size_t kMaxDnsAnswerBytes = 65535;
// An index holds the observations of a finding's windows: a handful per name.
inline constexpr size_t kMaxCaaObservations = 4096;

struct CaaIndexRecord {
  uint32_t flags = 0;
  std::string tag;
  std::string value;  // Raw octets (JSON: base64).
  bool operator==(const CaaIndexRecord&) const = default;
};

struct CaaIndexEntry {
  std::string name;  // The query name.
  int64_t first_seen_ms = 0;
  int64_t last_seen_ms = 0;
  std::string outcome;  // "noerror", "nxdomain", "servfail", "timeout", ...
  int32_t rcode = 0;
  std::string dnssec;  // "secure", "insecure", "bogus", "indeterminate", "off".
  std::string basis;   // "" (a lookup) or "zone" (a followed zone's transfer: no answer file).
  std::vector<CaaIndexRecord> records;
  std::vector<std::string> cname_chain;
  std::string answer_file;  // "" when no DNS answer was received (a timeout, a zone record).
};

// "caa-<name>-<first_seen_ms>.dns"; a byte of the name other than [a-z0-9.-_] as "%XX".
std::string CaaAnswerFileName(absl::string_view name, int64_t first_seen_ms);

// caa.json: {"observations": [...]} in the order given.
std::string CaaIndexJson(absl::Span<const CaaIndexEntry> entries);
// kDataLoss for text that is not exactly what CaaIndexJson makes of the values it holds, or
// more than kMaxCaaObservations entries, or an answer_file that is not the entry's name.
[[nodiscard]] absl::StatusOr<std::vector<CaaIndexEntry>> ParseCaaIndexJson(absl::string_view text);

struct DnsAnswerCheck {
  size_t rrsigs = 0;  // RRSIG records in the answer section.
};
// Checks that the DNS message `wire` is the answer `entry` describes: a response to a CAA
// query for entry.name, with its rcode, its CNAME chain, and exactly its CAA RRset at the end
// of the chain. kDataLoss saying what differs (or that the message does not parse).
[[nodiscard]] absl::StatusOr<DnsAnswerCheck> CheckDnsAnswer(absl::string_view wire,
                                                            const CaaIndexEntry& entry);

}  // namespace caawatch::evidence

#endif  // CAAWATCH_EVIDENCE_CAA_FILES_H_
