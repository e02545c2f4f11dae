#include "caa/zone_transfer.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <memory>
#include <random>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/quoted_input.h"
#include "base/status_macros.h"
#include "caa/knot_handles.h"

namespace caawatch::caa {
namespace {

using knot::Key;
using knot::OwnerText;
using knot::RcodeName;
using knot::TsigErrorName;
using knot::UniqueDname;
using knot::UniquePkt;

absl::StatusOr<sockaddr_storage> ParsePrimary(absl::string_view primary, socklen_t* len) {
  std::string host(primary);
  uint32_t port = 53;
  if (!host.empty() && host.front() == '[') {
    const size_t close = host.find(']');
    if (close == std::string::npos) {
      return absl::InvalidArgumentError(absl::StrCat("primary ", QuoteInput(primary), ": no ]"));
    }
    if (close + 1 < host.size()) {
      if (host[close + 1] != ':' || !absl::SimpleAtoi(host.substr(close + 2), &port)) port = 0;
    }
    host = host.substr(1, close - 1);
  } else if (const size_t colon = host.rfind(':');
             colon != std::string::npos && host.find(':') == colon) {
    if (!absl::SimpleAtoi(host.substr(colon + 1), &port)) port = 0;
    host.resize(colon);
  }
  if (port == 0 || port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("primary ", QuoteInput(primary), ": the port must be 1 to 65535"));
  }
  sockaddr_storage addr{};
  auto* v4 = reinterpret_cast<sockaddr_in*>(&addr);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&addr);
  if (inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(static_cast<uint16_t>(port));
    *len = sizeof(sockaddr_in);
  } else if (inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(static_cast<uint16_t>(port));
    *len = sizeof(sockaddr_in6);
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("primary ", QuoteInput(primary),
                     ": not an IP address (\"192.0.2.1:53\", \"[2001:db8::1]:53\")"));
  }
  return addr;
}

// One TCP connection with a deadline for everything done on it.
class Connection {
 public:
  explicit Connection(absl::Duration timeout)
      : deadline_(std::chrono::steady_clock::now() + absl::ToChronoMilliseconds(timeout)) {}
  ~Connection() {
    if (fd_ >= 0) close(fd_);
  }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  absl::Status Open(const std::string& primary) {
    socklen_t len = 0;
    CAAWATCH_ASSIGN_OR_RETURN(const sockaddr_storage addr, ParsePrimary(primary, &len));
    fd_ = socket(addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd_ < 0) return Errno("socket");
    if (connect(fd_, reinterpret_cast<const sockaddr*>(&addr), len) != 0 && errno != EINPROGRESS) {
      return Errno(absl::StrCat("connect to ", primary));
    }
    CAAWATCH_RETURN_IF_ERROR(Wait(POLLOUT, absl::StrCat("connect to ", primary)));
    int error = 0;
    socklen_t error_len = sizeof(error);
    getsockopt(fd_, SOL_SOCKET, SO_ERROR, &error, &error_len);
    if (error != 0) {
      errno = error;
      return Errno(absl::StrCat("connect to ", primary));
    }
    return absl::OkStatus();
  }

  absl::Status Write(const uint8_t* data, size_t size) {
    while (size > 0) {
      const ssize_t n = send(fd_, data, size, MSG_NOSIGNAL);
      if (n > 0) {
        data += n;
        size -= static_cast<size_t>(n);
      } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
        CAAWATCH_RETURN_IF_ERROR(Wait(POLLOUT, "send the query"));
      } else {
        return Errno("send the query");
      }
    }
    return absl::OkStatus();
  }

  // Exactly `size` bytes; kDataLoss if the primary closes the connection first.
  absl::Status Read(uint8_t* out, size_t size) {
    while (size > 0) {
      const ssize_t n = recv(fd_, out, size, 0);
      if (n > 0) {
        out += n;
        size -= static_cast<size_t>(n);
      } else if (n == 0) {
        return absl::DataLossError("the primary closed the connection in the middle of the answer");
      } else if (errno == EAGAIN || errno == EINTR) {
        CAAWATCH_RETURN_IF_ERROR(Wait(POLLIN, "read the answer"));
      } else {
        return Errno("read the answer");
      }
    }
    return absl::OkStatus();
  }

 private:
  absl::Status Wait(short events, absl::string_view doing) {
    // A monotonic deadline: a step of the wall clock neither ends nor extends a transfer.
    const int64_t ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                           deadline_ - std::chrono::steady_clock::now())
                           .count();
    if (ms <= 0) return absl::UnavailableError(absl::StrCat("timed out trying to ", doing));
    pollfd p{fd_, events, 0};
    const int ready = poll(&p, 1, static_cast<int>(std::min<int64_t>(ms, 60'000)));
    if (ready < 0 && errno != EINTR) return Errno(doing);
    return absl::OkStatus();  // Ready, or a slice of the deadline passed: the caller retries.
  }
  static absl::Status Errno(absl::string_view doing) {
    return absl::UnavailableError(absl::StrCat("cannot ", doing, ": ", std::strerror(errno)));
  }

  const std::chrono::steady_clock::time_point deadline_;
  int fd_ = -1;
};

// The answer of one transfer, message by message: each checked for the query's ID, a
// response's header, NOERROR and (with a key) a TSIG that chains from the query's.
class AnswerStream {
 public:
  AnswerStream(Connection* connection, const ZoneTransferOptions& options, const Key* key,
               uint16_t id, std::vector<uint8_t> request_mac)
      : connection_(connection),
        options_(options),
        key_(key),
        id_(id),
        digest_(std::move(request_mac)) {}

  // The next message, parsed; valid until the next call.
  absl::StatusOr<const knot_pkt_t*> Next() {
    uint8_t prefix[2];
    CAAWATCH_RETURN_IF_ERROR(connection_->Read(prefix, 2));
    const size_t size = (size_t{prefix[0]} << 8) | prefix[1];
    bytes_ += size + 2;
    if (bytes_ > options_.max_bytes) {
      return absl::DataLossError(
          absl::StrCat("the transfer exceeds ", options_.max_bytes, " bytes (max_bytes)"));
    }
    wire_.resize(size);
    CAAWATCH_RETURN_IF_ERROR(connection_->Read(wire_.data(), size));
    const int number = ++messages_;
    pkt_.reset(knot_pkt_new(wire_.data(), static_cast<uint16_t>(size), nullptr));
    if (pkt_ == nullptr) return absl::ResourceExhaustedError("out of memory parsing a message");
    // Parsing strips a TSIG record from the wire (and restores the original ID), as the
    // signature is computed over the message without it.
    const int parsed = knot_pkt_parse(pkt_.get(), 0);
    if (parsed != KNOT_EOK) {
      return absl::DataLossError(
          absl::StrCat("message ", number, " of the answer is malformed: ", knot_strerror(parsed)));
    }
    const uint8_t* h = pkt_->wire;
    if (knot_wire_get_id(h) != id_ || !knot_wire_get_qr(h) || knot_wire_get_opcode(h) != 0) {
      return absl::DataLossError(
          absl::StrCat("message ", number, " is not an answer to the query (ID, QR or opcode)"));
    }
    const int rcode = knot_wire_get_rcode(h);
    if (rcode != KNOT_RCODE_NOERROR) {
      std::string why = absl::StrCat("the primary refused the transfer: ", RcodeName(rcode));
      if (pkt_->tsig_rr != nullptr && knot_tsig_rdata_error(pkt_->tsig_rr) != 0) {
        absl::StrAppend(&why, " (TSIG error ", TsigErrorName(knot_tsig_rdata_error(pkt_->tsig_rr)),
                        ": the primary does not accept this key)");
      } else if (rcode == KNOT_RCODE_REFUSED || rcode == KNOT_RCODE_NOTAUTH) {
        absl::StrAppend(&why, " (does its ACL allow this address and key to transfer the zone?)");
      }
      return absl::PermissionDeniedError(why);
    }
    if (key_ != nullptr) CAAWATCH_RETURN_IF_ERROR(CheckSignature(number));
    return pkt_.get();
  }

 private:
  // RFC 8945 §5.3.1: the first answer's MAC covers the request's MAC, each later one the
  // previous answer's. Every message is required to be signed (knotd signs them all): a
  // stream with unsigned stretches would let an attacker on the path add to them.
  absl::Status CheckSignature(int number) {
    const knot_rrset_t* tsig = pkt_->tsig_rr;
    if (tsig == nullptr) {
      return absl::DataLossError(absl::StrCat("message ", number, " of the answer is not signed"));
    }
    const int ret =
        number == 1 ? knot_tsig_client_check(tsig, pkt_->wire, pkt_->size, digest_.data(),
                                             digest_.size(), key_->get(), 0)
                    : knot_tsig_client_check_next(tsig, pkt_->wire, pkt_->size, digest_.data(),
                                                  digest_.size(), key_->get(), prev_time_signed_);
    if (ret != KNOT_EOK) {
      return absl::DataLossError(absl::StrCat(
          "message ", number, " of the answer fails its TSIG check: ", knot_strerror(ret)));
    }
    const uint8_t* mac = knot_tsig_rdata_mac(tsig);
    digest_.assign(mac, mac + knot_tsig_rdata_mac_length(tsig));
    prev_time_signed_ = knot_tsig_rdata_time_signed(tsig);
    return absl::OkStatus();
  }

  Connection* const connection_;
  const ZoneTransferOptions& options_;
  const Key* const key_;
  const uint16_t id_;
  std::vector<uint8_t> digest_;
  uint64_t prev_time_signed_ = 0;
  std::vector<uint8_t> wire_;
  UniquePkt pkt_;
  size_t bytes_ = 0;
  int messages_ = 0;
};

// SOA RDATA for the IXFR query's authority section: only the serial is read (RFC 1995 §3).
std::vector<uint8_t> SoaRdata(uint32_t serial) {
  std::vector<uint8_t> rdata = {0, 0};  // MNAME and RNAME: the root.
  for (uint32_t v : {serial, 0u, 0u, 0u, 0u}) {
    for (int shift = 24; shift >= 0; shift -= 8) rdata.push_back(static_cast<uint8_t>(v >> shift));
  }
  return rdata;
}

// Sends the query and returns the answer's stream.
class Transfer {
 public:
  Transfer(absl::string_view zone, const ZoneTransferOptions& options)
      : zone_text_(zone), options_(options), connection_(options.timeout) {}

  absl::Status Start(uint16_t qtype, std::optional<uint32_t> known_serial) {
    if (options_.tsig) CAAWATCH_RETURN_IF_ERROR(key_.Init(*options_.tsig));
    zone_.reset(knot_dname_from_str_alloc(zone_text_.c_str()));
    if (zone_ == nullptr || zone_text_.empty()) {
      return absl::InvalidArgumentError(absl::StrCat("zone ", QuoteInput(zone_text_)));
    }
    knot_dname_to_lower(zone_.get());
    UniquePkt query(knot_pkt_new(nullptr, KNOT_WIRE_MAX_PKTSIZE, nullptr));
    if (query == nullptr) return absl::ResourceExhaustedError("out of memory for the query");
    const uint16_t id = static_cast<uint16_t>(std::random_device()());
    knot_wire_set_id(query->wire, id);
    int ret = knot_pkt_put_question(query.get(), zone_.get(), KNOT_CLASS_IN, qtype);
    if (ret == KNOT_EOK && known_serial) {
      ret = knot_pkt_begin(query.get(), KNOT_AUTHORITY);
      knot_rrset_t soa;
      knot_rrset_init(&soa, zone_.get(), KNOT_RRTYPE_SOA, KNOT_CLASS_IN, 0);
      const std::vector<uint8_t> rdata = SoaRdata(*known_serial);
      if (ret == KNOT_EOK) {
        ret =
            knot_rrset_add_rdata(&soa, rdata.data(), static_cast<uint16_t>(rdata.size()), nullptr);
      }
      if (ret == KNOT_EOK) ret = knot_pkt_put(query.get(), KNOT_COMPR_HINT_NONE, &soa, 0);
      knot_rdataset_clear(&soa.rrs, nullptr);
    }
    std::vector<uint8_t> request_mac;
    if (ret == KNOT_EOK && options_.tsig) {
      uint8_t digest[64];
      size_t digest_len = sizeof(digest);
      ret = knot_tsig_sign(query->wire, &query->size, query->max_size, nullptr, 0, digest,
                           &digest_len, key_.get(), 0, 0);
      request_mac.assign(digest, digest + digest_len);
    }
    if (ret != KNOT_EOK) {
      return absl::InternalError(absl::StrCat("cannot build the query: ", knot_strerror(ret)));
    }
    CAAWATCH_RETURN_IF_ERROR(connection_.Open(options_.primary));
    std::vector<uint8_t> framed = {static_cast<uint8_t>(query->size >> 8),
                                   static_cast<uint8_t>(query->size & 0xff)};
    framed.insert(framed.end(), query->wire, query->wire + query->size);
    CAAWATCH_RETURN_IF_ERROR(connection_.Write(framed.data(), framed.size()));
    answer_.emplace(&connection_, options_, options_.tsig ? &key_ : nullptr, id,
                    std::move(request_mac));
    return absl::OkStatus();
  }

  // Calls `take(record, message_number, last_of_message)` for every answer record, in order,
  // until `take` returns true (the transfer's end) after the last record of a message; a record
  // after the end, or outside the zone, is kDataLoss.
  template <typename Take>
  absl::Status ForEachRecord(Take take) {
    size_t records = 0;
    for (int message = 1;; ++message) {
      CAAWATCH_ASSIGN_OR_RETURN(const knot_pkt_t* pkt, answer_->Next());
      if (message == 1 && (knot_wire_get_qdcount(pkt->wire) != 1 ||
                           !knot_dname_is_equal(knot_pkt_qname(pkt), zone_.get()))) {
        return absl::DataLossError("the first message does not answer the question asked");
      }
      const knot_pktsection_t* answer = knot_pkt_section(pkt, KNOT_ANSWER);
      if (message == 1 && answer->count == 0) {
        return absl::DataLossError("the answer holds no record, not even the zone's SOA");
      }
      for (uint16_t i = 0; i < answer->count; ++i) {
        const knot_rrset_t* rr = knot_pkt_rr(answer, i);
        if (++records > options_.max_records) {
          return absl::DataLossError(
              absl::StrCat("the transfer exceeds ", options_.max_records, " records"));
        }
        if (rr->rclass != KNOT_CLASS_IN || knot_dname_in_bailiwick(rr->owner, zone_.get()) < 0) {
          return absl::DataLossError(absl::StrCat("record for ", QuoteInput(OwnerText(rr->owner)),
                                                  " is outside the zone ", zone_text_));
        }
        ZoneRecord record{OwnerText(rr->owner), rr->type, rr->ttl, {}};
        for (uint16_t r = 0; r < rr->rrs.count; ++r) {
          const knot_rdata_t* rdata = knot_rdataset_at(&rr->rrs, r);
          record.rdata.assign(rdata->data, rdata->data + rdata->len);
          CAAWATCH_ASSIGN_OR_RETURN(
              const bool done,
              take(record, message, i + 1 == answer->count && r + 1 == rr->rrs.count));
          if (!done) continue;
          if (i + 1 != answer->count || r + 1 != rr->rrs.count) {
            return absl::DataLossError("records after the closing SOA");
          }
          return absl::OkStatus();
        }
      }
    }
  }

 private:
  const std::string zone_text_;
  const ZoneTransferOptions& options_;
  Key key_;
  UniqueDname zone_;
  Connection connection_;
  std::optional<AnswerStream> answer_;
};

absl::StatusOr<uint32_t> SoaSerial(const ZoneRecord& soa) {
  const std::optional<uint32_t> serial = knot::SoaSerial(soa.rdata.data(), soa.rdata.size());
  if (!serial) return absl::DataLossError("a malformed SOA record");
  return *serial;
}

// RFC 1982: whether s1 is not newer than s2.
bool NotNewer(uint32_t s1, uint32_t s2) { return s1 == s2 || static_cast<int32_t>(s1 - s2) < 0; }

}  // namespace

absl::StatusOr<ZoneSnapshot> TransferZone(absl::string_view zone,
                                          const ZoneTransferOptions& options) {
  Transfer transfer(zone, options);
  CAAWATCH_RETURN_IF_ERROR(transfer.Start(KNOT_RRTYPE_AXFR, std::nullopt));
  ZoneSnapshot snapshot;
  CAAWATCH_RETURN_IF_ERROR(
      transfer.ForEachRecord([&](const ZoneRecord& record, int, bool) -> absl::StatusOr<bool> {
        if (snapshot.records.empty()) {
          if (record.type != KNOT_RRTYPE_SOA) {
            return absl::DataLossError("the answer does not start with the zone's SOA");
          }
          CAAWATCH_ASSIGN_OR_RETURN(snapshot.serial, SoaSerial(record));
        } else if (record.type == KNOT_RRTYPE_SOA) {
          CAAWATCH_ASSIGN_OR_RETURN(const uint32_t serial, SoaSerial(record));
          if (serial != snapshot.serial) {
            return absl::DataLossError(absl::StrCat("the closing SOA has serial ", serial,
                                                    ", the opening one ", snapshot.serial));
          }
          return true;
        }
        snapshot.records.push_back(record);
        return false;
      }));
  return snapshot;
}

absl::StatusOr<IxfrAnswer> TransferZoneChanges(absl::string_view zone, uint32_t known_serial,
                                               const ZoneTransferOptions& options) {
  Transfer transfer(zone, options);
  CAAWATCH_RETURN_IF_ERROR(transfer.Start(KNOT_RRTYPE_IXFR, known_serial));
  IxfrAnswer out;
  // After the opening SOA: a second record that is not an SOA makes it AXFR-style (the whole
  // zone); an SOA starts the first difference sequence (RFC 1995 §4).
  enum class Phase { kOpening, kSecond, kFull, kRemoved, kAdded } phase = Phase::kOpening;
  ZoneRecord opening;
  CAAWATCH_RETURN_IF_ERROR(transfer.ForEachRecord(
      [&](const ZoneRecord& record, int message, bool last_of_message) -> absl::StatusOr<bool> {
        const bool soa = record.type == KNOT_RRTYPE_SOA;
        uint32_t serial = 0;
        if (soa) {
          CAAWATCH_ASSIGN_OR_RETURN(serial, SoaSerial(record));
        }
        switch (phase) {
          case Phase::kOpening:
            if (!soa) return absl::DataLossError("the answer does not start with the zone's SOA");
            out.serial = serial;
            opening = record;
            // A lone SOA no newer than ours: nothing to transfer.
            if (message == 1 && last_of_message && NotNewer(serial, known_serial)) return true;
            phase = Phase::kSecond;
            return false;
          case Phase::kSecond:
            if (!soa) {
              out.kind = IxfrAnswer::Kind::kFull;
              out.zone.serial = out.serial;
              out.zone.records = {opening, record};
              phase = Phase::kFull;
              return false;
            }
            if (serial == out.serial && last_of_message) {  // A zone of its SOA alone.
              out.kind = IxfrAnswer::Kind::kFull;
              out.zone.serial = out.serial;
              out.zone.records = {opening};
              return true;
            }
            out.kind = IxfrAnswer::Kind::kIncremental;
            out.changes.push_back({serial, 0, {}, {}});
            phase = Phase::kRemoved;
            return false;
          case Phase::kFull:
            if (soa) {
              if (serial != out.serial) {
                return absl::DataLossError(absl::StrCat("the closing SOA has serial ", serial,
                                                        ", the opening one ", out.serial));
              }
              return true;
            }
            out.zone.records.push_back(record);
            return false;
          case Phase::kRemoved:
            if (soa) {
              out.changes.back().to_serial = serial;
              phase = Phase::kAdded;
            } else {
              out.changes.back().removed.push_back(record);
            }
            return false;
          case Phase::kAdded:
            if (!soa) {
              out.changes.back().added.push_back(record);
              return false;
            }
            if (serial == out.serial && out.changes.back().to_serial == out.serial) return true;
            if (serial != out.changes.back().to_serial) {
              return absl::DataLossError(absl::StrCat("difference sequence from serial ", serial,
                                                      " does not follow ",
                                                      out.changes.back().to_serial));
            }
            out.changes.push_back({serial, 0, {}, {}});
            phase = Phase::kRemoved;
            return false;
        }
        return absl::InternalError("unreachable");
      }));
  return out;
}

}  // namespace caawatch::caa
