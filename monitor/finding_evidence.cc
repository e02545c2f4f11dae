#include "monitor/finding_evidence.h"

#include <algorithm>
#include <map>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/hex.h"
#include "base/status_macros.h"
#include "ctlog/http_fetcher.h"
#include "ctlog/log_key.h"
#include "ctlog/log_types.h"
#include "ctlog/merkle.h"
#include "evidence/bundle_files.h"
#include "evidence/bundle_verifier.h"
#include "evidence/bundle_writer.h"
#include "evidence/certificate_files.h"
#include "evidence/entry_evidence.h"
#include "monitor/caa_evidence.h"
#include "tail/entry_proof_fetch.h"
#include "tail/log_list_source.h"

namespace caawatch::monitor {
namespace {

std::string Describe(const store::EntryRef& entry) {
  return absl::StrCat("entry ", entry.index(), " of ", entry.log_url());
}

// The evidence of `entry`: as stored when its finding was judged, else (proof pending, or a
// finding judged before proofs were stored) fetched from the log now against the stored head;
// nullopt with a note in `written` when there is none to give.
absl::StatusOr<std::optional<evidence::EntryEvidence>> EntryEvidenceOf(
    store::Store* store, ctlog::HttpFetcher* fetcher, const ctlog::LogInfo& log,
    const store::EntryRef& entry, FindingEvidenceWritten* written) {
  if (!entry.has_inclusion() || entry.inclusion().tree_size() == 0) {
    written->notes.push_back(
        absl::StrCat(Describe(entry), ": kept without its inclusion record (an older store)"));
    return std::nullopt;
  }
  CAAWATCH_ASSIGN_OR_RETURN(const std::optional<store::EntryProofRecord> stored,
                            store->entry_proofs().Get(entry.log_id(), entry.index()));
  if (stored.has_value() && stored->failure().empty()) {
    return tail::FromEntryProofRecord(*stored);
  }
  if (stored.has_value()) {
    written->notes.push_back(absl::StrCat(Describe(entry),
                                          ": no proof: when it was fetched, the log served what "
                                          "does not verify: ",
                                          stored->failure()));
    return std::nullopt;
  }
  CAAWATCH_ASSIGN_OR_RETURN(std::optional<store::TreeHeadRecord> head,
                            store->logs().GetTreeHead(entry.log_id(), entry.inclusion().tree_size(),
                                                      entry.inclusion().root_hash()));
  if (!head.has_value()) {
    written->notes.push_back(absl::StrCat(Describe(entry), ": the signed head of size ",
                                          entry.inclusion().tree_size(), " is not stored"));
    return std::nullopt;
  }
  absl::StatusOr<evidence::EntryEvidence> fetched =
      tail::FetchEntryProof(fetcher, log, entry, *head);
  if (!fetched.ok()) {
    return Annotate(fetched.status(),
                    absl::StrCat(Describe(entry),
                                 ": proof pending (not stored yet), and fetching it from the log "
                                 "failed"));
  }
  ++written->fetched;
  return *std::move(fetched);
}

// certificate.pem and precertificate.pem, each with the issuer chain its entry carried, for
// those the store holds.
absl::Status WriteCertificates(store::Store* store, const store::FindingRecord& finding,
                               const std::string& out_dir) {
  for (const auto& [sha256, name] :
       {std::pair{finding.cert_sha256(), evidence::kCertificateFileName},
        std::pair{finding.precert_sha256(), evidence::kPrecertificateFileName}}) {
    if (sha256.empty()) continue;
    CAAWATCH_ASSIGN_OR_RETURN(std::optional<std::string> der,
                              store->findings().GetCertificateDer(sha256));
    if (!der.has_value()) continue;
    CAAWATCH_ASSIGN_OR_RETURN(std::vector<std::string> chain,
                              store->findings().GetIssuerChainDer(sha256));
    chain.insert(chain.begin(), *std::move(der));
    CAAWATCH_RETURN_IF_ERROR(
        evidence::WriteBundleFile(out_dir, name, evidence::CertificatesPem(chain)));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<FindingEvidenceWritten> WriteFindingEvidence(const MonitorConfig& config,
                                                            store::Store* store,
                                                            const store::FindingRecord& finding,
                                                            const std::string& finding_json,
                                                            const std::string& out_dir) {
  FindingEvidenceWritten written;
  CAAWATCH_RETURN_IF_ERROR(evidence::WriteBundleFile(out_dir, "finding.json", finding_json));
  CAAWATCH_RETURN_IF_ERROR(WriteCertificates(store, finding, out_dir));
  CAAWATCH_ASSIGN_OR_RETURN(written.caa_observations, WriteCaaEvidence(store, finding, out_dir));
  CAAWATCH_ASSIGN_OR_RETURN(std::unique_ptr<ctlog::CurlHttpFetcher> fetcher,
                            ctlog::CurlHttpFetcher::Create(config.log_ca_file));
  std::unique_ptr<ctlog::HttpFetcher> list_fetcher;
  if (tail::LogListSource::IsUrl(config.log_list)) {
    CAAWATCH_ASSIGN_OR_RETURN(list_fetcher, ctlog::CurlHttpFetcher::Create(config.log_ca_file));
  }
  tail::LogListSource source(config.log_list, std::move(list_fetcher));
  CAAWATCH_ASSIGN_OR_RETURN(const std::vector<ctlog::LogInfo> logs, source.Load());
  std::map<std::string, const ctlog::LogInfo*> by_id;
  for (const ctlog::LogInfo& log : logs) {
    by_id[std::string(log.log_id.begin(), log.log_id.end())] = &log;
  }

  std::map<std::string, evidence::BundleLogKey> used;  // By log ID: what log-keys.json lists.
  for (const store::EntryRef& entry : finding.entries()) {
    const auto listed = by_id.find(entry.log_id());
    if (listed == by_id.end()) {
      written.notes.push_back(absl::StrCat(Describe(entry), ": the log is not in the log list"));
      continue;
    }
    const ctlog::LogInfo& log = *listed->second;
    CAAWATCH_ASSIGN_OR_RETURN(std::optional<evidence::EntryEvidence> kept,
                              EntryEvidenceOf(store, fetcher.get(), log, entry, &written));
    if (!kept.has_value()) continue;
    CAAWATCH_ASSIGN_OR_RETURN(const ctlog::LogKey key, ctlog::LogKey::FromDer(log.key_der));
    CAAWATCH_RETURN_IF_ERROR(
        Annotate(evidence::WriteEntryEvidence(out_dir, key, *kept), Describe(entry)));
    used[entry.log_id()] = evidence::BundleLogKey{log.log_id, log.key_der, log.description};
    ++written.entries;
  }
  std::vector<evidence::BundleLogKey> keys;
  for (auto& [id, key] : used) keys.push_back(std::move(key));
  CAAWATCH_RETURN_IF_ERROR(evidence::WriteLogKeys(out_dir, keys));
  if (written.entries == 0) return written;
  // The files as a third party reads them back: what `evidence verify` will say.
  evidence::TrustedLogKeys trusted;
  for (const ctlog::LogInfo& log : logs) {
    trusted[std::string(log.log_id.begin(), log.log_id.end())] =
        evidence::TrustedLog{log.key_der, log.description};
  }
  CAAWATCH_RETURN_IF_ERROR(evidence::VerifyBundle(out_dir, trusted).status());
  return written;
}

}  // namespace caawatch::monitor
