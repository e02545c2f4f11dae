#include "ctlog/tile.h"

#include <algorithm>
#include <memory>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/status_macros.h"
#include "ctlog/tls_reader.h"

namespace caawatch::ctlog {
namespace {

using Bytes = absl::Span<const uint8_t>;

std::string WithWidth(std::string path, uint64_t width) {
  if (width < kTileWidth) absl::StrAppend(&path, ".p/", width);
  return path;
}

void PutUint(uint64_t value, int bytes, std::vector<uint8_t>* out) {
  for (int i = bytes - 1; i >= 0; --i) out->push_back(static_cast<uint8_t>(value >> (8 * i)));
}

// RFC 6962 §3.4 TimestampedEntry: uint64 timestamp; uint16 entry_type; x509_entry: ASN.1Cert
// <1..2^24-1>; precert_entry: opaque issuer_key_hash[32], TBSCertificate<1..2^24-1>;
// CtExtensions<0..2^16-1>.
bool ReadTimestampedEntry(Bytes tile, TlsReader& r, TileLeaf* leaf) {
  const size_t before = r.remaining();
  uint64_t entry_type = 0;
  Bytes key_hash, body, extensions;
  if (!r.ReadUint(8, &leaf->timestamp_ms) || !r.ReadUint(2, &entry_type) || entry_type > 1 ||
      (entry_type == 1 && !r.ReadBytes(32, &key_hash)) || !r.ReadLengthPrefixed(3, &body) ||
      body.empty() || !r.ReadLengthPrefixed(2, &extensions)) {
    return false;
  }
  leaf->type = entry_type == 0 ? EntryType::kX509 : EntryType::kPrecert;
  // The TimestampedEntry is exactly the bytes just consumed.
  leaf->timestamped_entry = tile.subspan(tile.size() - before, before - r.remaining());
  return true;
}

bool ReadTileLeaf(Bytes tile, TlsReader& r, TileLeaf* leaf) {
  Bytes chain;
  if (!ReadTimestampedEntry(tile, r, leaf)) return false;
  if (leaf->type == EntryType::kPrecert &&
      (!r.ReadLengthPrefixed(3, &leaf->pre_certificate) || leaf->pre_certificate.empty())) {
    return false;
  }
  if (!r.ReadLengthPrefixed(2, &chain) || chain.size() % 32 != 0) return false;
  leaf->chain.resize(chain.size() / 32);
  for (size_t i = 0; i < leaf->chain.size(); ++i) {
    std::copy(chain.begin() + 32 * i, chain.begin() + 32 * (i + 1), leaf->chain[i].begin());
  }
  return true;
}

// opaque<0..2^24-1> of ASN.1Cert<1..2^24-1>; false when it does not fit.
bool PutCertificateList(absl::Span<const Bytes> certs, std::vector<uint8_t>* out) {
  size_t total = 0;
  for (const Bytes cert : certs) {
    if (cert.empty() || cert.size() >= (1u << 24)) return false;
    total += 3 + cert.size();
  }
  if (total >= (1u << 24)) return false;
  PutUint(total, 3, out);
  for (const Bytes cert : certs) {
    PutUint(cert.size(), 3, out);
    out->insert(out->end(), cert.begin(), cert.end());
  }
  return true;
}

}  // namespace

std::string TileIndexPath(uint64_t n) {
  std::string path = absl::StrFormat("%03d", n % 1000);
  for (n /= 1000; n > 0; n /= 1000) path = absl::StrFormat("x%03d/%s", n % 1000, path);
  return path;
}

std::string HashTilePath(int level, uint64_t index, uint64_t width) {
  return WithWidth(absl::StrCat("tile/", level, "/", TileIndexPath(index)), width);
}

std::string DataTilePath(uint64_t index, uint64_t width) {
  return WithWidth(absl::StrCat("tile/data/", TileIndexPath(index)), width);
}

absl::StatusOr<std::vector<Sha256Hash>> ParseHashTile(absl::Span<const uint8_t> data,
                                                      uint64_t width) {
  if (width == 0 || width > kTileWidth || data.size() != width * 32) {
    return absl::DataLossError(
        absl::StrCat("hash tile of ", data.size(), " bytes, expected ", width, " hashes"));
  }
  std::vector<Sha256Hash> hashes(width);
  for (size_t i = 0; i < hashes.size(); ++i) {
    std::copy(data.begin() + 32 * i, data.begin() + 32 * (i + 1), hashes[i].begin());
  }
  return hashes;
}

absl::StatusOr<std::vector<TileLeaf>> ParseDataTile(absl::Span<const uint8_t> data,
                                                    uint64_t width) {
  if (width == 0 || width > kTileWidth) {
    return absl::InvalidArgumentError(absl::StrCat("data tile width ", width));
  }
  TlsReader r(data);
  std::vector<TileLeaf> leaves;
  leaves.reserve(width);
  while (!r.empty()) {
    if (leaves.size() == width) {
      return absl::DataLossError(absl::StrCat("data tile: bytes after ", width, " entries"));
    }
    TileLeaf leaf;
    if (!ReadTileLeaf(data, r, &leaf)) {
      return absl::DataLossError(absl::StrCat("data tile: entry ", leaves.size(), " malformed"));
    }
    leaves.push_back(std::move(leaf));
  }
  if (leaves.size() != width) {
    return absl::DataLossError(
        absl::StrCat("data tile: ", leaves.size(), " entries, expected ", width));
  }
  return leaves;
}

absl::StatusOr<DataTile> DataTile::Parse(std::string bytes, uint64_t width) {
  auto kept = std::make_unique<const std::string>(std::move(bytes));
  const Bytes data(reinterpret_cast<const uint8_t*>(kept->data()), kept->size());
  CAAWATCH_ASSIGN_OR_RETURN(std::vector<TileLeaf> leaves, ParseDataTile(data, width));
  return DataTile(std::move(kept), std::move(leaves));
}

void DataTile::Truncate(size_t width) {
  if (width < leaves_.size()) leaves_.resize(width);
}

std::vector<uint8_t> TileLeafMerkleTreeLeaf(const TileLeaf& leaf) {
  std::vector<uint8_t> out;
  out.reserve(2 + leaf.timestamped_entry.size());
  out.push_back(0);  // version v1.
  out.push_back(0);  // leaf_type timestamped_entry.
  out.insert(out.end(), leaf.timestamped_entry.begin(), leaf.timestamped_entry.end());
  return out;
}

absl::StatusOr<RawEntry> TileLeafToRawEntry(const TileLeaf& leaf,
                                            absl::Span<const absl::Span<const uint8_t>> issuers) {
  if (issuers.size() != leaf.chain.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("TileLeaf names ", leaf.chain.size(), " issuers, ", issuers.size(), " given"));
  }
  RawEntry raw;
  raw.leaf_input = TileLeafMerkleTreeLeaf(leaf);
  // Sized once: every tiled entry is built here, so reallocations on the way cost measurably.
  size_t extra_size = 3;
  if (leaf.type == EntryType::kPrecert) extra_size += 3 + leaf.pre_certificate.size();
  for (const absl::Span<const uint8_t> issuer : issuers) extra_size += 3 + issuer.size();
  raw.extra_data.reserve(extra_size);
  // x509_entry: certificate_chain. precert_entry: PrecertChainEntry { ASN.1Cert
  // pre_certificate; ASN.1Cert precertificate_chain<0..2^24-1>; }.
  if (leaf.type == EntryType::kPrecert) {
    PutUint(leaf.pre_certificate.size(), 3, &raw.extra_data);
    raw.extra_data.insert(raw.extra_data.end(), leaf.pre_certificate.begin(),
                          leaf.pre_certificate.end());
  }
  if (!PutCertificateList(issuers, &raw.extra_data)) {
    return absl::DataLossError("issuer chain does not fit an RFC 6962 certificate_chain");
  }
  return raw;
}

}  // namespace caawatch::ctlog
