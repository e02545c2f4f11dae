#include "proto/finding_convert.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "base/hex.h"
#include "base/status_macros.h"
#include "base/time_text.h"

namespace caawatch::api {
namespace {

std::string Hex(const std::string& bytes) {
  return HexEncode(
      absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
}

}  // namespace

std::string RcodeWord(const store::CaaObservationRecord& obs) {
  if (!obs.outcome().empty()) return obs.outcome();
  switch (obs.rcode()) {
    case 0:
      return "noerror";
    case 2:
      return "servfail";
    case 3:
      return "nxdomain";
    case 5:
      return "refused";
    default:
      return absl::StrCat("rcode", obs.rcode());
  }
}

namespace {

void FillRecords(const google::protobuf::RepeatedPtrField<store::CaaRecordPb>& in,
                 google::protobuf::RepeatedPtrField<v1::CaaRecord>* out) {
  for (const store::CaaRecordPb& r : in) {
    v1::CaaRecord* rec = out->Add();
    rec->set_flags(r.flags());
    rec->set_tag(r.tag());
    rec->set_value(r.value());
  }
}

void FillObservation(const store::CaaObservationRecord& in, v1::CaaObservation* out) {
  out->set_query_name(in.query_name());
  out->set_first_seen(FormatMillis(in.first_seen_ms()));
  out->set_last_seen(FormatMillis(in.last_seen_ms()));
  out->set_rcode(RcodeWord(in));
  out->set_dnssec(in.dnssec());
  out->set_ttl(in.ttl());
  FillRecords(in.records(), out->mutable_records());
  for (const std::string& c : in.cname_chain()) out->add_cname_chain(c);
  out->set_basis(in.basis());
  out->set_zone(in.zone());
  out->set_zone_serial(in.zone_serial());
}

void FillEvaluation(const store::CaaNameRecord& in, v1::CaaEvaluation* out) {
  out->set_name(in.name());
  out->set_relevant_name(in.relevant_name());
  FillRecords(in.records(), out->mutable_records());
  out->set_window_start(FormatMillis(in.window_start_ms()));
  out->set_window_end(FormatMillis(in.window_end_ms()));
  for (const store::CaaObservationRecord& o : in.observations()) {
    FillObservation(o, out->add_observations());
  }
  out->set_dnssec(in.dnssec());
  out->set_basis(in.basis());
  out->set_reason(in.reason());
  out->set_verdict(VerdictFromName(in.verdict()).value_or(v1::VERDICT_UNSPECIFIED));
  if (const absl::StatusOr<store::Verdict> retro =
          store::RetrospectiveVerdictFromName(in.retrospective_verdict());
      retro.ok()) {
    out->set_retrospective_verdict(ToApiVerdict(*retro));
  }
}

void FillEntry(const store::EntryRef& in, v1::LogEntryRef* out) {
  out->set_log_id(absl::Base64Escape(in.log_id()));
  out->set_log_url(in.log_url());
  out->set_index(in.index());
  out->set_timestamp(FormatMillis(in.timestamp_ms()));
  out->set_type(in.precert() ? "precert_entry" : "x509_entry");
  if (!in.has_inclusion()) return;
  const store::InclusionRecord& p = in.inclusion();
  v1::InclusionProof* proof = out->mutable_inclusion();
  proof->set_leaf_hash(absl::Base64Escape(p.leaf_hash()));
  proof->set_tree_size(p.tree_size());
  proof->set_root_hash(absl::Base64Escape(p.root_hash()));
  proof->set_sth_timestamp(FormatMillis(static_cast<int64_t>(p.sth_timestamp_ms())));
  proof->set_method(p.method());
  proof->set_from_size(p.from_size());
  proof->set_prefix_size(p.prefix_size());
  for (const std::string& n : p.prefix_nodes()) proof->add_prefix_nodes(absl::Base64Escape(n));
  for (const std::string& h : p.consistency_proof()) {
    proof->add_consistency_proof(absl::Base64Escape(h));
  }
}

}  // namespace

std::string FormatMillis(int64_t epoch_ms) {
  if (epoch_ms == 0) return "";
  return FormatRfc3339Millis(absl::FromUnixMillis(epoch_ms));
}

v1::Verdict ToApiVerdict(store::Verdict verdict) {
  switch (verdict) {
    case store::Verdict::kForbidden:
      return v1::FORBIDDEN;
    case store::Verdict::kLikelyForbidden:
      return v1::LIKELY_FORBIDDEN;
    case store::Verdict::kUnknownIssuer:
      return v1::UNKNOWN_ISSUER;
    case store::Verdict::kDnsIndeterminate:
      return v1::DNS_INDETERMINATE;
    case store::Verdict::kPermitted:
      return v1::PERMITTED;
    case store::Verdict::kPermittedConditional:
      return v1::PERMITTED_CONDITIONAL;
    case store::Verdict::kNoData:
      return v1::NO_DATA;
    case store::Verdict::kExempt:
      return v1::EXEMPT;
    case store::Verdict::kUnexpectedIssuer:
      return v1::UNEXPECTED_ISSUER;
    case store::Verdict::kLogMisbehaviour:
      return v1::LOG_MISBEHAVIOUR;
    case store::Verdict::kMalformedCert:
      return v1::MALFORMED_CERT;
    case store::Verdict::kCaaBreaksRenewal:
      return v1::CAA_BREAKS_RENEWAL;
  }
  return v1::VERDICT_UNSPECIFIED;
}

absl::StatusOr<store::Verdict> FromApiVerdict(v1::Verdict verdict) {
  for (const store::Verdict v : store::kAllVerdicts) {
    if (ToApiVerdict(v) == verdict) return v;
  }
  return absl::InvalidArgumentError(absl::StrCat("bad verdict ", static_cast<int>(verdict)));
}

v1::Severity ToApiSeverity(store::Severity severity) {
  switch (severity) {
    case store::Severity::kInfo:
      return v1::INFO;
    case store::Severity::kWarning:
      return v1::WARNING;
    case store::Severity::kCritical:
      return v1::CRITICAL;
  }
  return v1::SEVERITY_UNSPECIFIED;
}

absl::StatusOr<store::Severity> FromApiSeverity(v1::Severity severity) {
  for (const store::Severity s : store::kAllSeverities) {
    if (ToApiSeverity(s) == severity) return s;
  }
  return absl::InvalidArgumentError(absl::StrCat("bad severity ", static_cast<int>(severity)));
}

std::string VerdictName(v1::Verdict verdict) {
  absl::StatusOr<store::Verdict> v = FromApiVerdict(verdict);
  return v.ok() ? store::VerdictName(*v) : "";
}

absl::StatusOr<v1::Verdict> VerdictFromName(absl::string_view name) {
  CAAWATCH_ASSIGN_OR_RETURN(store::Verdict v, store::VerdictFromName(name));
  return ToApiVerdict(v);
}

std::string SeverityName(v1::Severity severity) {
  absl::StatusOr<store::Severity> s = FromApiSeverity(severity);
  return s.ok() ? store::SeverityName(*s) : "";
}

absl::StatusOr<v1::Severity> SeverityFromName(absl::string_view name) {
  CAAWATCH_ASSIGN_OR_RETURN(store::Severity s, store::SeverityFromName(name));
  return ToApiSeverity(s);
}

v1::Finding ToApiFinding(const store::FindingRecord& record) {
  v1::Finding f;
  f.set_seq(record.seq());
  f.set_kind(record.kind());
  f.set_verdict(VerdictFromName(record.verdict()).value_or(v1::VERDICT_UNSPECIFIED));
  f.set_severity(SeverityFromName(record.severity()).value_or(v1::SEVERITY_UNSPECIFIED));
  for (const std::string& n : record.names()) f.add_names(n);
  for (const std::string& n : record.watched_names()) f.add_watched_names(n);
  v1::Issuer* issuer = f.mutable_issuer();
  issuer->set_dn(record.issuer().dn());
  issuer->set_ca_owner(record.issuer().ca_owner());
  for (const std::string& id : record.issuer().caa_identifiers()) issuer->add_caa_identifiers(id);
  issuer->set_spki_sha256(Hex(record.issuer().spki_sha256()));
  f.set_cert_sha256(Hex(record.cert_sha256()));
  f.set_precert_sha256(Hex(record.precert_sha256()));
  f.set_tbs_sha256(Hex(record.tbs_sha256()));
  f.set_leaf_hash(Hex(record.leaf_hash()));
  f.set_not_before(FormatMillis(record.not_before_ms()));
  f.set_not_after(FormatMillis(record.not_after_ms()));
  for (const store::EntryRef& e : record.entries()) FillEntry(e, f.add_entries());
  for (const store::CaaNameRecord& c : record.caa()) FillEvaluation(c, f.add_caa());
  f.set_reason(record.reason());
  f.set_recorded_at(FormatMillis(record.recorded_ms()));
  f.set_decode_error(record.decode_error());
  f.set_evidence(record.evidence());
  for (const std::string& w : record.unexpected_issuer_for()) f.add_unexpected_issuer_for(w);
  f.set_first_seq(record.first_seq());
  f.set_evaluated_at(FormatMillis(record.evaluated_ms()));
  for (const store::FindingRevisionRecord& r : record.history()) {
    v1::FindingRevision* h = f.add_history();
    h->set_seq(r.seq());
    h->set_verdict(VerdictFromName(r.verdict()).value_or(v1::VERDICT_UNSPECIFIED));
    h->set_severity(SeverityFromName(r.severity()).value_or(v1::SEVERITY_UNSPECIFIED));
    h->set_reason(r.reason());
    h->set_evaluated_at(FormatMillis(r.evaluated_ms()));
    h->set_superseded_at(FormatMillis(r.superseded_ms()));
    h->set_superseded_because(r.superseded_because());
  }
  return f;
}

void AddRevocation(const store::FindingRecord& record, const store::RevocationRecord& revocation,
                   v1::Finding* finding) {
  v1::Revocation* r = finding->mutable_revocation();
  r->set_state(revocation.ended().empty() ? "following" : revocation.ended());
  r->set_first_checked_at(FormatMillis(revocation.first_checked_ms()));
  r->set_last_checked_at(FormatMillis(revocation.last_checked_ms()));
  r->set_revoked_seen_at(FormatMillis(revocation.revoked_seen_ms()));
  r->set_revocation_date(FormatMillis(revocation.revocation_date_ms()));
  r->set_reason(revocation.reason());
  r->set_crl_url(revocation.crl_url());
  r->set_last_error(revocation.last_error());
  r->set_last_error_at(FormatMillis(revocation.last_error_ms()));
  int64_t first_logged_ms = 0;
  for (const store::EntryRef& e : record.entries()) {
    if (e.timestamp_ms() != 0 && (first_logged_ms == 0 || e.timestamp_ms() < first_logged_ms)) {
      first_logged_ms = e.timestamp_ms();
    }
  }
  if (revocation.revoked_seen_ms() != 0 && first_logged_ms != 0) {
    r->set_seconds_to_revocation((revocation.revocation_date_ms() - first_logged_ms) / 1000);
    r->set_seconds_to_seen_revoked((revocation.revoked_seen_ms() - first_logged_ms) / 1000);
  }
}

v1::Alert ToApiAlert(const store::FindingRecord& record) {
  v1::Alert alert;
  alert.set_seq(record.seq());
  *alert.mutable_finding() = ToApiFinding(record);
  return alert;
}

}  // namespace caawatch::api
