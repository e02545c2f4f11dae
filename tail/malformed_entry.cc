#include "tail/malformed_entry.h"

#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "ctlog/certificate_parser.h"
#include "ctlog/leaf.h"
#include "store/finding_kind.h"
#include "store/verdict.h"

namespace caawatch::tail {
namespace {

std::string Bytes(const ctlog::Sha256Hash& h) { return std::string(h.begin(), h.end()); }

// What could not be parsed: the TBS damage when that is it, else everything the decode found.
const std::string& ParseError(const ctlog::LogEntry& entry) {
  return entry.identity.tbs_error.empty() ? entry.decode_error : entry.identity.tbs_error;
}

store::FindingRecord Skeleton(const ctlog::LogInfo& log, uint64_t index, int64_t timestamp_ms,
                              bool precert, const ctlog::Sha256Hash& leaf_hash, absl::Time now) {
  store::FindingRecord f;
  store::SetKind(store::FindingKind::kMalformedCert, &f);
  f.set_verdict(store::VerdictName(store::Verdict::kMalformedCert));
  f.set_leaf_hash(Bytes(leaf_hash));
  store::EntryRef* ref = f.add_entries();
  ref->set_log_id(Bytes(log.log_id));
  ref->set_log_url(log.url);
  ref->set_index(index);
  ref->set_timestamp_ms(timestamp_ms);
  ref->set_precert(precert);
  f.set_recorded_ms(absl::ToUnixMillis(now));
  f.set_evaluated_ms(absl::ToUnixMillis(now));
  return f;
}

}  // namespace

bool IsMalformedCertificate(const ctlog::LogEntry& entry) {
  return !entry.identity.tbs_error.empty();
}

store::FindingRecord MalformedCertFinding(const ctlog::LogEntry& entry, const ctlog::LogInfo& log,
                                          const std::vector<judge::WatchHit>& hits,
                                          absl::Time now) {
  const bool precert = entry.type == ctlog::EntryType::kPrecert;
  store::FindingRecord f = Skeleton(log, entry.index, static_cast<int64_t>(entry.timestamp_ms),
                                    precert, entry.leaf_hash, now);
  for (const std::string& n : ctlog::MatchNames(entry.identity)) f.add_names(n);
  std::set<std::string> watched;
  for (const judge::WatchHit& h : hits) watched.insert(h.cert_name);
  for (const std::string& n : watched) f.add_watched_names(n);
  if (!hits.empty() && !entry.certificate_der.empty()) {
    (precert ? f.mutable_precert_sha256() : f.mutable_cert_sha256())
        ->assign(Bytes(entry.identity.sha256));
  }
  if (entry.identity.not_before != absl::InfinitePast()) {
    f.set_not_before_ms(absl::ToUnixMillis(entry.identity.not_before));
  }
  if (entry.identity.not_after != absl::InfinitePast()) {
    f.set_not_after_ms(absl::ToUnixMillis(entry.identity.not_after));
  }
  store::IssuerRecord* issuer = f.mutable_issuer();
  if (entry.issuer) {
    issuer->set_dn(entry.issuer->subject_dn);
    issuer->set_organization(entry.issuer->organization);
    issuer->set_common_name(entry.issuer->common_name);
    issuer->set_spki_sha256(Bytes(entry.issuer->spki_sha256));
  } else {
    issuer->set_dn(entry.identity.issuer_dn);
    issuer->set_organization(entry.identity.issuer_organization);
    issuer->set_common_name(entry.identity.issuer_common_name);
  }
  f.set_decode_error(entry.decode_error.empty() ? ParseError(entry) : entry.decode_error);
  if (hits.empty()) {
    f.set_severity(store::SeverityName(store::Severity::kInfo));
    f.set_reason(
        absl::StrCat("certificate could not be parsed, so it may name a watched domain that could "
                     "not be read (",
                     f.names_size(), " readable names, none watched): ", ParseError(entry)));
  } else {
    f.set_severity(store::SeverityName(store::Severity::kWarning));
    f.set_reason(
        absl::StrCat("certificate for ", *watched.begin(),
                     " could not be parsed, so its CAA was not judged: ", ParseError(entry)));
  }
  return f;
}

store::FindingRecord UnreadableLeafFinding(uint64_t index, const ctlog::RawEntry& raw,
                                           absl::string_view error, const ctlog::LogInfo& log,
                                           absl::Time now) {
  store::FindingRecord f =
      Skeleton(log, index, 0, false, ctlog::MerkleLeafHash(raw.leaf_input), now);
  f.set_severity(store::SeverityName(store::Severity::kInfo));
  f.set_decode_error(std::string(error));
  f.set_reason(
      absl::StrCat("log entry could not be parsed, so whether it names a watched domain "
                   "is unknown: ",
                   error));
  return f;
}

}  // namespace caawatch::tail
