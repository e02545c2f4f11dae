#include "evidence/report_wording.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "base/time_text.h"

namespace caawatch::evidence {
namespace {

std::string CaName(const ReportFacts& facts) {
  return facts.ca_owner.empty() ? std::string("the issuing CA") : facts.ca_owner;
}

// The tag of a presentation-form record `0 issue "x"`, lowercase.
std::string TagOf(const std::string& record) {
  const std::vector<std::string> fields = absl::StrSplit(record, ' ', absl::SkipEmpty());
  return fields.size() >= 2 ? absl::AsciiStrToLower(fields[1]) : "";
}

bool IsCriticalUnknown(const std::string& record) {
  const std::vector<std::string> fields = absl::StrSplit(record, ' ', absl::SkipEmpty());
  int flags = 0;
  if (fields.size() < 2 || !absl::SimpleAtoi(fields[0], &flags)) return false;
  const std::string tag = absl::AsciiStrToLower(fields[1]);
  return (flags & 128) != 0 && tag != "issue" && tag != "issuewild" && tag != "iodef";
}

}  // namespace

std::string ReportTime(int64_t ms) {
  return ms == 0 ? "(unknown)" : FormatRfc3339Millis(absl::FromUnixMillis(ms));
}

std::string ReportSubject(const ReportFacts& facts) {
  const std::string name = facts.dns_names.empty() ? "(no DNS name)" : facts.dns_names.front();
  const std::string what = facts.verdict == "forbidden" || facts.verdict == "likely_forbidden"
                               ? "Certificate issued against CAA"
                               : "CAA review of a certificate";
  return absl::StrCat(what, ": ", name,
                      facts.serial_hex.empty() ? "" : absl::StrCat(", serial ", facts.serial_hex));
}

std::string VerdictSentence(const ReportFacts& facts) {
  const std::string ca = CaName(facts);
  if (facts.verdict == "forbidden") {
    return absl::StrCat(
        "The certificate below was issued by ", ca,
        " for names whose DNS CAA records did not authorise ", ca,
        " at any time when its CAA check can have taken place (from max(8 hours, TTL) plus one "
        "TTL before the first log timestamp up to that timestamp). Every record set observed in "
        "that window forbade the issuance.");
  }
  if (facts.verdict == "likely_forbidden") {
    return absl::StrCat(
        "The certificate below was issued by ", ca, " for names whose DNS CAA records forbade ", ca,
        " throughout the window in which its CAA check normally takes place. Only a signing "
        "back-dated by up to 48 hours before the first log timestamp, checked against an older "
        "record set, could explain it.");
  }
  return absl::StrCat("The certificate below was judged \"", facts.verdict,
                      "\" against the CAA records observed before its issuance. This is not a "
                      "CAA violation report; the facts are given for review.");
}

std::string RuleBroken(const ReportName& name, const ReportFacts& facts) {
  if (name.verdict != "forbidden" && name.verdict != "likely_forbidden") return "";
  const std::string ca = CaName(facts);
  for (const std::string& record : name.relevant_records) {
    if (IsCriticalUnknown(record)) {
      return absl::StrCat(
          "The relevant record set holds a property with the issuer critical "
          "flag and a tag no CA is required to understand (",
          record,
          "): no CA may issue (RFC 8659 section 4.1, Baseline Requirements "
          "section 3.2.2.8).");
    }
  }
  const bool wildcard = absl::StartsWith(name.name, "*.");
  bool has_issuewild = false;
  for (const std::string& record : name.relevant_records) {
    has_issuewild = has_issuewild || TagOf(record) == "issuewild";
  }
  const std::string identifiers =
      facts.caa_identifiers.empty() ? "(none known)" : absl::StrJoin(facts.caa_identifiers, ", ");
  if (wildcard && has_issuewild) {
    return absl::StrCat(
        "For a wildcard name only the \"issuewild\" properties count (RFC 8659 "
        "section 4.3), and none of them names an issuer domain ",
        ca, " recognises (", identifiers, ").");
  }
  return absl::StrCat(
      "The \"issue\" properties of the relevant record set (RFC 8659 section 3: "
      "the first non-empty CAA set found climbing from the name towards the "
      "top-level domain) authorise only the issuer domains they name, and none "
      "names one ",
      ca, " recognises (", identifiers, "); RFC 8659 section 4.2.");
}

std::string Citation() {
  return "RFC 8659 section 3 and Baseline Requirements section 3.2.2.8: before issuing, a CA "
         "MUST process the CAA records of every dNSName and MUST NOT issue when the relevant "
         "record set does not authorise it; it must issue within the TTL of the record or 8 "
         "hours, whichever is greater, of its check. Baseline Requirements section 4.9.1.1: "
         "when the CA obtains evidence that a certificate was issued not in accordance with "
         "section 3.2.2.8, it SHALL revoke it within 24 hours.";
}

std::string FileRole(const std::string& file) {
  if (file == "finding.json")
    return "the finding as recorded: names, issuer, log entries, CAA evaluation";
  if (file == "certificate.pem")
    return "the certificate with the issuer chain its log entry carried";
  if (file == "precertificate.pem")
    return "the precertificate with the issuer chain its log entry carried";
  if (file == "log-keys.json")
    return "the public keys of the logs (to be matched against a log list)";
  if (absl::StartsWith(file, "entry-"))
    return "a log entry as the log served it (leaf_input, extra_data)";
  if (absl::StartsWith(file, "proof-")) return "the entry's Merkle inclusion proof (audit path)";
  if (absl::StartsWith(file, "head-"))
    return "the signed tree head the proof leads to, with the log's signature";
  if (absl::StartsWith(file, "caa")) return "CAA answers as observed (DNS wire format where kept)";
  return "";
}

std::string HowToCheck() {
  return "Run `caawatch evidence verify DIR` (add `--log-list FILE` to trust a log list of your "
         "own): it checks, without any network access, that every head is signed by its log's "
         "key, that each key is the one the log list gives for that log, that each entry's leaf "
         "hash (SHA-256 of 0x00 and the entry's leaf_input, RFC 6962 section 2.1) leads along "
         "its audit path to the head's root hash, and that the certificates and finding.json "
         "name what the entries hold. The same checks need only SHA-256 and ECDSA/RSA signature "
         "verification, so any independent tool can repeat them.";
}

}  // namespace caawatch::evidence
