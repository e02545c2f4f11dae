#include "caa/zone_notify.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "base/quoted_input.h"
#include "caa/knot_handles.h"

namespace caawatch::caa {
namespace {

// The largest NOTIFY answered: a question, an SOA and a TSIG fit in far less.
constexpr size_t kMaxReplyBytes = 1232;

// The serial of the answer section's SOA for the zone, if the primary sent one.
std::optional<uint32_t> AnnouncedSerial(const knot_pkt_t* query) {
  const knot_pktsection_t* answer = knot_pkt_section(query, KNOT_ANSWER);
  for (uint16_t i = 0; i < answer->count; ++i) {
    const knot_rrset_t* rr = knot_pkt_rr(answer, i);
    if (rr->type == KNOT_RRTYPE_SOA && rr->rrs.count == 1 &&
        knot_dname_is_equal(rr->owner, knot_pkt_qname(query))) {
      // libknot parses an SOA of another class with RDATA of any length here, even empty.
      return knot::SoaSerial(rr->rrs.rdata->data, rr->rrs.rdata->len);
    }
  }
  return std::nullopt;
}

class Answerer {
 public:
  explicit Answerer(const knot_pkt_t* query) : query_(query) {}

  // The answer with `rcode`; with `key`, signed over the query's MAC (RFC 8945 §5.3).
  std::vector<uint8_t> Reply(int rcode, const knot_tsig_key_t* key) {
    knot::UniquePkt reply(knot_pkt_new(nullptr, kMaxReplyBytes, nullptr));
    if (reply == nullptr || knot_pkt_init_response(reply.get(), query_) != KNOT_EOK) return {};
    knot_wire_set_rcode(reply->wire, static_cast<uint8_t>(rcode));
    if (key != nullptr) {
      uint8_t digest[64];
      size_t digest_len = sizeof(digest);
      if (knot_tsig_sign(reply->wire, &reply->size, reply->max_size,
                         knot_tsig_rdata_mac(query_->tsig_rr),
                         knot_tsig_rdata_mac_length(query_->tsig_rr), digest, &digest_len, key, 0,
                         0) != KNOT_EOK) {
        return {};
      }
    }
    return std::vector<uint8_t>(reply->wire, reply->wire + reply->size);
  }

  // NOTAUTH with an unsigned TSIG carrying `tsig_error` (BADKEY, BADSIG: RFC 8945 §5.3.2).
  std::vector<uint8_t> TsigRefusal(int tsig_error) {
    knot::UniquePkt reply(knot_pkt_new(nullptr, kMaxReplyBytes, nullptr));
    if (reply == nullptr || knot_pkt_init_response(reply.get(), query_) != KNOT_EOK) return {};
    knot_wire_set_rcode(reply->wire, KNOT_RCODE_NOTAUTH);
    if (query_->tsig_rr != nullptr &&
        knot_tsig_add(reply->wire, &reply->size, reply->max_size, static_cast<uint16_t>(tsig_error),
                      query_->tsig_rr) != KNOT_EOK) {
      return {};
    }
    return std::vector<uint8_t>(reply->wire, reply->wire + reply->size);
  }

 private:
  const knot_pkt_t* const query_;
};

}  // namespace

NotifyOutcome AnswerNotify(absl::Span<const uint8_t> datagram, const std::string& source_ip,
                           const std::vector<NotifySource>& followed) {
  NotifyOutcome out;
  if (datagram.size() < KNOT_WIRE_HEADER_SIZE || datagram.size() > KNOT_WIRE_MAX_PKTSIZE) {
    out.status = absl::DataLossError("not a DNS message (size)");
    return out;
  }
  std::vector<uint8_t> wire(datagram.begin(), datagram.end());
  knot::UniquePkt query(knot_pkt_new(wire.data(), static_cast<uint16_t>(wire.size()), nullptr));
  if (query == nullptr) {
    out.status = absl::ResourceExhaustedError("out of memory parsing a NOTIFY");
    return out;
  }
  // Parsing strips the TSIG record (and restores the original ID) for the signature check.
  const int parsed = knot_pkt_parse(query.get(), 0);
  if (parsed != KNOT_EOK) {
    out.status =
        absl::DataLossError(absl::StrCat("malformed DNS message: ", knot_strerror(parsed)));
    return out;
  }
  if (knot_wire_get_qr(query->wire) || knot_wire_get_opcode(query->wire) != KNOT_OPCODE_NOTIFY ||
      knot_wire_get_qdcount(query->wire) != 1 || knot_pkt_qtype(query.get()) != KNOT_RRTYPE_SOA) {
    out.status = absl::DataLossError("not a NOTIFY query for an SOA");
    return out;
  }
  Answerer answerer(query.get());
  out.zone = knot::OwnerText(knot_pkt_qname(query.get()));
  const auto source = std::find_if(followed.begin(), followed.end(),
                                   [&](const NotifySource& s) { return s.zone == out.zone; });
  if (source == followed.end()) {
    out.status = absl::PermissionDeniedError(absl::StrCat(
        "NOTIFY from ", source_ip, " for ", QuoteInput(out.zone), ", a zone not followed"));
    out.reply = answerer.Reply(KNOT_RCODE_NOTAUTH, nullptr);
    return out;
  }
  if (std::find(source->primaries.begin(), source->primaries.end(), source_ip) ==
      source->primaries.end()) {
    out.status = absl::PermissionDeniedError(absl::StrCat(
        "NOTIFY for ", out.zone, " from ", source_ip, ", which is not one of its primaries"));
    out.reply = answerer.Reply(KNOT_RCODE_REFUSED, nullptr);
    return out;
  }
  if (!source->tsig) {
    if (query->tsig_rr != nullptr) {  // Signed with a key this zone does not have.
      out.status = absl::PermissionDeniedError(
          absl::StrCat("NOTIFY for ", out.zone, " from ", source_ip,
                       " is signed, but no TSIG key is configured for the zone"));
      out.reply = answerer.TsigRefusal(KNOT_RCODE_BADKEY);
      return out;
    }
    out.serial = AnnouncedSerial(query.get());
    out.reply = answerer.Reply(KNOT_RCODE_NOERROR, nullptr);
    return out;
  }
  if (query->tsig_rr == nullptr) {
    out.status = absl::PermissionDeniedError(absl::StrCat(
        "NOTIFY for ", out.zone, " from ", source_ip, " is not signed with the zone's key"));
    out.reply = answerer.Reply(KNOT_RCODE_REFUSED, nullptr);
    return out;
  }
  knot::Key key;
  if (absl::Status init = key.Init(*source->tsig); !init.ok()) {
    out.status = init;
    return out;
  }
  if (!knot_dname_is_equal(query->tsig_rr->owner, key.get()->name)) {
    out.status = absl::PermissionDeniedError(
        absl::StrCat("NOTIFY for ", out.zone, " from ", source_ip, " is signed with key ",
                     QuoteInput(knot::OwnerText(query->tsig_rr->owner)), ", not the zone's"));
    out.reply = answerer.TsigRefusal(KNOT_RCODE_BADKEY);
    return out;
  }
  const int checked = knot_tsig_server_check(query->tsig_rr, query->wire, query->size, key.get());
  if (checked != KNOT_EOK) {
    out.status = absl::PermissionDeniedError(
        absl::StrCat("NOTIFY for ", out.zone, " from ", source_ip,
                     " fails its TSIG check: ", knot_strerror(checked)));
    out.reply = answerer.TsigRefusal(checked == KNOT_TSIG_EBADTIME ? KNOT_RCODE_BADTIME
                                                                   : KNOT_RCODE_BADSIG);
    return out;
  }
  out.serial = AnnouncedSerial(query.get());
  out.reply = answerer.Reply(KNOT_RCODE_NOERROR, key.get());
  return out;
}

}  // namespace caawatch::caa
