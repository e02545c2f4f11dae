// One-line JSON for findings and alerts, with exactly the field names of SPEC §4 (shared by
// the CLI's --json output, `caawatch subscribe` and notify/'s webhook body and hook file). Verdicts
// and severities are lowercase SPEC §2 names; an empty hash, time or name string is JSON null;
// never throws.
#ifndef CAAWATCH_PROTO_FINDING_JSON_H_
#define CAAWATCH_PROTO_FINDING_JSON_H_

#include <string>

#include "caawatch/v1/monitor.pb.h"
#include "nlohmann/json.hpp"

namespace caawatch::api {

// {seq, kind, verdict, severity, names, watched_names, issuer {dn, ca_owner, caa_identifiers,
// spki_sha256}, cert_sha256, precert_sha256, tbs_sha256, not_before, not_after,
// entries [{log_id, log_url, index, timestamp, type}],
// caa [{name, relevant_name, records [{flags, tag, value}], window {start, end},
//       observations [{query_name, first_seen, last_seen, rcode, dnssec, ttl, records,
//                      cname_chain}], dnssec, basis, reason, verdict, retrospective_verdict}],
// reason, recorded_at} plus decode_error, evidence and unexpected_issuer_for when set, and for
// kind malformed_cert leaf_hash and parse_error (certspotter's LEAF_HASH and PARSE_ERROR).
// `evidence` is embedded as a JSON value when it parses, else as a string. A followed finding
// has `revocation` {state, first_checked_at, last_checked_at, revoked_seen_at, revocation_date,
// reason, crl_url, seconds_to_revocation, seconds_to_seen_revoked, last_error, last_error_at}.
nlohmann::json FindingJsonValue(const caawatch::v1::Finding& finding);
nlohmann::json CaaEvaluationJsonValue(const caawatch::v1::CaaEvaluation& evaluation);

// FindingJsonValue dumped on one line (no trailing newline); invalid UTF-8 is replaced.
std::string FindingToJson(const caawatch::v1::Finding& finding);
// An alert prints as its finding, with `seq` taken from the alert.
std::string AlertToJson(const caawatch::v1::Alert& alert);

}  // namespace caawatch::api

#endif  // CAAWATCH_PROTO_FINDING_JSON_H_
