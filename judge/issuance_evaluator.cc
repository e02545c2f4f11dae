#include "judge/issuance_evaluator.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/hex.h"
#include "base/status_macros.h"
#include "ctlog/certificate_parser.h"
#include "judge/caa_verdicts.h"
#include "judge/verdict_order.h"
#include "names/domain_name.h"
#include "store/finding_kind.h"
#include "store/verdict.h"

namespace caawatch::judge {
namespace {

// CAA became mandatory for publicly-trusted TLS CAs on this day (CA/B Forum ballot 187).
const absl::Time kCaaMandatorySince =
    absl::FromCivil(absl::CivilDay(2017, 9, 8), absl::UTCTimeZone());

bool IsCaaSubject(const std::string& name) {
  // CAA covers DNS names only; Onion names are exempt (BR §3.2.2.8).
  return !name.empty() && !absl::EndsWith(name, ".onion") &&
         name.find_first_not_of("0123456789.:abcdef") != std::string::npos;
}

// The name whose CAA path is looked up for a certificate name subject to CAA: the name as a
// names::DomainName. None for text that is no DNS name: it has no path to look up (and is
// judged indeterminate by EvaluateName).
std::optional<names::DomainName> CaaSubject(const std::string& name) {
  if (!IsCaaSubject(name)) return std::nullopt;
  absl::StatusOr<names::DomainName> parsed = names::DomainName::Parse(name);
  if (!parsed.ok()) return std::nullopt;
  return *std::move(parsed);
}

int64_t Ms(absl::Time t) { return absl::ToUnixMillis(t); }

// The judgement of a certificate name that is no DNS name (`why`, from names::DomainName::Parse):
// it has no CAA search path, so what CAA said of it cannot be known.
store::CaaNameRecord UnsearchableName(const absl::Status& why, absl::Time earliest_timestamp,
                                      const caa::WindowOptions& options) {
  store::CaaNameRecord r;
  r.set_verdict(store::VerdictName(store::Verdict::kDnsIndeterminate));
  // The window and basis a name with an empty CAA history gets.
  r.set_window_start_ms(Ms(earliest_timestamp - options.min_check_validity));
  r.set_window_end_ms(Ms(earliest_timestamp));
  r.set_dnssec("indeterminate");
  r.set_basis("observed");
  r.set_reason(absl::StrCat("no CAA search path: ", why.message()));
  return r;
}

}  // namespace

IssuanceEvaluator::IssuanceEvaluator(const caa::IssuerMap* issuers, CaaObserver* observer,
                                     caa::WindowOptions window_options)
    : owned_issuers_(std::make_unique<IssuerSource>(*issuers)),
      issuers_(owned_issuers_.get()),
      observer_(observer),
      window_options_(window_options) {}

IssuanceEvaluator::IssuanceEvaluator(const IssuerSource* issuers, CaaObserver* observer,
                                     caa::WindowOptions window_options)
    : issuers_(issuers), observer_(observer), window_options_(window_options) {}

caa::IssuerFacts IssuanceEvaluator::IssuerFactsOf(const store::IssuerRecord& issuer) {
  caa::IssuerFacts facts;
  facts.organization = issuer.organization();
  facts.common_name = issuer.common_name();
  auto hex = [](const std::string& bytes) {
    return bytes.empty() ? std::string()
                         : HexEncode(absl::MakeConstSpan(
                               reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
  };
  facts.spki_sha256_hex = hex(issuer.spki_sha256());
  facts.subject_key_id_hex = hex(issuer.subject_key_id());
  return facts;
}

std::vector<WatchHit> IssuanceEvaluator::FindHits(const watch::Watchlist& watchlist,
                                                  absl::Span<const absl::string_view> names) {
  std::vector<WatchHit> hits;
  for (const absl::string_view name : names) {
    for (const watch::Match& m : watchlist.MatchName(name)) {
      hits.push_back({std::string(name), m.item});
    }
  }
  return hits;
}

std::vector<WatchHit> IssuanceEvaluator::FindHits(const watch::Watchlist& watchlist,
                                                  const std::vector<std::string>& names) {
  const std::vector<absl::string_view> views(names.begin(), names.end());
  return FindHits(watchlist, views);
}

absl::StatusOr<store::CaaNameRecord> IssuanceEvaluator::EvaluateName(
    const names::DomainName& name, const std::vector<std::string>& identifiers,
    const Timing& timing) {
  std::map<std::string, std::vector<caa::Observation>> histories;
  // Followed zones: (query name, first seen) of each reconstructed stretch -> its zone state.
  std::map<std::pair<std::string, int64_t>, std::pair<std::string, uint32_t>> from_zone;
  for (const names::DomainName& query_name : caa::SearchNames(name)) {
    const std::string& q = query_name.str();
    if (zone_history_ != nullptr && zone_history_->ZoneOf(q)) {
      CAAWATCH_ASSIGN_OR_RETURN(std::vector<ZoneObservation> zone, zone_history_->History(q));
      for (ZoneObservation& z : zone) {
        from_zone[{q, Ms(z.observation.first_seen)}] = {z.zone, z.serial};
        histories[q].push_back(std::move(z.observation));
      }
      continue;
    }
    CAAWATCH_ASSIGN_OR_RETURN(histories[q], observer_->History(q));
  }
  const caa::IssuanceFacts facts{name, identifiers, timing.earliest_timestamp, timing.not_before};
  const caa::IssuanceEvaluation eval = caa::EvaluateAtIssuance(
      facts, [&](const std::string& q) { return histories[q]; }, window_options_);

  store::CaaNameRecord r;
  r.set_verdict(store::VerdictName(ToVerdict(eval.verdict)));
  r.set_relevant_name(eval.decisive.relevant.relevant_name);
  for (const caa::CaaRecord& rec : eval.decisive.relevant.records) {
    store::CaaRecordPb* pb = r.add_records();
    pb->set_flags(rec.flags);
    pb->set_tag(rec.tag);
    pb->set_value(rec.value);
  }
  r.set_window_start_ms(Ms(eval.window_start));
  r.set_window_end_ms(Ms(eval.window_end));
  std::string dnssec = "indeterminate";
  size_t zone_based = 0;
  for (const caa::Observation& o : eval.used) {
    store::CaaObservationRecord* obs = r.add_observations();
    *obs = ToObservationRecord(o.answer);
    obs->set_first_seen_ms(Ms(o.first_seen));
    obs->set_last_seen_ms(Ms(o.last_seen));
    obs->clear_raw_answer();  // Evidence stays in the CAA history; keep findings small.
    if (auto z = from_zone.find({o.answer.qname, Ms(o.first_seen)}); z != from_zone.end()) {
      obs->set_basis("zone");
      obs->set_zone(z->second.first);
      obs->set_zone_serial(z->second.second);
      ++zone_based;
    }
    if (o.answer.qname == eval.decisive.relevant.relevant_name || eval.used.size() == 1) {
      dnssec = DnssecName(o.answer.dnssec);
    }
  }
  r.set_dnssec(dnssec);
  // Every state consulted came from a followed zone: the states are records, not estimates.
  r.set_basis(eval.verdict != caa::IssuanceVerdict::kNoData && zone_based > 0 &&
                      zone_based == eval.used.size()
                  ? "zone"
                  : eval.basis);
  r.set_reason(eval.reason);
  if (eval.verdict == caa::IssuanceVerdict::kNoData && eval.retrospective) {
    r.set_retrospective_verdict(store::RetrospectiveVerdictName(ToVerdict(*eval.retrospective)));
  }
  return r;
}

absl::Status IssuanceEvaluator::ObserveAhead(absl::Span<const EntryHits> entries) {
  std::vector<names::DomainName> subjects;
  for (const EntryHits& e : entries) {
    // As Evaluate: no lookups for an entry exempt from CAA, none for IP or .onion names.
    if (e.entry->identity.not_before < kCaaMandatorySince) continue;
    for (const WatchHit& h : *e.hits) {
      if (std::optional<names::DomainName> name = CaaSubject(h.cert_name)) {
        subjects.push_back(*std::move(name));
      }
    }
  }
  return observer_->ObservePaths(subjects);
}

absl::StatusOr<store::FindingRecord> IssuanceEvaluator::Evaluate(const ctlog::LogEntry& entry,
                                                                 const ctlog::LogInfo& log,
                                                                 const std::vector<WatchHit>& hits,
                                                                 absl::Time now) {
  store::FindingRecord f;
  store::SetKind(store::FindingKind::kCertificate, &f);
  for (const std::string& n : ctlog::MatchNames(entry.identity)) f.add_names(n);
  std::set<std::string> watched;
  for (const WatchHit& h : hits) watched.insert(h.cert_name);
  for (const std::string& n : watched) f.add_watched_names(n);
  const std::string tbs(entry.identity.tbs_sha256.begin(), entry.identity.tbs_sha256.end());
  const std::string sha(entry.identity.sha256.begin(), entry.identity.sha256.end());
  f.set_tbs_sha256(tbs);
  if (!entry.certificate_der.empty()) {
    if (entry.type == ctlog::EntryType::kPrecert) {
      f.set_precert_sha256(sha);
    } else {
      f.set_cert_sha256(sha);
    }
  }
  f.set_not_before_ms(Ms(entry.identity.not_before));
  f.set_not_after_ms(Ms(entry.identity.not_after));
  f.set_recorded_ms(Ms(now));
  f.set_decode_error(entry.decode_error);
  store::EntryRef* ref = f.add_entries();
  ref->set_log_id(std::string(log.log_id.begin(), log.log_id.end()));
  ref->set_log_url(log.url);
  ref->set_index(entry.index);
  ref->set_timestamp_ms(static_cast<int64_t>(entry.timestamp_ms));
  ref->set_precert(entry.type == ctlog::EntryType::kPrecert);

  // Issuer: the real issuing CA from the chain, else what the certificate says of it.
  caa::IssuerFacts facts;
  store::IssuerRecord* issuer = f.mutable_issuer();
  if (entry.issuer) {
    facts.organization = entry.issuer->organization;
    facts.common_name = entry.issuer->common_name;
    facts.spki_sha256_hex = HexEncode(entry.issuer->spki_sha256);
    facts.subject_key_id_hex = HexEncode(entry.issuer->subject_key_id);
    issuer->set_dn(entry.issuer->subject_dn);
    issuer->set_spki_sha256(
        std::string(entry.issuer->spki_sha256.begin(), entry.issuer->spki_sha256.end()));
    issuer->set_subject_key_id(
        std::string(entry.issuer->subject_key_id.begin(), entry.issuer->subject_key_id.end()));
  } else {
    facts.organization = entry.identity.issuer_organization;
    facts.common_name = entry.identity.issuer_common_name;
    issuer->set_dn(entry.identity.issuer_dn);
  }
  issuer->set_organization(facts.organization);
  issuer->set_common_name(facts.common_name);
  const Timing timing{absl::FromUnixMillis(static_cast<int64_t>(entry.timestamp_ms)),
                      entry.identity.not_before};
  CAAWATCH_RETURN_IF_ERROR(Judge(facts, hits, timing, Lookups::kObserveNow, &f));
  f.set_evaluated_ms(Ms(now));
  return f;
}

absl::StatusOr<store::FindingRecord> IssuanceEvaluator::Reevaluate(
    const store::FindingRecord& stored, const std::vector<WatchHit>& hits, absl::Time now) {
  store::FindingRecord f;
  f.set_kind(stored.kind());
  f.set_tbs_sha256(stored.tbs_sha256());
  *f.mutable_watched_names() = stored.watched_names();
  store::IssuerRecord* issuer = f.mutable_issuer();
  issuer->set_dn(stored.issuer().dn());
  issuer->set_spki_sha256(stored.issuer().spki_sha256());
  issuer->set_subject_key_id(stored.issuer().subject_key_id());
  issuer->set_organization(stored.issuer().organization());
  issuer->set_common_name(stored.issuer().common_name());
  int64_t earliest = 0;
  for (const store::EntryRef& e : stored.entries()) {
    if (earliest == 0 || e.timestamp_ms() < earliest) earliest = e.timestamp_ms();
  }
  const Timing timing{absl::FromUnixMillis(earliest), absl::FromUnixMillis(stored.not_before_ms())};
  CAAWATCH_RETURN_IF_ERROR(
      Judge(IssuerFactsOf(stored.issuer()), hits, timing, Lookups::kHistoryOnly, &f));
  f.set_evaluated_ms(Ms(now));
  return f;
}

absl::Status IssuanceEvaluator::Judge(const caa::IssuerFacts& facts,
                                      const std::vector<WatchHit>& hits, const Timing& timing,
                                      Lookups lookups, store::FindingRecord* f) {
  store::IssuerRecord* issuer = f->mutable_issuer();
  const std::shared_ptr<const caa::IssuerMap> map = issuers_->Current();
  const std::optional<caa::CaIdentity> ca = map->Lookup(facts);
  std::vector<std::string> identifiers;
  issuer->clear_ca_owner();
  issuer->clear_caa_identifiers();
  if (ca) {
    issuer->set_ca_owner(ca->ca_owner);
    identifiers = ca->caa_identifiers;
    for (const std::string& id : identifiers) issuer->add_caa_identifiers(id);
  }
  f->clear_unexpected_issuer_for();
  for (const WatchHit& h : hits) {
    if (!h.item.issuers().empty() && !watch::IssuerExpected(h.item.issuers(), identifiers)) {
      f->add_unexpected_issuer_for(h.item.ToString());
    }
  }
  const std::vector<std::string> watched(f->watched_names().begin(), f->watched_names().end());
  const bool exempt = timing.not_before < kCaaMandatorySince;
  if (lookups == Lookups::kObserveNow && !exempt) {
    // Also for an unknown issuer: the evidence must exist if the CA map learns it later.
    for (const std::string& name : watched) {
      if (const std::optional<names::DomainName> subject = CaaSubject(name)) {
        CAAWATCH_RETURN_IF_ERROR(observer_->ObservePath(*subject));
      }
    }
  }

  store::Verdict verdict;
  bool retrospective_forbidden = false;
  f->clear_caa();
  if (exempt) {
    verdict = store::Verdict::kExempt;
    f->set_reason("issued before CAA checking became mandatory (2017-09-08)");
  } else if (!ca) {
    verdict = store::Verdict::kUnknownIssuer;
    f->set_reason(absl::StrCat("issuer '", issuer->dn(), "' maps to no CAA identifier"));
  } else {
    verdict = store::Verdict::kExempt;
    f->set_reason("no watched DNS name is subject to CAA (IP or .onion only)");
    // The reason is the worst name's: by verdict, then (no_data) by what the later state says,
    // the first such name on a tie, so that it explains the finding's severity.
    std::optional<std::pair<int, int>> worst;
    for (const std::string& name : watched) {
      if (!IsCaaSubject(name)) continue;
      const absl::StatusOr<names::DomainName> subject = names::DomainName::Parse(name);
      store::CaaNameRecord r;
      if (subject.ok()) {
        CAAWATCH_ASSIGN_OR_RETURN(r, EvaluateName(*subject, identifiers, timing));
      } else {
        r = UnsearchableName(subject.status(), timing.earliest_timestamp, window_options_);
      }
      r.set_name(name);  // The certificate's spelling, as in watched_names.
      // EvaluateName wrote both through store/verdict.h: they parse.
      const store::Verdict name_verdict =
          store::VerdictFromName(r.verdict()).value_or(store::Verdict::kDnsIndeterminate);
      const absl::StatusOr<store::Verdict> retrospective =
          store::RetrospectiveVerdictFromName(r.retrospective_verdict());
      if (name_verdict == store::Verdict::kNoData &&
          retrospective.value_or(store::Verdict::kNoData) == store::Verdict::kForbidden) {
        retrospective_forbidden = true;
      }
      const std::pair<int, int> rank = {VerdictRank(name_verdict), retrospective.ok()
                                                                       ? VerdictRank(*retrospective)
                                                                       : VerdictRank(std::nullopt)};
      if (!worst || rank < *worst) {
        worst = rank;
        verdict = name_verdict;
        f->set_reason(absl::StrCat(name, ": ", r.reason()));
      }
      *f->add_caa() = std::move(r);
    }
  }

  store::Severity severity = SeverityOf(verdict, retrospective_forbidden);
  if (f->unexpected_issuer_for_size() > 0 && severity == store::Severity::kInfo) {
    verdict = store::Verdict::kUnexpectedIssuer;
    severity = SeverityOf(verdict, retrospective_forbidden);
    f->set_reason(absl::StrCat("issuer not among the expected issuers of ",
                               f->unexpected_issuer_for(0), "; CAA: ", f->reason()));
  }
  f->set_verdict(store::VerdictName(verdict));
  f->set_severity(store::SeverityName(severity));
  return absl::OkStatus();
}

}  // namespace caawatch::judge
