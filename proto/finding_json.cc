#include "proto/finding_json.h"

#include <string>
#include <vector>

#include "proto/finding_convert.h"

namespace caawatch::api {
namespace {

using nlohmann::json;

// Empty strings mean "not known" throughout the API; JSON says so with null.
json StringOrNull(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }

json StringArray(const google::protobuf::RepeatedPtrField<std::string>& values) {
  json out = json::array();
  for (const std::string& v : values) out.push_back(v);
  return out;
}

json RecordsJson(const google::protobuf::RepeatedPtrField<v1::CaaRecord>& records) {
  json out = json::array();
  for (const v1::CaaRecord& r : records) {
    out.push_back({{"flags", r.flags()}, {"tag", r.tag()}, {"value", r.value()}});
  }
  return out;
}

json ObservationJson(const v1::CaaObservation& o) {
  json out = {{"query_name", o.query_name()},
              {"first_seen", StringOrNull(o.first_seen())},
              {"last_seen", StringOrNull(o.last_seen())},
              {"rcode", StringOrNull(o.rcode())},
              {"dnssec", StringOrNull(o.dnssec())},
              {"ttl", o.ttl()},
              {"records", RecordsJson(o.records())},
              {"cname_chain", StringArray(o.cname_chain())}};
  // A followed zone's state (issue 18): which zone, at which serial.
  if (o.basis() == "zone") {
    out["basis"] = "zone";
    out["zone"] = o.zone();
    out["zone_serial"] = o.zone_serial();
  }
  return out;
}

json EntryJson(const v1::LogEntryRef& e) {
  json out = {{"log_id", e.log_id()},
              {"log_url", StringOrNull(e.log_url())},
              {"index", e.index()},
              {"timestamp", StringOrNull(e.timestamp())},
              {"type", e.type()}};
  if (!e.has_inclusion()) return out;
  const v1::InclusionProof& p = e.inclusion();
  json proof = {{"leaf_hash", p.leaf_hash()},
                {"tree_size", p.tree_size()},
                {"root_hash", p.root_hash()},
                {"sth_timestamp", StringOrNull(p.sth_timestamp())},
                {"method", p.method()}};
  if (p.method() == "root") proof["from_size"] = p.from_size();
  if (p.method() == "consistency") {
    proof["prefix_size"] = p.prefix_size();
    proof["prefix_nodes"] =
        std::vector<std::string>(p.prefix_nodes().begin(), p.prefix_nodes().end());
    proof["consistency_proof"] =
        std::vector<std::string>(p.consistency_proof().begin(), p.consistency_proof().end());
  }
  out["inclusion"] = std::move(proof);
  return out;
}

json EvidenceJson(const std::string& evidence) {
  json parsed = json::parse(evidence, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return evidence;
  return parsed;
}

}  // namespace

json CaaEvaluationJsonValue(const v1::CaaEvaluation& c) {
  json observations = json::array();
  for (const v1::CaaObservation& o : c.observations()) observations.push_back(ObservationJson(o));
  return {{"name", c.name()},
          {"relevant_name", StringOrNull(c.relevant_name())},
          {"records", RecordsJson(c.records())},
          {"window",
           {{"start", StringOrNull(c.window_start())}, {"end", StringOrNull(c.window_end())}}},
          {"observations", std::move(observations)},
          {"dnssec", StringOrNull(c.dnssec())},
          {"basis", StringOrNull(c.basis())},
          {"reason", StringOrNull(c.reason())},
          {"verdict", StringOrNull(VerdictName(c.verdict()))},
          {"retrospective_verdict", StringOrNull(VerdictName(c.retrospective_verdict()))}};
}

json FindingJsonValue(const v1::Finding& f) {
  json entries = json::array();
  for (const v1::LogEntryRef& e : f.entries()) entries.push_back(EntryJson(e));
  json caa = json::array();
  for (const v1::CaaEvaluation& c : f.caa()) caa.push_back(CaaEvaluationJsonValue(c));
  json out = {
      {"seq", f.seq()},
      {"kind", f.kind()},
      {"verdict", StringOrNull(VerdictName(f.verdict()))},
      {"severity", StringOrNull(SeverityName(f.severity()))},
      {"names", StringArray(f.names())},
      {"watched_names", StringArray(f.watched_names())},
      {"issuer",
       {{"dn", StringOrNull(f.issuer().dn())},
        {"ca_owner", StringOrNull(f.issuer().ca_owner())},
        {"caa_identifiers", StringArray(f.issuer().caa_identifiers())},
        {"spki_sha256", StringOrNull(f.issuer().spki_sha256())}}},
      {"cert_sha256", StringOrNull(f.cert_sha256())},
      {"precert_sha256", StringOrNull(f.precert_sha256())},
      {"tbs_sha256", StringOrNull(f.tbs_sha256())},
      {"not_before", StringOrNull(f.not_before())},
      {"not_after", StringOrNull(f.not_after())},
      {"entries", std::move(entries)},
      {"caa", std::move(caa)},
      {"reason", StringOrNull(f.reason())},
      {"recorded_at", StringOrNull(f.recorded_at())},
  };
  if (!f.decode_error().empty()) out["decode_error"] = f.decode_error();
  // certspotter's malformed_cert fields: the entry's leaf hash and what could not be parsed.
  if (f.kind() == FindingKindName(FindingKind::kMalformedCert)) {
    out["leaf_hash"] = StringOrNull(f.leaf_hash());
    out["parse_error"] = StringOrNull(f.decode_error());
  }
  if (!f.evidence().empty()) out["evidence"] = EvidenceJson(f.evidence());
  if (f.unexpected_issuer_for_size() > 0) {
    out["unexpected_issuer_for"] = StringArray(f.unexpected_issuer_for());
  }
  // The revocation follow-up (SPEC §8), once the finding is followed.
  if (f.has_revocation()) {
    const v1::Revocation& r = f.revocation();
    out["revocation"] = {
        {"state", r.state()},
        {"first_checked_at", StringOrNull(r.first_checked_at())},
        {"last_checked_at", StringOrNull(r.last_checked_at())},
        {"revoked_seen_at", StringOrNull(r.revoked_seen_at())},
        {"revocation_date", StringOrNull(r.revocation_date())},
        {"reason", StringOrNull(r.reason())},
        {"crl_url", StringOrNull(r.crl_url())},
        {"seconds_to_revocation",
         r.revocation_date().empty() ? json(nullptr) : json(r.seconds_to_revocation())},
        {"seconds_to_seen_revoked",
         r.revoked_seen_at().empty() ? json(nullptr) : json(r.seconds_to_seen_revoked())},
        {"last_error", StringOrNull(r.last_error())},
        {"last_error_at", StringOrNull(r.last_error_at())},
    };
  }
  // Re-evaluated findings: when, where the finding was first listed, and what it said before.
  if (f.history_size() > 0) {
    out["evaluated_at"] = StringOrNull(f.evaluated_at());
    out["first_seq"] = f.first_seq() != 0 ? f.first_seq() : f.seq();
    json history = json::array();
    for (const v1::FindingRevision& r : f.history()) {
      history.push_back({{"seq", r.seq()},
                         {"verdict", StringOrNull(VerdictName(r.verdict()))},
                         {"severity", StringOrNull(SeverityName(r.severity()))},
                         {"reason", StringOrNull(r.reason())},
                         {"evaluated_at", StringOrNull(r.evaluated_at())},
                         {"superseded_at", StringOrNull(r.superseded_at())},
                         {"superseded_because", StringOrNull(r.superseded_because())}});
    }
    out["history"] = std::move(history);
  }
  return out;
}

std::string FindingToJson(const v1::Finding& finding) {
  // replace: certificate names and DNs come from untrusted bytes; dump must not throw on them.
  return FindingJsonValue(finding).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string AlertToJson(const v1::Alert& alert) {
  nlohmann::json value = FindingJsonValue(alert.finding());
  value["seq"] = alert.seq();
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace caawatch::api
