// A bounded reader for DNS response packets (RFC 1035 §4.1): header, question, answer and
// authority sections, with name decompression (§4.1.4). Enough to read the CNAME chain and the
// authoritative/negative TTL out of an answer caawatch keeps as evidence; the additional section
// (EDNS OPT, glue) is not read.
#ifndef CAAWATCH_CAA_DNS_MESSAGE_H_
#define CAAWATCH_CAA_DNS_MESSAGE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace caawatch::caa {

inline constexpr uint16_t kDnsTypeCname = 5;
inline constexpr uint16_t kDnsTypeSoa = 6;
inline constexpr uint16_t kDnsTypeDname = 39;
inline constexpr uint16_t kDnsTypeCaa = 257;
inline constexpr uint16_t kDnsClassIn = 1;

struct DnsQuestion {
  std::string name;  // Lowercase, no trailing dot; "" is the root.
  uint16_t type = 0;
  uint16_t qclass = 0;
};

struct DnsResourceRecord {
  std::string name;  // Lowercase, no trailing dot; "" is the root.
  uint16_t type = 0;
  uint16_t rclass = 0;
  uint32_t ttl = 0;
  std::string rdata;         // RDATA as on the wire (may hold compression pointers).
  std::string target;        // CNAME and DNAME only: the decoded target name.
  uint32_t soa_minimum = 0;  // SOA only: the MINIMUM field (RFC 2308 §4).
};

struct DnsMessage {
  uint16_t id = 0;
  uint16_t flags = 0;  // QR, opcode, AA, TC, RD, RA, Z, AD, CD and the low 4 rcode bits.
  int rcode = 0;       // Header rcode (no EDNS extension).
  std::vector<DnsQuestion> questions;
  std::vector<DnsResourceRecord> answers;
  std::vector<DnsResourceRecord> authorities;
};

// Parses `packet`. Names are limited to 255 octets and 63-octet labels; compression pointers
// must point backwards and are followed at most 64 times per name, so hostile packets cannot
// loop. Returns kDataLoss for a truncated or malformed packet (the additional section is
// skipped unread, so trailing bytes are accepted).
[[nodiscard]] absl::StatusOr<DnsMessage> ParseDnsMessage(absl::string_view packet);

}  // namespace caawatch::caa

#endif  // CAAWATCH_CAA_DNS_MESSAGE_H_
