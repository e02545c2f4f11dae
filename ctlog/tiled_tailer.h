// The tailing step (ctlog/log_tailer.h) for a static-ct-api log: the checkpoint is the signed
// tree head, and each batch is one data tile (or the part of it the checkpoint covers), its
// TileLeafs turned into RFC 6962 get-entries elements with the issuers fetched by fingerprint.
#ifndef CAAWATCH_CTLOG_TILED_TAILER_H_
#define CAAWATCH_CTLOG_TILED_TAILER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "ctlog/http_fetcher.h"
#include "ctlog/log_key.h"
#include "ctlog/log_tailer.h"
#include "ctlog/log_types.h"
#include "ctlog/sha256.h"
#include "ctlog/tile.h"
#include "ctlog/tiled_log_client.h"

namespace caawatch::ctlog {

class TiledTailer final : public LogTailer {
 public:
  // `fetcher` is borrowed and must outlive the tailer; the log is read under log.url (the
  // monitoring prefix) and its checkpoint origin comes from log.submission_url.
  // kInvalidArgument if the key is unusable, there is no submission URL, or `state` is corrupt.
  // FetchBatch asks for up to `max_in_flight` data tiles at once.
  static absl::StatusOr<TiledTailer> Create(const LogInfo& log, HttpFetcher* fetcher,
                                            TiledLogClientOptions options, TailerState state,
                                            size_t max_in_flight = 4);

  // GET checkpoint, verified as the log's (ctlog/checkpoint.h; a parsable note whose signature
  // fails is kBadSignature evidence), then the LogTailer audit with proofs from the hash tiles.
  // Evidence carries the note as served.
  [[nodiscard]] absl::StatusOr<SignedTreeHead> FetchSth() override;
  // The head's RFC6962NoteSignature (kept as the STH signature) verifies, then AuditTreeHead with
  // the consistency proof computed from the hash tiles of the larger of the two trees.
  [[nodiscard]] absl::Status Audit(const SignedTreeHead& head) override;

  // The entries of data tile position/256 from `position` to min(end of tile, sth.tree_size),
  // and of the tiles after it, up to max_in_flight tiles fetched at once (those after a tile
  // that failed are dropped). A full tile is read only when the checkpoint covers it; otherwise the
  // partial tile of the covered width, and, when the log no longer serves that partial (tlog-tiles
  // allows deleting it once the full tile exists), the full tile, of which only the covered part is
  // used. So a partial tile is read once per checkpoint that ends inside it. kUnavailable when
  // neither is served (404); kDataLoss for a malformed tile, or an issuer whose hash is wrong.
  [[nodiscard]] absl::StatusOr<Batch> FetchBatch(const SignedTreeHead& sth) override;

  // Computed from the hash tiles of the tree of size n.
  [[nodiscard]] absl::StatusOr<std::vector<Sha256Hash>> ConsistencyProof(uint64_t m,
                                                                         uint64_t n) override;

  const TailerState& state() const override { return state_; }
  // The note text of the checkpoint the last successful FetchSth() verified (empty before).
  const std::string& checkpoint_note() const { return checkpoint_note_; }
  std::string LastCheckpointNote() const override { return checkpoint_note_; }

 private:
  TiledTailer(LogKey key, std::string origin, TiledLogClient client, TailerState state,
              size_t max_in_flight)
      : key_(std::move(key)),
        origin_(std::move(origin)),
        client_(std::move(client)),
        state_(std::move(state)),
        max_in_flight_(std::max<size_t>(max_in_flight, 1)) {}
  // The issuer certificates of one tile's leaves by fingerprint, each looked up once per tile
  // (a tile names the same few again and again) and held while its entries are built.
  using TileIssuers = absl::flat_hash_map<Sha256Hash, std::shared_ptr<const std::vector<uint8_t>>>;

  // A data tile from the answer to its request (`fetched`), falling back to the full tile when a
  // partial one is no longer served.
  absl::StatusOr<DataTile> ServedTile(uint64_t index, uint64_t width,
                                      absl::StatusOr<DataTile> fetched);
  absl::StatusOr<RawEntry> ToRawEntry(const TileLeaf& leaf, TileIssuers* issuers);
  absl::StatusOr<std::vector<RawEntry>> TileEntries(std::pair<uint64_t, uint64_t> tile,
                                                    absl::StatusOr<DataTile> fetched);
  absl::Status AuditTreeHead(const SignedTreeHead& head);

  LogKey key_;
  std::string origin_;
  TiledLogClient client_;
  TailerState state_;
  size_t max_in_flight_;
  std::string checkpoint_note_;
};

}  // namespace caawatch::ctlog

#endif  // CAAWATCH_CTLOG_TILED_TAILER_H_
