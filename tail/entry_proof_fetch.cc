#include "tail/entry_proof_fetch.h"

#include <algorithm>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "absl/strings/str_cat.h"
#include "base/hex.h"
#include "base/status_macros.h"
#include "ctlog/http_log_client.h"
#include "ctlog/log_key.h"
#include "ctlog/merkle.h"
#include "ctlog/tile.h"
#include "ctlog/tile_hashes.h"
#include "ctlog/tile_inclusion.h"
#include "ctlog/tiled_log_client.h"

namespace caawatch::tail {
namespace {

ctlog::Sha256Hash ToHash(const std::string& bytes) {
  ctlog::Sha256Hash hash{};
  std::copy_n(bytes.begin(), std::min(bytes.size(), hash.size()), hash.begin());
  return hash;
}

std::string ToBytes(absl::Span<const uint8_t> bytes) {
  return std::string(bytes.begin(), bytes.end());
}

std::string Describe(const store::EntryRef& entry) {
  return absl::StrCat("entry ", entry.index(), " of ", entry.log_url());
}

// The entry of an RFC 6962 log (get-entries) and its audit path (get-proof-by-hash).
absl::Status FetchFromRfc6962Log(ctlog::HttpFetcher* fetcher, const ctlog::LogInfo& log,
                                 const store::EntryRef& entry, evidence::EntryEvidence* out) {
  ctlog::HttpLogClient client(fetcher, log.url);
  CAAWATCH_ASSIGN_OR_RETURN(std::vector<ctlog::RawEntry> served,
                            client.GetEntries(entry.index(), entry.index()));
  out->entry = std::move(served.front());  // GetEntries returns at least one.
  CAAWATCH_ASSIGN_OR_RETURN(
      ctlog::InclusionProof proof,
      client.GetProofByHash(ToHash(entry.inclusion().leaf_hash()), out->head.tree_size));
  if (proof.leaf_index != entry.index()) {
    return absl::DataLossError(
        absl::StrCat(Describe(entry), ": get-proof-by-hash says index ", proof.leaf_index));
  }
  out->audit_path = std::move(proof.audit_path);
  return absl::OkStatus();
}

// The entry from the data tile that holds it (the partial tile of the head's size, or the full
// tile once the log has grown past it), its chain from the log's issuer files, and the audit
// path computed from the hash tiles of the head's tree.
absl::Status FetchFromTiledLog(ctlog::HttpFetcher* fetcher, const ctlog::LogInfo& log,
                               const store::EntryRef& entry, evidence::EntryEvidence* out) {
  ctlog::TiledLogClient client(fetcher, log.url);
  const uint64_t tile = entry.index() / ctlog::kTileWidth;
  const uint64_t width =
      std::min<uint64_t>(ctlog::kTileWidth, out->head.tree_size - tile * ctlog::kTileWidth);
  absl::StatusOr<ctlog::DataTile> data = client.GetDataTile(tile, width);
  if (width < ctlog::kTileWidth && absl::IsNotFound(data.status())) {
    data = client.GetDataTile(tile, ctlog::kTileWidth);
  }
  if (!data.ok()) return data.status();
  const ctlog::TileLeaf& leaf = data->leaves()[entry.index() % ctlog::kTileWidth];
  std::vector<std::shared_ptr<const std::vector<uint8_t>>> issuers;
  absl::InlinedVector<absl::Span<const uint8_t>, 4> chain;
  for (const ctlog::Sha256Hash& fingerprint : leaf.chain) {
    CAAWATCH_ASSIGN_OR_RETURN(std::shared_ptr<const std::vector<uint8_t>> issuer,
                              client.GetIssuer(fingerprint));
    issuers.push_back(issuer);
    chain.emplace_back(*issuer);
  }
  CAAWATCH_ASSIGN_OR_RETURN(out->entry, ctlog::TileLeafToRawEntry(leaf, chain));
  ctlog::TileHashReader reader(&client, out->head.tree_size);
  CAAWATCH_ASSIGN_OR_RETURN(out->audit_path, ctlog::TileInclusionProof(reader, entry.index()));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<evidence::EntryEvidence> FetchEntryProof(ctlog::HttpFetcher* fetcher,
                                                        const ctlog::LogInfo& log,
                                                        const store::EntryRef& entry,
                                                        const store::TreeHeadRecord& head) {
  evidence::EntryEvidence out;
  out.log_id = ToHash(entry.log_id());
  out.index = entry.index();
  out.head.tree_size = head.tree_size();
  out.head.timestamp_ms = head.timestamp_ms();
  out.head.root_hash = ToHash(head.root_hash());
  out.head.signature.assign(head.signature().begin(), head.signature().end());
  out.checkpoint_note = head.checkpoint_note();
  if (log.kind == ctlog::LogKind::kRfc6962) {
    CAAWATCH_RETURN_IF_ERROR(FetchFromRfc6962Log(fetcher, log, entry, &out));
  } else {
    CAAWATCH_RETURN_IF_ERROR(FetchFromTiledLog(fetcher, log, entry, &out));
  }
  const ctlog::Sha256Hash judged = ToHash(entry.inclusion().leaf_hash());
  if (ctlog::HashLeaf(out.entry.leaf_input) != judged) {
    return absl::DataLossError(absl::StrCat(
        Describe(entry), ": the log now serves another leaf than the one judged (leaf hash ",
        HexEncode(ctlog::HashLeaf(out.entry.leaf_input)), ", judged ", HexEncode(judged), ")"));
  }
  CAAWATCH_ASSIGN_OR_RETURN(const ctlog::LogKey key, ctlog::LogKey::FromDer(log.key_der));
  CAAWATCH_RETURN_IF_ERROR(Annotate(evidence::VerifyEntryEvidence(key, out), Describe(entry)));
  return out;
}

store::EntryProofRecord ToEntryProofRecord(const evidence::EntryEvidence& evidence,
                                           int64_t stored_ms) {
  store::EntryProofRecord record;
  record.set_log_id(ToBytes(evidence.log_id));
  record.set_index(evidence.index);
  record.set_leaf_input(ToBytes(evidence.entry.leaf_input));
  record.set_extra_data(ToBytes(evidence.entry.extra_data));
  record.set_tree_size(evidence.head.tree_size);
  record.set_root_hash(ToBytes(evidence.head.root_hash));
  record.set_head_timestamp_ms(evidence.head.timestamp_ms);
  record.set_head_signature(ToBytes(evidence.head.signature));
  record.set_checkpoint_note(evidence.checkpoint_note);
  for (const ctlog::Sha256Hash& node : evidence.audit_path) record.add_audit_path(ToBytes(node));
  record.set_stored_ms(stored_ms);
  return record;
}

evidence::EntryEvidence FromEntryProofRecord(const store::EntryProofRecord& record) {
  evidence::EntryEvidence evidence;
  evidence.log_id = ToHash(record.log_id());
  evidence.index = record.index();
  evidence.entry.leaf_input.assign(record.leaf_input().begin(), record.leaf_input().end());
  evidence.entry.extra_data.assign(record.extra_data().begin(), record.extra_data().end());
  evidence.head.tree_size = record.tree_size();
  evidence.head.root_hash = ToHash(record.root_hash());
  evidence.head.timestamp_ms = record.head_timestamp_ms();
  evidence.head.signature.assign(record.head_signature().begin(), record.head_signature().end());
  evidence.checkpoint_note = record.checkpoint_note();
  for (const std::string& node : record.audit_path()) evidence.audit_path.push_back(ToHash(node));
  return evidence;
}

}  // namespace caawatch::tail
