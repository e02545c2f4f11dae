// Tiles of a static-ct-api log (c2sp.org/tlog-tiles, c2sp.org/static-ct-api): their URL paths,
// hash tiles, and data tiles of TileLeaf entries turned into RFC 6962 get-entries elements so
// that ctlog/leaf.h decodes both kinds of log alike.
#ifndef CAAWATCH_CTLOG_TILE_H_
#define CAAWATCH_CTLOG_TILE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "ctlog/log_entry.h"
#include "ctlog/log_types.h"
#include "ctlog/sha256.h"

namespace caawatch::ctlog {

inline constexpr uint64_t kTileWidth = 256;  // Hashes or entries in a full tile.
inline constexpr int kMaxTileLevel = 63;     // Far above any real tree: 256^8 > 2^64.

// N in groups of three digits, all but the last prefixed with 'x': 1234067 -> "x001/x234/067".
std::string TileIndexPath(uint64_t n);
// "tile/<level>/<N>" for width 256, else "tile/<level>/<N>.p/<width>". Requires
// 1 <= width <= 256 and 0 <= level <= kMaxTileLevel.
std::string HashTilePath(int level, uint64_t index, uint64_t width);
// "tile/data/<N>" or "tile/data/<N>.p/<width>", same requirements.
std::string DataTilePath(uint64_t index, uint64_t width);

// A hash tile of `width` hashes (32 bytes each). kDataLoss unless the size is exactly that.
absl::StatusOr<std::vector<Sha256Hash>> ParseHashTile(absl::Span<const uint8_t> data,
                                                      uint64_t width);

// One static-ct-api TileLeaf. The spans point into the data tile it was parsed from.
struct TileLeaf {
  uint64_t timestamp_ms = 0;
  EntryType type = EntryType::kX509;
  absl::Span<const uint8_t> timestamped_entry;  // RFC 6962 §3.4 TimestampedEntry, as logged.
  absl::Span<const uint8_t> pre_certificate;    // precert_entry only.
  // SHA-256 of each issuer certificate, issuer first. Chains hold an intermediate or two (and
  // maybe a root): inline, so that a tile's leaves cost no allocation each.
  absl::InlinedVector<Sha256Hash, 3> chain;
};

// Parses a data tile that must hold exactly `width` TileLeaf structs:
//   struct {
//     TimestampedEntry timestamped_entry;
//     select (entry_type) {
//       case x509_entry: Empty;
//       case precert_entry: ASN.1Cert pre_certificate;  // opaque<1..2^24-1>
//     };
//     Fingerprint certificate_chain<0..2^16-1>;         // opaque Fingerprint[32]
//   } TileLeaf;
// kDataLoss on any deviation: unknown entry type, empty or overrunning vectors, a chain length
// not a multiple of 32, fewer or more leaves than `width`, trailing bytes. The leaves point into
// `data`. kInvalidArgument unless 1 <= width <= 256.
absl::StatusOr<std::vector<TileLeaf>> ParseDataTile(absl::Span<const uint8_t> data, uint64_t width);

// A data tile as served: its bytes and its leaves, which point into them.
class DataTile {
 public:
  // ParseDataTile of `bytes`, which the tile keeps.
  static absl::StatusOr<DataTile> Parse(std::string bytes, uint64_t width);

  // Valid as long as the tile, moves included.
  absl::Span<const TileLeaf> leaves() const { return leaves_; }
  // Keeps the first `width` leaves only (a full tile read in place of a partial one).
  void Truncate(size_t width);

 private:
  DataTile(std::unique_ptr<const std::string> bytes, std::vector<TileLeaf> leaves)
      : bytes_(std::move(bytes)), leaves_(std::move(leaves)) {}

  // On the heap so that moving the tile moves no byte: a std::string's own move may copy its
  // characters (the short-string buffer) and leave the leaves pointing at the old place.
  std::unique_ptr<const std::string> bytes_;
  std::vector<TileLeaf> leaves_;
};

// The RFC 6962 MerkleTreeLeaf of a TileLeaf: version v1 (0), leaf_type timestamped_entry (0),
// then the TimestampedEntry. Its leaf hash is the one in the log's Merkle tree.
std::vector<uint8_t> TileLeafMerkleTreeLeaf(const TileLeaf& leaf);

// The get-entries element an RFC 6962 log would serve for `leaf`: leaf_input as above;
// extra_data the x509_entry certificate_chain, or the precert_entry PrecertChainEntry
// (pre_certificate, precertificate_chain). `issuers` are the DER certificates of leaf.chain in
// the same order, already checked against their fingerprints. kInvalidArgument if the counts
// differ; kDataLoss if the chain does not fit the 24-bit vector.
absl::StatusOr<RawEntry> TileLeafToRawEntry(const TileLeaf& leaf,
                                            absl::Span<const absl::Span<const uint8_t>> issuers);

}  // namespace caawatch::ctlog

#endif  // CAAWATCH_CTLOG_TILE_H_
