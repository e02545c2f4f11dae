#include "monitor/finding_evidence.h"

#include <algorithm>
#include <map>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/hex.h"
#include "base/status_macros.h"
#include "ctlog/http_fetcher.h"
#include "ctlog/http_log_client.h"
#include "ctlog/log_key.h"
#include "ctlog/log_types.h"
#include "ctlog/merkle.h"
#include "evidence/bundle_files.h"
#include "evidence/bundle_verifier.h"
#include "evidence/bundle_writer.h"
#include "evidence/certificate_files.h"
#include "evidence/entry_evidence.h"
#include "tail/log_list_source.h"

namespace caawatch::monitor {
namespace {

ctlog::Sha256Hash ToHash(const std::string& bytes) {
  ctlog::Sha256Hash hash{};
  std::copy_n(bytes.begin(), std::min(bytes.size(), hash.size()), hash.begin());
  return hash;
}

std::string Describe(const store::EntryRef& entry) {
  return absl::StrCat("entry ", entry.index(), " of ", entry.log_url());
}

// The entry as the log serves it now, checked to be the leaf judged, with the log's audit path
// to the stored head.
absl::StatusOr<evidence::EntryEvidence> FetchEntryEvidence(ctlog::LogClient& client,
                                                           const store::EntryRef& entry,
                                                           const store::TreeHeadRecord& head) {
  const store::InclusionRecord& inclusion = entry.inclusion();
  evidence::EntryEvidence out;
  out.log_id = ToHash(entry.log_id());
  out.index = entry.index();
  out.head.tree_size = head.tree_size();
  out.head.timestamp_ms = head.timestamp_ms();
  out.head.root_hash = ToHash(head.root_hash());
  out.head.signature.assign(head.signature().begin(), head.signature().end());
  CAAWATCH_ASSIGN_OR_RETURN(std::vector<ctlog::RawEntry> served,
                            client.GetEntries(entry.index(), entry.index()));
  out.entry = std::move(served.front());  // GetEntries returns at least one.
  if (ctlog::HashLeaf(out.entry.leaf_input) != ToHash(inclusion.leaf_hash())) {
    return absl::DataLossError(absl::StrCat(
        Describe(entry), ": the log now serves another leaf than the one judged (leaf hash ",
        HexEncode(ctlog::HashLeaf(out.entry.leaf_input)), ", judged ",
        HexEncode(ToHash(inclusion.leaf_hash())), ")"));
  }
  CAAWATCH_ASSIGN_OR_RETURN(
      ctlog::InclusionProof proof,
      client.GetProofByHash(ToHash(inclusion.leaf_hash()), inclusion.tree_size()));
  if (proof.leaf_index != entry.index()) {
    return absl::DataLossError(
        absl::StrCat(Describe(entry), ": get-proof-by-hash says index ", proof.leaf_index));
  }
  out.audit_path = std::move(proof.audit_path);
  return out;
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
  CAAWATCH_RETURN_IF_ERROR(evidence::WriteBundleFile(out_dir, "finding.json", finding_json));
  CAAWATCH_RETURN_IF_ERROR(WriteCertificates(store, finding, out_dir));
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

  FindingEvidenceWritten written;
  std::map<std::string, evidence::BundleLogKey> used;  // By log ID: what log-keys.json lists.
  for (const store::EntryRef& entry : finding.entries()) {
    const auto listed = by_id.find(entry.log_id());
    if (listed == by_id.end()) {
      written.notes.push_back(absl::StrCat(Describe(entry), ": the log is not in the log list"));
      continue;
    }
    const ctlog::LogInfo& log = *listed->second;
    if (log.kind != ctlog::LogKind::kRfc6962) {
      written.notes.push_back(absl::StrCat(
          Describe(entry), ": a static-ct-api log (proofs from tiles are not written yet)"));
      continue;
    }
    if (!entry.has_inclusion() || entry.inclusion().tree_size() == 0) {
      written.notes.push_back(
          absl::StrCat(Describe(entry), ": kept without its inclusion record (an older store)"));
      continue;
    }
    CAAWATCH_ASSIGN_OR_RETURN(
        std::optional<store::TreeHeadRecord> head,
        store->logs().GetTreeHead(entry.log_id(), entry.inclusion().tree_size(),
                                  entry.inclusion().root_hash()));
    if (!head.has_value()) {
      written.notes.push_back(absl::StrCat(Describe(entry), ": the signed head of size ",
                                           entry.inclusion().tree_size(), " is not stored"));
      continue;
    }
    CAAWATCH_ASSIGN_OR_RETURN(const ctlog::LogKey key, ctlog::LogKey::FromDer(log.key_der));
    ctlog::HttpLogClient client(fetcher.get(), log.url);
    CAAWATCH_ASSIGN_OR_RETURN(const evidence::EntryEvidence fetched,
                              FetchEntryEvidence(client, entry, *head));
    CAAWATCH_RETURN_IF_ERROR(
        Annotate(evidence::WriteEntryEvidence(out_dir, key, fetched), Describe(entry)));
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
