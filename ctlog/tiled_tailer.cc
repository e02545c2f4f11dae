#include "ctlog/tiled_tailer.h"

#include <algorithm>
#include <memory>
#include <utility>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "ctlog/checkpoint.h"
#include "ctlog/misbehaviour.h"
#include "ctlog/sth.h"
#include "ctlog/tile_hashes.h"

namespace caawatch::ctlog {

absl::StatusOr<TiledTailer> TiledTailer::Create(const LogInfo& log, HttpFetcher* fetcher,
                                                TiledLogClientOptions options, TailerState state,
                                                size_t max_in_flight) {
  CAAWATCH_ASSIGN_OR_RETURN(LogKey key, LogKey::FromDer(log.key_der));
  CAAWATCH_RETURN_IF_ERROR(CheckTailerState(state));
  std::string origin = CheckpointOrigin(log.submission_url);
  if (origin.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("log '", log.description, "': no submission URL to take the origin from"));
  }
  return TiledTailer(std::move(key), std::move(origin), TiledLogClient(fetcher, log.url, options),
                     std::move(state), max_in_flight);
}

absl::StatusOr<SignedTreeHead> TiledTailer::FetchSth() {
  CAAWATCH_ASSIGN_OR_RETURN(const std::string note, client_.GetCheckpoint());
  absl::StatusOr<VerifiedCheckpoint> checkpoint = VerifyCheckpoint(note, key_, origin_);
  if (!checkpoint.ok()) {
    // A note that parses but whose signature does not verify is evidence; garbage is not a head.
    absl::StatusOr<Checkpoint> parsed = ParseCheckpoint(note);
    if (!absl::IsDataLoss(checkpoint.status()) || !parsed.ok()) return checkpoint.status();
    Misbehaviour m;
    m.kind = MisbehaviourKind::kBadSignature;
    m.message = absl::StrCat("checkpoint: ", checkpoint.status().message());
    m.head.tree_size = parsed->tree_size;
    m.head.root_hash = parsed->root_hash;
    m.checkpoint_note = note;
    return MisbehaviourError(m);
  }
  absl::Status audited = AuditTreeHead(checkpoint->sth);
  if (!audited.ok()) {
    if (std::optional<Misbehaviour> m = MisbehaviourOf(audited)) {
      m->checkpoint_note = note;
      return MisbehaviourError(*m);
    }
    return audited;
  }
  checkpoint_note_ = std::move(checkpoint->note);
  return std::move(checkpoint->sth);
}

absl::Status TiledTailer::Audit(const SignedTreeHead& head) {
  if (const absl::Status signed_ok = VerifySth(key_, head); !signed_ok.ok()) {
    return BadSignatureError(head, "checkpoint", signed_ok);
  }
  return AuditTreeHead(head);
}

absl::Status TiledTailer::AuditTreeHead(const SignedTreeHead& head) {
  // The proof comes from the hash tiles of the larger tree: those of a static log are the
  // log's own statement of its tree, so a proof computed from them is as good as one it served.
  return ctlog::AuditTreeHead(state_, head, [this](uint64_t m, uint64_t n) {
    TileHashReader reader(&client_, n);
    return reader.ConsistencyProof(m);
  });
}

absl::StatusOr<std::vector<Sha256Hash>> TiledTailer::ConsistencyProof(uint64_t m, uint64_t n) {
  TileHashReader reader(&client_, n);
  return reader.ConsistencyProof(m);
}

absl::StatusOr<DataTile> TiledTailer::ServedTile(uint64_t index, uint64_t width,
                                                 absl::StatusOr<DataTile> tile) {
  if (width < kTileWidth && absl::IsNotFound(tile.status())) {
    // The partial tile may be gone because the full one exists; entries past `width` are not
    // covered by the checkpoint and are left for a later one.
    tile = client_.GetDataTile(index, kTileWidth);
    if (tile.ok()) tile->Truncate(width);
  }
  if (absl::IsNotFound(tile.status())) {
    // Not (yet) served, e.g. a CDN behind the checkpoint: retry rather than accuse.
    return absl::UnavailableError(tile.status().message());
  }
  return tile;
}

absl::StatusOr<RawEntry> TiledTailer::ToRawEntry(const TileLeaf& leaf, TileIssuers* issuers) {
  // Chains are short (one or two issuers): no allocation for them per entry.
  absl::InlinedVector<absl::Span<const uint8_t>, 4> chain;
  for (const Sha256Hash& fingerprint : leaf.chain) {
    auto it = issuers->find(fingerprint);
    if (it == issuers->end()) {
      absl::StatusOr<std::shared_ptr<const std::vector<uint8_t>>> issuer =
          client_.GetIssuer(fingerprint);
      if (absl::IsNotFound(issuer.status())) {
        return absl::UnavailableError(issuer.status().message());
      }
      if (!issuer.ok()) return issuer.status();
      it = issuers->emplace(fingerprint, *std::move(issuer)).first;
    }
    chain.emplace_back(*it->second);
  }
  return TileLeafToRawEntry(leaf, chain);
}

// The entries of one tile from state_.position (or the tile's start) on, chains resolved.
absl::StatusOr<std::vector<RawEntry>> TiledTailer::TileEntries(std::pair<uint64_t, uint64_t> tile,
                                                               absl::StatusOr<DataTile> fetched) {
  const auto [index, width] = tile;
  CAAWATCH_ASSIGN_OR_RETURN(const DataTile served, ServedTile(index, width, std::move(fetched)));
  const absl::Span<const TileLeaf> leaves = served.leaves();
  const uint64_t first = std::max(state_.position, index * kTileWidth) - index * kTileWidth;
  TileIssuers issuers;
  std::vector<RawEntry> entries;
  entries.reserve(width - first);
  for (uint64_t i = first; i < width; ++i) {
    absl::StatusOr<RawEntry> raw = ToRawEntry(leaves[i], &issuers);
    if (!raw.ok()) return Annotate(raw.status(), absl::StrCat("entry ", index * kTileWidth + i));
    entries.push_back(*std::move(raw));
  }
  return entries;
}

absl::StatusOr<LogTailer::Batch> TiledTailer::FetchBatch(const SignedTreeHead& sth) {
  if (state_.position >= sth.tree_size) {
    return absl::InvalidArgumentError("FetchBatch: nothing to fetch below the tree size");
  }
  std::vector<std::pair<uint64_t, uint64_t>> tiles;  // (index, width), in log order.
  for (uint64_t index = state_.position / kTileWidth;
       index * kTileWidth < sth.tree_size && tiles.size() < max_in_flight_; ++index) {
    tiles.emplace_back(index, std::min(kTileWidth, sth.tree_size - index * kTileWidth));
  }
  std::vector<absl::StatusOr<DataTile>> fetched = client_.GetDataTiles(tiles);
  Batch batch;
  batch.start = state_.position;
  batch.entries.reserve(tiles.back().first * kTileWidth + tiles.back().second - state_.position);
  for (size_t t = 0; t < tiles.size(); ++t) {
    absl::StatusOr<std::vector<RawEntry>> entries = TileEntries(tiles[t], std::move(fetched[t]));
    if (!entries.ok()) {
      if (t == 0) return entries.status();
      break;  // The tiles before it are good; the next call starts with this one.
    }
    batch.entries.insert(batch.entries.end(), std::make_move_iterator(entries->begin()),
                         std::make_move_iterator(entries->end()));
  }
  FoldBatch(sth, &state_, &batch);
  return batch;
}

}  // namespace caawatch::ctlog
