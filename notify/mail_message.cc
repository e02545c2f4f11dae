#include "notify/mail_message.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "base/hex.h"
#include "ctlog/sha256.h"
#include "nlohmann/json.hpp"
#include "notify/certspotter_cert_info.h"
#include "store/verdict.h"

namespace caawatch::notify {
namespace {

constexpr size_t kMaxLineBytes = 900;  // Below RFC 5322's 998, leaving room for a prefix.
constexpr size_t kMaxHeaderTextBytes = 160;

// Untrusted text in a header: printable ASCII only, cut.
std::string HeaderText(absl::string_view text) {
  std::string out;
  for (char c : text.substr(0, kMaxHeaderTextBytes)) {
    out.push_back(c >= 0x20 && c < 0x7f ? c : '?');
  }
  return out;
}

// Untrusted text in the body: UTF-8 kept, control characters (an escape sequence, a CR) made
// visible as '?'; newlines kept only when `multiline`.
std::string BodyText(absl::string_view text, bool multiline = false) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && !(multiline && c == '\n') && c != '\t') || u == 0x7f) {
      out.push_back('?');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

// Splits lines longer than kMaxLineBytes at a UTF-8 character boundary.
std::string WrapLongLines(const std::string& body) {
  std::string out;
  for (absl::string_view line : absl::StrSplit(body, '\n')) {
    while (line.size() > kMaxLineBytes) {
      size_t cut = kMaxLineBytes;
      while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xc0) == 0x80) --cut;
      absl::StrAppend(&out, line.substr(0, cut), "\n");
      line.remove_prefix(cut);
    }
    absl::StrAppend(&out, line, "\n");
  }
  out.pop_back();  // StrSplit gave one more piece than there were newlines.
  return out;
}

std::string HexOf(const std::string& bytes) {
  return HexEncode(
      absl::Span<const uint8_t>(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
}

std::string MsTime(int64_t ms) { return ms == 0 ? "?" : FormatRfc3339(absl::FromUnixMillis(ms)); }

std::string CaaValue(const store::CaaRecordPb& r) {
  return absl::StrCat(r.flags(), " ", BodyText(r.tag()), " \"", BodyText(r.value()), "\"");
}

const char* Opening(HookEvent event, const std::string& verdict) {
  if (event == HookEvent::kError) return "caawatch found a log that misbehaved.";
  if (event == HookEvent::kCaaBreaksRenewal) {
    return "caawatch saw your CAA records change: they now forbid a CA that issued for a name "
           "you watch recently, so its renewals will fail.";
  }
  if (event == HookEvent::kMalformedCert) {
    return "caawatch found a log entry with a certificate it cannot parse, for a name you watch.";
  }
  const absl::StatusOr<store::Verdict> v = store::VerdictFromName(verdict);
  if (v.ok() && (*v == store::Verdict::kForbidden || *v == store::Verdict::kLikelyForbidden)) {
    return "caawatch found a certificate for a name you watch that your CAA records did not "
           "allow when it was issued.";
  }
  return "caawatch found a certificate for a name you watch.";
}

}  // namespace

bool ValidMailAddress(const std::string& a) {
  if (a.empty() || a.size() > 254 || a[0] == '-') return false;
  const size_t at = a.find('@');
  if (at == 0 || at == std::string::npos || at + 1 == a.size() ||
      a.find('@', at + 1) != std::string::npos) {
    return false;
  }
  for (char c : a) {
    if (c <= 0x20 || c >= 0x7f) return false;
    if (absl::string_view("<>()[],;:\"\\").find(c) != absl::string_view::npos) return false;
  }
  return true;
}

std::string BuildMailMessage(const Notification& n, const MailHeaders& headers) {
  const store::FindingRecord& f = n.finding;
  const HookEvent event = EventOf(f);
  const std::string watched = !f.watched_names().empty() ? f.watched_names(0) : n.watch_item;
  // The certificate a person can open on crt.sh: the leaf we hold, else the stored hashes.
  std::string cert_hex;
  if (!n.chain.empty()) {
    cert_hex = HexEncode(ctlog::Sha256(n.chain[0]));
  } else if (!f.cert_sha256().empty()) {
    cert_hex = HexOf(f.cert_sha256());
  } else if (!f.precert_sha256().empty()) {
    cert_hex = HexOf(f.precert_sha256());
  }
  const std::string hash_for_id =
      !f.tbs_sha256().empty() ? HexOf(f.tbs_sha256()).substr(0, 16)
                              : (!f.leaf_hash().empty() ? HexOf(f.leaf_hash()).substr(0, 16) : "0");

  std::string subject;
  if (event == HookEvent::kDiscoveredCert) {
    subject = absl::StrCat(f.verdict(), ": certificate for ", watched, " from ",
                           f.issuer().ca_owner().empty() ? f.issuer().dn() : f.issuer().ca_owner());
  } else if (event == HookEvent::kMalformedCert) {
    subject = absl::StrCat("unparsable certificate in a log for ", watched);
  } else if (event == HookEvent::kCaaBreaksRenewal) {
    subject = absl::StrCat("caa_breaks_renewal: CAA now forbids ", f.issuer().ca_owner(), " for ",
                           watched);
  } else {
    subject = absl::StrCat("log misbehaviour: ", f.reason());
  }

  std::string m;
  if (!headers.from.empty()) absl::StrAppend(&m, "From: ", headers.from, "\n");
  absl::StrAppend(&m, "To: ", absl::StrJoin(headers.to, ", "), "\n");
  absl::StrAppend(&m, "Subject: [caawatch", n.test ? " TEST" : "", "] ", HeaderText(subject), "\n");
  absl::StrAppend(
      &m,
      "Date: ", absl::FormatTime("%a, %d %b %Y %H:%M:%S +0000", headers.date, absl::UTCTimeZone()),
      "\n");
  absl::StrAppend(&m, "Message-ID: <caawatch.", f.seq(), ".", hash_for_id, n.test ? ".test" : "",
                  "@", HeaderText(headers.host.empty() ? "localhost" : headers.host), ">\n");
  absl::StrAppend(&m, "MIME-Version: 1.0\n");
  absl::StrAppend(&m, "Content-Type: text/plain; charset=UTF-8\n");
  absl::StrAppend(&m, "Content-Transfer-Encoding: 8bit\n");
  absl::StrAppend(&m, "Auto-Submitted: auto-generated\n");
  absl::StrAppend(&m, "X-Caawatch-Seq: ", f.seq(), "\n");
  absl::StrAppend(&m, "X-Caawatch-Verdict: ", HeaderText(f.verdict()), "\n");
  absl::StrAppend(&m, "X-Caawatch-Severity: ", HeaderText(f.severity()), "\n");
  absl::StrAppend(&m, "\n");

  std::string b;
  if (n.test) {
    absl::StrAppend(&b, "*** This is a TEST notification (caawatch notify test). ***\n",
                    "*** Nothing was issued; it shows what a real one looks like. ***\n\n");
  }
  absl::StrAppend(&b, Opening(event, f.verdict()), "\n\n");
  absl::StrAppend(&b, "Verdict:  ", BodyText(f.verdict()), " (", BodyText(f.severity()), ")\n");
  absl::StrAppend(&b, "Why:      ", BodyText(f.reason()), "\n");
  if (!n.watch_item.empty()) absl::StrAppend(&b, "Watch:    ", BodyText(n.watch_item), "\n");
  absl::StrAppend(&b, "Finding:  seq ", f.seq(), "\n\n");

  if (event != HookEvent::kError && event != HookEvent::kCaaBreaksRenewal) {
    absl::StrAppend(&b, "What was issued\n");
    absl::StrAppend(&b, "  Names:        ", BodyText(absl::StrJoin(f.names(), ", ")), "\n");
    absl::StrAppend(&b, "  Watched:      ", BodyText(absl::StrJoin(f.watched_names(), ", ")), "\n");
    absl::StrAppend(&b, "  Issuer:       ", BodyText(f.issuer().dn()), "\n");
    if (!f.issuer().ca_owner().empty()) {
      absl::StrAppend(&b, "  CA:           ", BodyText(f.issuer().ca_owner()));
      if (!f.issuer().caa_identifiers().empty()) {
        absl::StrAppend(&b, " (CAA identifiers: ",
                        BodyText(absl::StrJoin(f.issuer().caa_identifiers(), ", ")), ")");
      }
      absl::StrAppend(&b, "\n");
    }
    if (!n.chain.empty()) {
      const CertspotterCertInfo info = ReadCertspotterCertInfo(n.chain[0]);
      if (info.serial_error.empty()) absl::StrAppend(&b, "  Serial:       ", info.serial, "\n");
    }
    if (f.not_before_ms() != 0 || f.not_after_ms() != 0) {
      absl::StrAppend(&b, "  Valid:        ", MsTime(f.not_before_ms()), " to ",
                      MsTime(f.not_after_ms()), "\n");
    }
    if (!f.cert_sha256().empty()) {
      absl::StrAppend(&b, "  Cert SHA-256: ", HexOf(f.cert_sha256()), "\n");
    }
    if (!f.precert_sha256().empty()) {
      absl::StrAppend(&b, "  Precert SHA-256: ", HexOf(f.precert_sha256()), "\n");
    }
    if (!f.tbs_sha256().empty()) {
      absl::StrAppend(&b, "  TBS SHA-256:  ", HexOf(f.tbs_sha256()), "\n");
    }
    if (!f.decode_error().empty()) {
      absl::StrAppend(&b, "  Parse error:  ", BodyText(f.decode_error()), "\n");
    }
    if (!cert_hex.empty()) {
      absl::StrAppend(&b, "  crt.sh:       https://crt.sh/?sha256=", cert_hex, "\n");
    }
    absl::StrAppend(&b, "\n");
  }

  if (!f.caa().empty()) {
    absl::StrAppend(&b, "CAA records in force\n");
    for (const store::CaaNameRecord& c : f.caa()) {
      absl::StrAppend(&b, "  ", BodyText(c.name()), ": ", BodyText(c.verdict()));
      if (!c.relevant_name().empty()) {
        absl::StrAppend(&b, " (relevant record set at ", BodyText(c.relevant_name()), ")");
      }
      absl::StrAppend(&b, "\n");
      if (c.records().empty()) absl::StrAppend(&b, "    (no CAA records)\n");
      for (const auto& r : c.records()) absl::StrAppend(&b, "    ", CaaValue(r), "\n");
      if (c.window_start_ms() != 0 || c.window_end_ms() != 0) {
        absl::StrAppend(&b, "    window: ", MsTime(c.window_start_ms()), " to ",
                        MsTime(c.window_end_ms()), "\n");
      }
      if (!c.dnssec().empty()) absl::StrAppend(&b, "    DNSSEC: ", BodyText(c.dnssec()), "\n");
      if (!c.reason().empty()) absl::StrAppend(&b, "    why: ", BodyText(c.reason()), "\n");
    }
    absl::StrAppend(&b, "\n");
  }

  if (!f.entries().empty()) {
    absl::StrAppend(&b, "Log entries\n");
    for (const store::EntryRef& e : f.entries()) {
      absl::StrAppend(&b, "  ", e.precert() ? "precert_entry" : "x509_entry", " ", e.index(), " @ ",
                      BodyText(e.log_url()), ", logged ", MsTime(e.timestamp_ms()), "\n");
    }
    absl::StrAppend(&b, "\n");
  }
  if (!f.evidence().empty()) {
    absl::StrAppend(&b, "Evidence\n", BodyText(f.evidence(), true), "\n\n");
  }
  if (!n.finding_json.empty()) {
    // Pretty-printed, so that no line is long and a person can read it.
    auto j = nlohmann::json::parse(n.finding_json, nullptr, false);
    absl::StrAppend(
        &b, "The finding as JSON (caawatch cert ", cert_hex.empty() ? "..." : cert_hex,
        " shows it again)\n",
        j.is_discarded()
            ? BodyText(n.finding_json)
            : BodyText(j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace), true),
        "\n");
  }
  absl::StrAppend(&m, WrapLongLines(b));
  return m;
}

}  // namespace caawatch::notify
