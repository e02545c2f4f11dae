#include "caa/dns_message.h"

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/status_macros.h"

namespace caawatch::caa {
namespace {

constexpr size_t kHeaderSize = 12;
constexpr size_t kMaxNameOctets = 255;  // RFC 1035 §2.3.4, wire form.
constexpr int kMaxPointerJumps = 64;

// A cursor over the whole packet: names anywhere may point back into it.
class PacketReader {
 public:
  explicit PacketReader(absl::string_view packet) : packet_(packet) {}

  size_t offset() const { return offset_; }
  bool ReadU16(uint16_t* out) {
    if (packet_.size() - offset_ < 2) return false;
    *out = static_cast<uint16_t>((Byte(offset_) << 8) | Byte(offset_ + 1));
    offset_ += 2;
    return true;
  }
  bool ReadU32(uint32_t* out) {
    uint16_t hi, lo;
    if (!ReadU16(&hi) || !ReadU16(&lo)) return false;
    *out = (static_cast<uint32_t>(hi) << 16) | lo;
    return true;
  }
  bool ReadBytes(size_t n, absl::string_view* out) {
    if (packet_.size() - offset_ < n) return false;
    *out = packet_.substr(offset_, n);
    offset_ += n;
    return true;
  }
  // Reads a possibly compressed name starting at the cursor; the cursor ends after the name
  // as it appears here (after the first pointer, if any).
  bool ReadName(std::string* out) { return DecodeName(offset_, out, &offset_); }
  // Decodes a name at `at` without moving the cursor; `*end` is where it ends in place.
  bool DecodeName(size_t at, std::string* out, size_t* end) const;

 private:
  uint8_t Byte(size_t i) const { return static_cast<uint8_t>(packet_[i]); }

  absl::string_view packet_;
  size_t offset_ = 0;
};

// Presentation form of one label: printable bytes verbatim (lowercased), '.', '\\' and the
// rest as \DDD (RFC 4343 §2.1), so distinct wire names stay distinct strings.
// Not names::DomainName: a wire label may hold any octet, and the reply must be read whatever it
// holds; a name that is a DomainName comes out as DomainName::Parse would give it.
void AppendLabel(absl::string_view label, std::string* out) {
  for (char c : label) {
    const auto u = static_cast<unsigned char>(c);
    if (u > 0x20 && u < 0x7f && c != '.' && c != '\\') {
      out->push_back(absl::ascii_tolower(c));
    } else {
      absl::StrAppendFormat(out, "\\%03d", u);
    }
  }
}

bool PacketReader::DecodeName(size_t at, std::string* out, size_t* end) const {
  out->clear();
  size_t pos = at;
  size_t wire_octets = 1;  // The root label.
  int jumps = 0;
  bool jumped = false;
  while (true) {
    if (pos >= packet_.size()) return false;
    const uint8_t len = Byte(pos);
    if ((len & 0xC0) == 0xC0) {  // Pointer: 14-bit offset, must point strictly backwards.
      if (pos + 1 >= packet_.size() || ++jumps > kMaxPointerJumps) return false;
      const size_t target = ((len & 0x3F) << 8) | Byte(pos + 1);
      if (target >= pos) return false;
      if (!jumped) *end = pos + 2;
      jumped = true;
      pos = target;
      continue;
    }
    if ((len & 0xC0) != 0) return false;  // 0x40/0x80: obsolete extended label types.
    if (len == 0) {
      if (!jumped) *end = pos + 1;
      return true;
    }
    wire_octets += len + 1;
    if (wire_octets > kMaxNameOctets || packet_.size() - pos - 1 < len) return false;
    if (!out->empty()) out->push_back('.');
    AppendLabel(packet_.substr(pos + 1, len), out);
    pos += len + 1;
  }
}

absl::Status Malformed(absl::string_view what) {
  return absl::DataLossError(absl::StrCat("DNS message: ", what));
}

// RFC 1035 §4.1.3: NAME, TYPE(2), CLASS(2), TTL(4), RDLENGTH(2), RDATA.
absl::StatusOr<DnsResourceRecord> ReadRecord(PacketReader& r) {
  DnsResourceRecord rr;
  uint16_t rdlength;
  absl::string_view rdata;
  if (!r.ReadName(&rr.name) || !r.ReadU16(&rr.type) || !r.ReadU16(&rr.rclass) ||
      !r.ReadU32(&rr.ttl) || !r.ReadU16(&rdlength)) {
    return Malformed("truncated resource record");
  }
  const size_t rdata_start = r.offset();
  if (!r.ReadBytes(rdlength, &rdata)) return Malformed("RDATA runs past the end");
  rr.rdata = std::string(rdata);
  size_t end = 0;
  if (rr.type == kDnsTypeCname || rr.type == kDnsTypeDname) {
    if (!r.DecodeName(rdata_start, &rr.target, &end) || end != rdata_start + rdlength) {
      return Malformed(absl::StrCat("bad alias target at ", rr.name));
    }
  } else if (rr.type == kDnsTypeSoa) {
    // MNAME, RNAME, then SERIAL REFRESH RETRY EXPIRE MINIMUM (5 x 32 bits).
    std::string mname, rname;
    if (!r.DecodeName(rdata_start, &mname, &end) || !r.DecodeName(end, &rname, &end) ||
        end + 20 != rdata_start + rdlength) {
      return Malformed(absl::StrCat("bad SOA at ", rr.name));
    }
    const absl::string_view minimum = rdata.substr(rdlength - 4);
    for (char c : minimum) rr.soa_minimum = (rr.soa_minimum << 8) | static_cast<uint8_t>(c);
  }
  return rr;
}

absl::Status ReadSection(PacketReader& r, uint16_t count, std::vector<DnsResourceRecord>* out) {
  for (uint16_t i = 0; i < count; ++i) {
    CAAWATCH_ASSIGN_OR_RETURN(DnsResourceRecord rr, ReadRecord(r));
    out->push_back(std::move(rr));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<DnsMessage> ParseDnsMessage(absl::string_view packet) {
  if (packet.size() < kHeaderSize) return Malformed("shorter than a header");
  PacketReader r(packet);
  DnsMessage m;
  uint16_t qdcount, ancount, nscount, arcount;
  if (!r.ReadU16(&m.id) || !r.ReadU16(&m.flags) || !r.ReadU16(&qdcount) || !r.ReadU16(&ancount) ||
      !r.ReadU16(&nscount) || !r.ReadU16(&arcount)) {
    return Malformed("truncated header");
  }
  m.rcode = m.flags & 0x0F;
  for (uint16_t i = 0; i < qdcount; ++i) {
    DnsQuestion q;
    if (!r.ReadName(&q.name) || !r.ReadU16(&q.type) || !r.ReadU16(&q.qclass)) {
      return Malformed("truncated question");
    }
    m.questions.push_back(std::move(q));
  }
  CAAWATCH_RETURN_IF_ERROR(Annotate(ReadSection(r, ancount, &m.answers), "answer section"));
  CAAWATCH_RETURN_IF_ERROR(Annotate(ReadSection(r, nscount, &m.authorities), "authority section"));
  return m;
}

}  // namespace caawatch::caa
