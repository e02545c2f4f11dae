#include "proto/finding_json.h"

#include <iterator>
#include <set>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "proto/finding_convert.h"
#include "store/verdict.h"

namespace caawatch::api {
namespace {

using nlohmann::json;

std::set<std::string> Keys(const json& object) {
  std::set<std::string> keys;
  for (auto it = object.begin(); it != object.end(); ++it) keys.insert(it.key());
  return keys;
}

constexpr int64_t kMs = 1764345600000;  // 2025-11-28T16:00:00Z

store::FindingRecord FullRecord() {
  store::FindingRecord r;
  r.set_seq(42);
  r.set_kind("certificate");
  r.set_verdict("likely_forbidden");
  r.set_severity("warning");
  r.add_names("www.example.com");
  r.add_names("*.example.com");
  r.add_watched_names("www.example.com");
  r.mutable_issuer()->set_dn("CN=R3,O=Let's Encrypt,C=US");
  r.mutable_issuer()->set_ca_owner("Let's Encrypt");
  r.mutable_issuer()->add_caa_identifiers("letsencrypt.org");
  r.mutable_issuer()->set_spki_sha256(std::string(32, '\x01'));
  r.set_cert_sha256(std::string(32, '\xab'));
  r.set_tbs_sha256(std::string(32, '\x0f'));
  r.set_not_before_ms(kMs);
  r.set_not_after_ms(kMs + 1000);
  store::EntryRef* e = r.add_entries();
  e->set_log_id(std::string("\x00\x01\x02", 3));
  e->set_log_url("https://ct.example/log/");
  e->set_index(1234);
  e->set_timestamp_ms(kMs + 500);
  e->set_precert(true);
  store::CaaNameRecord* c = r.add_caa();
  c->set_name("www.example.com");
  c->set_relevant_name("example.com");
  store::CaaRecordPb* rec = c->add_records();
  rec->set_flags(0);
  rec->set_tag("issue");
  rec->set_value("pki.goog");
  c->set_window_start_ms(kMs - 3600000);
  c->set_window_end_ms(kMs);
  store::CaaObservationRecord* o = c->add_observations();
  o->set_query_name("example.com");
  o->set_first_seen_ms(kMs - 7200000);
  o->set_last_seen_ms(kMs);
  o->set_rcode(0);
  o->set_dnssec("insecure");
  o->set_ttl(300);
  *o->add_records() = *rec;
  c->set_dnssec("insecure");
  c->set_basis("observed");
  c->set_reason("issue pki.goog excludes letsencrypt.org");
  c->set_verdict("forbidden");
  r.set_reason("CAA forbade letsencrypt.org for www.example.com");
  r.set_recorded_ms(kMs + 2000);
  return r;
}

TEST(FindingConvertTest, ConvertsHashesTimesNamesAndEntryTypes) {
  v1::Finding f = ToApiFinding(FullRecord());
  EXPECT_EQ(f.seq(), 42u);
  EXPECT_EQ(f.verdict(), v1::LIKELY_FORBIDDEN);
  EXPECT_EQ(f.severity(), v1::WARNING);
  EXPECT_EQ(f.cert_sha256().substr(0, 4), "abab");
  EXPECT_EQ(f.tbs_sha256().substr(0, 4), "0f0f");
  EXPECT_EQ(f.precert_sha256(), "");
  EXPECT_EQ(f.not_before(), "2025-11-28T16:00:00.000Z");
  ASSERT_EQ(f.entries_size(), 1);
  EXPECT_EQ(f.entries(0).log_id(), "AAEC");
  EXPECT_EQ(f.entries(0).type(), "precert_entry");
  EXPECT_EQ(f.entries(0).timestamp(), "2025-11-28T16:00:00.500Z");
  ASSERT_EQ(f.caa_size(), 1);
  EXPECT_EQ(f.caa(0).verdict(), v1::FORBIDDEN);
  EXPECT_EQ(f.caa(0).observations(0).rcode(), "noerror");
}

// The one conversion to the API covers both enums exactly, and each API value is the SPEC §2
// name in upper case (FORBIDDEN <-> "forbidden").
TEST(FindingConvertTest, EveryVerdictAndSeverityHasItsOwnApiValueAndBack) {
  const google::protobuf::EnumDescriptor* verdicts = v1::Verdict_descriptor();
  EXPECT_EQ(verdicts->value_count(), static_cast<int>(std::size(store::kAllVerdicts)) + 1);
  for (int i = 0; i < verdicts->value_count(); ++i) {
    const auto api = static_cast<v1::Verdict>(verdicts->value(i)->number());
    absl::StatusOr<store::Verdict> v = api::FromApiVerdict(api);
    if (api == v1::VERDICT_UNSPECIFIED) {
      EXPECT_EQ(v.status().code(), absl::StatusCode::kInvalidArgument);
      continue;
    }
    ASSERT_TRUE(v.ok()) << verdicts->value(i)->name();
    EXPECT_EQ(api::ToApiVerdict(*v), api);
    EXPECT_EQ(absl::AsciiStrToUpper(store::VerdictName(*v)), verdicts->value(i)->name());
  }
  const google::protobuf::EnumDescriptor* severities = v1::Severity_descriptor();
  EXPECT_EQ(severities->value_count(), static_cast<int>(std::size(store::kAllSeverities)) + 1);
  for (int i = 0; i < severities->value_count(); ++i) {
    const auto api = static_cast<v1::Severity>(severities->value(i)->number());
    absl::StatusOr<store::Severity> s = api::FromApiSeverity(api);
    if (api == v1::SEVERITY_UNSPECIFIED) {
      EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
      continue;
    }
    ASSERT_TRUE(s.ok()) << severities->value(i)->name();
    EXPECT_EQ(api::ToApiSeverity(*s), api);
    EXPECT_EQ(absl::AsciiStrToUpper(store::SeverityName(*s)), severities->value(i)->name());
  }
}

TEST(FindingConvertTest, VerdictNamesRoundTripAndRejectUnknownNames) {
  for (int v = v1::FORBIDDEN; v <= v1::MALFORMED_CERT; ++v) {
    std::string name = api::VerdictName(static_cast<v1::Verdict>(v));
    ASSERT_FALSE(name.empty());
    EXPECT_EQ(api::VerdictFromName(name).value(), v);
  }
  EXPECT_EQ(api::VerdictName(v1::DNS_INDETERMINATE), "dns_indeterminate");
  EXPECT_EQ(api::VerdictFromName("Forbidden").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(api::VerdictName(v1::VERDICT_UNSPECIFIED), "");
  EXPECT_EQ(api::SeverityName(v1::CRITICAL), "critical");
  EXPECT_EQ(api::SeverityFromName("info").value(), v1::INFO);
}

TEST(FindingConvertTest, UnknownStoredVerdictBecomesUnspecifiedInsteadOfFailing) {
  store::FindingRecord r;
  r.set_verdict("some_future_verdict");
  EXPECT_EQ(ToApiFinding(r).verdict(), v1::VERDICT_UNSPECIFIED);
}

TEST(FindingJsonTest, PinsEveryFieldName) {
  json j = json::parse(FindingToJson(ToApiFinding(FullRecord())));
  EXPECT_EQ(Keys(j), (std::set<std::string>{
                         "seq", "kind", "verdict", "severity", "names", "watched_names", "issuer",
                         "cert_sha256", "precert_sha256", "tbs_sha256", "not_before", "not_after",
                         "entries", "caa", "reason", "recorded_at"}));
  EXPECT_EQ(Keys(j["issuer"]),
            (std::set<std::string>{"dn", "ca_owner", "caa_identifiers", "spki_sha256"}));
  EXPECT_EQ(Keys(j["entries"][0]),
            (std::set<std::string>{"log_id", "log_url", "index", "timestamp", "type"}));
  EXPECT_EQ(Keys(j["caa"][0]), (std::set<std::string>{"name", "relevant_name", "records", "window",
                                                      "observations", "dnssec", "basis", "reason",
                                                      "verdict", "retrospective_verdict"}));
  EXPECT_EQ(Keys(j["caa"][0]["window"]), (std::set<std::string>{"start", "end"}));
  EXPECT_EQ(Keys(j["caa"][0]["records"][0]), (std::set<std::string>{"flags", "tag", "value"}));
  EXPECT_EQ(Keys(j["caa"][0]["observations"][0]),
            (std::set<std::string>{"query_name", "first_seen", "last_seen", "rcode", "dnssec",
                                   "ttl", "records", "cname_chain"}));
  EXPECT_EQ(j["seq"], 42);
  EXPECT_EQ(j["verdict"], "likely_forbidden");
  EXPECT_EQ(j["severity"], "warning");
  EXPECT_EQ(j["caa"][0]["verdict"], "forbidden");
  EXPECT_EQ(j["entries"][0]["type"], "precert_entry");
  EXPECT_EQ(j["entries"][0]["index"], 1234);
  EXPECT_EQ(j["not_before"], "2025-11-28T16:00:00.000Z");
  EXPECT_TRUE(j["caa"][0]["retrospective_verdict"].is_null());
  EXPECT_TRUE(j["precert_sha256"].is_null()) << "an unknown hash is null, not \"\"";
  EXPECT_EQ(j["names"], json({"www.example.com", "*.example.com"}));
}

// A no_data name's verdict against the later state is a field, not only prose; the store's
// word for a set that could not be looked up ("indeterminate") is the API's dns_indeterminate.
TEST(FindingJsonTest, RetrospectiveVerdictIsAField) {
  store::FindingRecord r = FullRecord();
  r.mutable_caa(0)->set_verdict("no_data");
  r.mutable_caa(0)->set_retrospective_verdict("forbidden");
  EXPECT_EQ(ToApiFinding(r).caa(0).retrospective_verdict(), v1::FORBIDDEN);
  EXPECT_EQ(json::parse(FindingToJson(ToApiFinding(r)))["caa"][0]["retrospective_verdict"],
            "forbidden");
  r.mutable_caa(0)->set_retrospective_verdict("indeterminate");
  EXPECT_EQ(json::parse(FindingToJson(ToApiFinding(r)))["caa"][0]["retrospective_verdict"],
            "dns_indeterminate");
}

TEST(FindingJsonTest, IsOneLine) {
  std::string line = FindingToJson(ToApiFinding(FullRecord()));
  EXPECT_EQ(line.find('\n'), std::string::npos);
}

TEST(FindingJsonTest, AddsDecodeErrorAndEvidenceOnlyWhenSet) {
  store::FindingRecord r;
  r.set_seq(3);
  r.set_kind("log_misbehaviour");
  r.set_verdict("log_misbehaviour");
  r.set_severity("critical");
  r.set_evidence(R"({"sth_a":{"tree_size":10}})");
  r.set_decode_error("bad SAN extension");
  json j = json::parse(FindingToJson(ToApiFinding(r)));
  EXPECT_EQ(j["evidence"]["sth_a"]["tree_size"], 10);
  EXPECT_EQ(j["decode_error"], "bad SAN extension");
  EXPECT_EQ(j["verdict"], "log_misbehaviour");
  EXPECT_FALSE(json::parse(FindingToJson(ToApiFinding(FullRecord()))).contains("evidence"));
}

// SPEC §8: a followed finding shows its revocation, with the time from its first log
// appearance (the earliest entry) to the CRL's revocation date and to when it was seen revoked.
TEST(FindingJsonTest, RevocationShowsStateTimesAndTimeToRevocation) {
  const store::FindingRecord r = FullRecord();  // First logged at kMs + 500.
  EXPECT_FALSE(json::parse(FindingToJson(ToApiFinding(r))).contains("revocation"));
  store::RevocationRecord revocation;
  revocation.set_tbs_sha256(r.tbs_sha256());
  revocation.set_first_checked_ms(kMs + 1000);
  revocation.set_last_checked_ms(kMs + 7200500);
  revocation.set_revoked_seen_ms(kMs + 7200500);     // Two hours after first logged.
  revocation.set_revocation_date_ms(kMs + 3600500);  // One hour after.
  revocation.set_reason("keyCompromise");
  revocation.set_crl_url("http://crl.example/1.crl");
  revocation.set_ended("revoked");
  v1::Finding finding = ToApiFinding(r);
  AddRevocation(r, revocation, &finding);
  const json j = json::parse(FindingToJson(finding))["revocation"];
  EXPECT_EQ(j["state"], "revoked");
  EXPECT_EQ(j["reason"], "keyCompromise");
  EXPECT_EQ(j["crl_url"], "http://crl.example/1.crl");
  EXPECT_EQ(j["revocation_date"], "2025-11-28T17:00:00.500Z");
  EXPECT_EQ(j["seconds_to_revocation"], 3600);
  EXPECT_EQ(j["seconds_to_seen_revoked"], 7200);
  EXPECT_TRUE(j["last_error"].is_null());

  store::RevocationRecord following;
  following.set_tbs_sha256(r.tbs_sha256());
  following.set_first_checked_ms(kMs + 1000);
  following.set_last_error("CRL http://crl.example/1.crl refused: CRL signature does not verify");
  following.set_last_error_ms(kMs + 2000);
  v1::Finding followed = ToApiFinding(r);
  AddRevocation(r, following, &followed);
  const json f = json::parse(FindingToJson(followed))["revocation"];
  EXPECT_EQ(f["state"], "following");
  EXPECT_TRUE(f["revoked_seen_at"].is_null());
  EXPECT_TRUE(f["seconds_to_revocation"].is_null());
  EXPECT_EQ(f["last_error"], "CRL http://crl.example/1.crl refused: CRL signature does not verify");
}

// certspotter's malformed_cert event carries LEAF_HASH and PARSE_ERROR: the JSON does too, and
// has no TBS hash to show.
TEST(FindingJsonTest, MalformedCertificateShowsItsLeafHashAndParseError) {
  store::FindingRecord r;
  r.set_seq(4);
  r.set_kind("malformed_cert");
  r.set_verdict("malformed_cert");
  r.set_severity("warning");
  r.set_leaf_hash(std::string(32, '\xab'));
  r.set_decode_error("certificate: TBSCertificate: truncated");
  json j = json::parse(FindingToJson(ToApiFinding(r)));
  EXPECT_EQ(j["verdict"], "malformed_cert");
  std::string hex;
  for (int i = 0; i < 32; ++i) hex += "ab";
  EXPECT_EQ(j["leaf_hash"], hex);
  EXPECT_EQ(j["parse_error"], "certificate: TBSCertificate: truncated");
  EXPECT_TRUE(j["tbs_sha256"].is_null());
  EXPECT_FALSE(json::parse(FindingToJson(ToApiFinding(FullRecord()))).contains("leaf_hash"));
}

TEST(FindingJsonTest, InvalidUtf8InCertificateNamesDoesNotThrow) {
  v1::Finding f;
  f.add_names(std::string("bad\xff\xfe.example.com"));
  std::string line = FindingToJson(f);
  EXPECT_NE(line.find("example.com"), std::string::npos);
}

TEST(FindingJsonTest, ReevaluatedFindingShowsItsFirstSeqAndSupersededVerdicts) {
  store::FindingRecord r = FullRecord();
  EXPECT_FALSE(json::parse(FindingToJson(ToApiFinding(r))).contains("history"));
  r.set_first_seq(7);
  r.set_evaluated_ms(kMs + 5000);
  store::FindingRevisionRecord* old = r.add_history();
  old->set_seq(7);
  old->set_verdict("unknown_issuer");
  old->set_severity("warning");
  old->set_reason("issuer maps to no CAA identifier");
  old->set_evaluated_ms(kMs);
  old->set_superseded_ms(kMs + 5000);
  old->set_superseded_because("CA identifier map updated");
  const json j = json::parse(FindingToJson(ToApiFinding(r)));
  EXPECT_EQ(j["seq"], 42);
  EXPECT_EQ(j["first_seq"], 7);
  EXPECT_EQ(j["evaluated_at"], "2025-11-28T16:00:05.000Z");
  ASSERT_EQ(j["history"].size(), 1u);
  EXPECT_EQ(j["history"][0]["seq"], 7);
  EXPECT_EQ(j["history"][0]["verdict"], "unknown_issuer");
  EXPECT_EQ(j["history"][0]["severity"], "warning");
  EXPECT_EQ(j["history"][0]["evaluated_at"], "2025-11-28T16:00:00.000Z");
  EXPECT_EQ(j["history"][0]["superseded_because"], "CA identifier map updated");
}

TEST(FindingJsonTest, AlertPrintsAsItsFindingWithTheAlertSeq) {
  v1::Alert alert = api::ToApiAlert(FullRecord());
  json j = json::parse(AlertToJson(alert));
  EXPECT_EQ(j["seq"], 42);
  EXPECT_EQ(j["kind"], "certificate");
}

}  // namespace
}  // namespace caawatch::api
