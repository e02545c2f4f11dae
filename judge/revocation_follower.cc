#include "judge/revocation_follower.h"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/algorithm/container.h"
#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "base/hex.h"
#include "base/status_macros.h"
#include "base/time_text.h"
#include "caa/issuer_map.h"
#include "revoke/crl.h"
#include "revoke/distribution_points.h"
#include "store/verdict.h"

namespace caawatch::judge {
namespace {

constexpr char kComponent[] = "revocation";

absl::Span<const uint8_t> Bytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

}  // namespace

RevocationFollower::RevocationFollower(store::Store* store, revoke::CrlCache* crls,
                                       const Clock* clock, const Logger* logger,
                                       RevocationFollowerOptions options,
                                       const IssuerSource* issuers)
    : store_(store),
      crls_(crls),
      clock_(clock),
      logger_(logger),
      options_(options),
      issuers_(issuers) {}

void RevocationFollower::Fail(store::RevocationRecord& record, std::string error, absl::Time now) {
  record.set_last_error(std::move(error));
  record.set_last_error_ms(absl::ToUnixMillis(now));
}

void RevocationFollower::NoteError(RevocationRound& round, const std::string& error,
                                   const std::string& url) {
  if (!url.empty() || round.last_error_url.empty()) {
    round.last_error = error;
    round.last_error_url = url;
  }
}

bool RevocationFollower::Check(const store::FindingRecord& finding, store::RevocationRecord& record,
                               absl::Time now, RoundState& state) {
  RoundCrls& crls = state.crls;
  // The final certificate when it was logged, else the precertificate: same serial, issuer
  // and distribution points (RFC 6962 §3.1).
  std::string sha = finding.cert_sha256();
  absl::StatusOr<std::optional<std::string>> der = store_->findings().GetCertificateDer(sha);
  if (!der.ok() || !der->has_value()) {
    sha = finding.precert_sha256();
    der = store_->findings().GetCertificateDer(sha);
  }
  if (!der.ok() || !der->has_value()) {
    Fail(record, "certificate not stored", now);
    return false;
  }
  absl::StatusOr<std::vector<std::string>> chain = store_->findings().GetIssuerChainDer(sha);
  if (!chain.ok() || chain->empty()) {
    Fail(record, "issuer certificate not stored with the finding", now);
    return false;
  }
  absl::StatusOr<std::vector<std::string>> urls = revoke::CrlDistributionPointUris(Bytes(**der));
  if (!urls.ok()) {
    Fail(record, std::string(urls.status().message()), now);
    return false;
  }
  // The certificate's own CRLs first, then those its issuer disclosed in CCADB. A disclosed
  // partition covers the certificate only through its IDP naming one of the certificate's
  // distribution points: none can cover a certificate that has none, so none is fetched then.
  struct Source {
    std::string url;
    bool disclosed = false;
    bool partition = false;
  };
  std::vector<Source> sources;
  for (const std::string& url : *urls) sources.push_back({url});
  if (issuers_ != nullptr && !finding.issuer().subject_key_id().empty()) {
    const std::shared_ptr<const caa::IssuerMap> map = issuers_->Current();
    for (caa::DisclosedCrl& crl :
         map->DisclosedCrls(HexEncode(Bytes(finding.issuer().subject_key_id())))) {
      if (crl.partition && urls->empty()) continue;
      if (absl::c_any_of(sources, [&crl](const Source& s) { return s.url == crl.url; })) continue;
      sources.push_back({std::move(crl.url), true, crl.partition});
    }
  }
  if (sources.empty()) {
    Fail(record, "no http CRL distribution point, and no CRL disclosed in CCADB for its issuer",
         now);
    NoteError(state.round, record.last_error(), "");
    return false;
  }
  std::string error;
  bool covered = false;
  for (const Source& source : sources) {
    const std::string& url = source.url;
    auto [it, fresh] = crls.try_emplace(url, nullptr);
    if (fresh) it->second = crls_->Fetch(url, now);
    const absl::StatusOr<std::shared_ptr<const std::string>>& body = it->second;
    if (!body.ok()) {
      error = std::string(body.status().message());
      NoteError(state.round, error, url);
      continue;
    }
    absl::StatusOr<revoke::CrlFinding> checked =
        source.disclosed
            ? revoke::CheckDisclosedCrl(**body, Bytes(**der), Bytes(chain->front()), now, *urls)
            : revoke::CheckCrl(**body, Bytes(**der), Bytes(chain->front()), now, url);
    // Most of a CA's partitions are for other certificates: out of scope is no error there.
    if (source.partition && absl::IsFailedPrecondition(checked.status())) continue;
    if (!checked.ok()) {
      error = absl::StrCat("CRL ", url, " refused: ", checked.status().message());
      state.refused.insert(url);
      NoteError(state.round, std::string(checked.status().message()), url);
      if (logger_ != nullptr) {
        logger_->Log(LogLevel::kError, kComponent, "CRL refused, not believed",
                     {{"url", url},
                      {"tbs_sha256", absl::BytesToHexString(finding.tbs_sha256())},
                      {"error", std::string(checked.status().message())}});
      }
      continue;
    }
    covered = true;
    if (checked->revocation.has_value() && checked->revocation->reason != "certificateHold") {
      record.set_revoked_seen_ms(absl::ToUnixMillis(now));
      record.set_revocation_date_ms(absl::ToUnixMillis(checked->revocation->revocation_date));
      record.set_reason(checked->revocation->reason);
      record.set_crl_url(url);
      record.set_ended("revoked");
      record.set_last_checked_ms(absl::ToUnixMillis(now));
      record.clear_last_error();
      record.clear_last_error_ms();
      return true;
    }
  }
  if (covered) {
    record.set_last_checked_ms(absl::ToUnixMillis(now));
    if (error.empty()) {
      record.clear_last_error();
      record.clear_last_error_ms();
    }
  }
  if (!error.empty()) Fail(record, std::move(error), now);
  return false;
}

absl::Status RevocationFollower::PutSummary(RoundState& state, size_t candidates) {
  RevocationRound& round = state.round;
  for (const auto& [url, body] : state.crls) {
    if (body.ok()) ++round.crls_fetched;
  }
  round.crls_refused = state.refused.size();
  CAAWATCH_ASSIGN_OR_RETURN(store::RevocationFollowerRecord summary,
                            store_->revocations().GetFollowerStatus());
  if (candidates == 0 && summary.round_ms() == 0) return absl::OkStatus();
  const int64_t now_ms = absl::ToUnixMillis(clock_->Now());
  summary.set_round_ms(now_ms);
  summary.set_followed(round.checked);
  summary.set_revoked_seen(summary.revoked_seen() + round.newly_revoked);
  summary.set_crls_fetched(round.crls_fetched);
  summary.set_crls_refused(round.crls_refused);
  if (!round.last_error.empty()) {
    summary.set_last_error(round.last_error);
    summary.set_last_error_url(round.last_error_url);
    summary.set_last_error_ms(now_ms);
  }
  return store_->revocations().PutFollowerStatus(summary);
}

absl::StatusOr<RevocationRound> RevocationFollower::RunOnce() {
  RoundState state;
  RevocationRound& round = state.round;
  store::FindingQuery query;
  query.verdicts = {store::VerdictName(store::Verdict::kForbidden),
                    store::VerdictName(store::Verdict::kLikelyForbidden)};
  query.limit = 1000;
  size_t candidates = 0;
  while (true) {
    CAAWATCH_ASSIGN_OR_RETURN(std::vector<store::FindingRecord> page,
                              store_->findings().List(query));
    if (page.empty()) break;
    query.after_seq = page.back().seq();
    for (const store::FindingRecord& finding : page) {
      if (finding.tbs_sha256().empty()) continue;
      CAAWATCH_ASSIGN_OR_RETURN(std::optional<store::RevocationRecord> stored,
                                store_->revocations().Get(finding.tbs_sha256()));
      if (stored.has_value() && !stored->ended().empty()) continue;
      if (++candidates > options_.max_followed) continue;  // Counted, for the warning.
      const absl::Time now = clock_->Now();
      store::RevocationRecord record = stored.value_or(store::RevocationRecord());
      if (!stored.has_value()) {
        record.set_tbs_sha256(finding.tbs_sha256());
        record.set_first_checked_ms(absl::ToUnixMillis(now));
      }
      bool sync = false;
      if (finding.not_after_ms() != 0 && absl::FromUnixMillis(finding.not_after_ms()) < now) {
        record.set_ended("expired");
      } else {
        ++round.checked;
        sync = Check(finding, record, now, state);
        if (sync) {
          ++round.newly_revoked;
          if (logger_ != nullptr) {
            logger_->Log(LogLevel::kWarning, kComponent, "certificate revoked",
                         {{"tbs_sha256", absl::BytesToHexString(finding.tbs_sha256())},
                          {"reason", record.reason()},
                          {"revocation_date",
                           FormatRfc3339Millis(absl::FromUnixMillis(record.revocation_date_ms()))},
                          {"crl", record.crl_url()}});
          }
        } else if (!record.last_error().empty() &&
                   record.last_error_ms() == absl::ToUnixMillis(now)) {
          ++round.failed;
        }
      }
      CAAWATCH_RETURN_IF_ERROR(store_->revocations().Put(record, sync));
    }
    if (page.size() < query.limit) break;
  }
  if (candidates > options_.max_followed && logger_ != nullptr) {
    logger_->Log(LogLevel::kWarning, kComponent, "more findings to follow than one round checks",
                 {{"followed", absl::StrCat(candidates)},
                  {"checked_per_round", absl::StrCat(options_.max_followed)}});
  }
  CAAWATCH_RETURN_IF_ERROR(PutSummary(state, candidates));
  return round;
}

}  // namespace caawatch::judge
