// The entry evidence kept with findings (entry_evidence.proto): issuer chains and malformed
// entries, in meta under `chain/` + certificate SHA-256 and `entry/` + leaf hash.
#include "base/status_macros.h"
#include "store/findings.h"

namespace caawatch::store {
namespace {

constexpr char kChainPrefix[] = "chain/";
constexpr char kEntryPrefix[] = "entry/";
// A chain longer than this is not a CA's: the rest is left out (certificate_chain is only
// bounded by the log's answer size).
constexpr int kMaxChainCertificates = 10;

}  // namespace

void Findings::StageEntryEvidence(const CommitRequest& request, rocksdb::WriteBatch* batch) {
  for (const auto& [sha, chain] : request.issuer_chains) {
    if (sha.empty()) continue;
    batch->Put(db_->handle(Family::kMeta), kChainPrefix + sha, chain.SerializeAsString());
  }
  for (const auto& [leaf_hash, entry] : request.malformed_entries) {
    if (leaf_hash.empty()) continue;
    batch->Put(db_->handle(Family::kMeta), kEntryPrefix + leaf_hash, entry.SerializeAsString());
  }
}

absl::StatusOr<std::vector<std::string>> Findings::GetIssuerChainDer(const std::string& sha256) {
  CAAWATCH_ASSIGN_OR_RETURN(
      const std::optional<IssuerChainRecord> chain,
      db_->GetRecord<IssuerChainRecord>(Family::kMeta, kChainPrefix + sha256));
  std::vector<std::string> ders;
  if (!chain.has_value()) return ders;
  for (const std::string& issuer : chain->issuer_sha256()) {
    if (static_cast<int>(ders.size()) >= kMaxChainCertificates) break;
    CAAWATCH_ASSIGN_OR_RETURN(std::optional<std::string> der, GetCertificateDer(issuer));
    if (!der.has_value()) break;
    ders.push_back(*std::move(der));
  }
  return ders;
}

absl::StatusOr<std::optional<MalformedEntryRecord>> Findings::GetMalformedEntry(
    const std::string& leaf_hash) {
  return db_->GetRecord<MalformedEntryRecord>(Family::kMeta, kEntryPrefix + leaf_hash);
}

}  // namespace caawatch::store
