// One DNS CAA answer as evidence: what a query for a name returned, with the facts needed to
// judge it later (rcode, DNSSEC status, authoritative TTL, alias chain, raw bytes).
#ifndef CAAWATCH_CAA_CAA_ANSWER_H_
#define CAAWATCH_CAA_CAA_ANSWER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace caawatch::caa {

// RFC 8659 §4.1 resource record: flags, tag, value (value bytes kept verbatim).
struct CaaRecord {
  uint8_t flags = 0;
  std::string tag;    // As on the wire; compare case-insensitively.
  std::string value;  // Raw value octets.
  bool critical() const { return (flags & 0x80) != 0; }
  bool operator==(const CaaRecord&) const = default;
};

// kOff: validation was switched off (`--dnssec off`), so nothing is known, and the user
// should see that this was their choice, not a failure (kIndeterminate: not looked up or failed).
enum class DnssecStatus { kSecure, kInsecure, kBogus, kIndeterminate, kOff };

// How the lookup ended. Only kNoError and kNxDomain are answers; the rest are failures that
// make an evaluation indeterminate, never permitted.
enum class LookupOutcome {
  kNoError,
  kNxDomain,
  kServFail,
  kRefused,
  kTimeout,
  kBogus,
  kOtherError
};

struct CaaAnswer {
  std::string qname;  // The query name: a names::DomainName's text.
  LookupOutcome outcome = LookupOutcome::kNoError;
  int rcode = 0;                   // DNS rcode as received (0 NOERROR, 2 SERVFAIL, 3 NXDOMAIN).
  std::vector<CaaRecord> records;  // Empty for NODATA/NXDOMAIN.
  std::vector<std::string> cname_chain;  // Alias targets followed, in order.
  uint32_t ttl = 0;                      // Authoritative TTL of the CAA RRset (or negative TTL).
  DnssecStatus dnssec = DnssecStatus::kIndeterminate;
  std::string raw_answer;  // Wire-format response packet.
  std::string error;       // Human-readable reason when not an answer.
  absl::Time observed_at = absl::InfinitePast();

  bool is_answer() const {
    return outcome == LookupOutcome::kNoError || outcome == LookupOutcome::kNxDomain;
  }
};

}  // namespace caawatch::caa

#endif  // CAAWATCH_CAA_CAA_ANSWER_H_
