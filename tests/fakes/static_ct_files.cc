#include "tests/fakes/static_ct_files.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/hex.h"
#include "base/status_macros.h"
#include "ctlog/sha256.h"
#include "ctlog/tls_reader.h"
#include "tests/fakes/reference_merkle.h"
#include "tests/fakes/test_log_server.h"

namespace caawatch::fakes {
namespace {

namespace fs = std::filesystem;
using Bytes = std::vector<uint8_t>;
using ctlog::Sha256Hash;

constexpr uint64_t kWidth = 256;

void PutUint(uint64_t value, int bytes, Bytes* out) {
  for (int i = bytes - 1; i >= 0; --i) out->push_back(static_cast<uint8_t>(value >> (8 * i)));
}

// tlog-tiles: 1234067 -> "x001/x234/067".
std::string IndexPath(uint64_t n) {
  std::vector<std::string> groups;
  do {
    groups.insert(groups.begin(), absl::StrCat(n % 1000 / 100, n % 100 / 10, n % 10));
    n /= 1000;
  } while (n > 0);
  for (size_t i = 0; i + 1 < groups.size(); ++i) groups[i] = "x" + groups[i];
  return absl::StrJoin(groups, "/");
}

std::string TilePath(const std::string& kind, uint64_t n, uint64_t width) {
  std::string path = absl::StrCat("tile/", kind, "/", IndexPath(n));
  if (width < kWidth) absl::StrAppend(&path, ".p/", width);
  return path;
}

// Write-then-rename, so a server never serves half a file.
absl::Status WriteFile(const fs::path& path, absl::Span<const uint8_t> data) {
  std::error_code error;
  fs::create_directories(path.parent_path(), error);
  const fs::path tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data.data()),
              static_cast<std::streamsize>(data.size()));
    if (!out) return absl::InternalError(absl::StrCat("cannot write ", tmp.string()));
  }
  fs::rename(tmp, path, error);
  if (error)
    return absl::InternalError(absl::StrCat("rename to ", path.string(), ": ", error.message()));
  return absl::OkStatus();
}

absl::Span<const uint8_t> AsBytes(const std::string& s) {
  return absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

// One RFC 6962 get-entries element as a static-ct-api TileLeaf: the TimestampedEntry from
// leaf_input, the pre_certificate and the issuers' fingerprints from extra_data.
absl::StatusOr<Bytes> ToTileLeaf(const ctlog::RawEntry& entry,
                                 std::map<Sha256Hash, Bytes>* issuers) {
  if (entry.leaf_input.size() < 12) return absl::InternalError("short leaf_input");
  const bool precert = entry.leaf_input[10] == 0 && entry.leaf_input[11] == 1;
  ctlog::TlsReader r(entry.extra_data);
  absl::Span<const uint8_t> pre_certificate, chain;
  if ((precert && !r.ReadLengthPrefixed(3, &pre_certificate)) || !r.ReadLengthPrefixed(3, &chain) ||
      !r.empty()) {
    return absl::InternalError("extra_data does not parse");
  }
  Bytes leaf(entry.leaf_input.begin() + 2, entry.leaf_input.end());
  if (precert) {
    PutUint(pre_certificate.size(), 3, &leaf);
    leaf.insert(leaf.end(), pre_certificate.begin(), pre_certificate.end());
  }
  std::vector<Sha256Hash> fingerprints;
  ctlog::TlsReader certs(chain);
  while (!certs.empty()) {
    absl::Span<const uint8_t> cert;
    if (!certs.ReadLengthPrefixed(3, &cert)) return absl::InternalError("chain does not parse");
    fingerprints.push_back(ctlog::Sha256(cert));
    issuers->emplace(fingerprints.back(), Bytes(cert.begin(), cert.end()));
  }
  PutUint(32 * fingerprints.size(), 2, &leaf);
  for (const Sha256Hash& f : fingerprints) leaf.insert(leaf.end(), f.begin(), f.end());
  return leaf;
}

absl::Status WriteDataTiles(const std::vector<ctlog::RawEntry>& entries, const fs::path& dir,
                            const StaticCtFilesOptions& options) {
  std::map<Sha256Hash, Bytes> issuers;
  for (size_t start = 0; start < entries.size(); start += kWidth) {
    const uint64_t width = std::min<uint64_t>(kWidth, entries.size() - start);
    Bytes tile;
    for (size_t i = start; i < start + width; ++i) {
      CAAWATCH_ASSIGN_OR_RETURN(const Bytes leaf, ToTileLeaf(entries[i], &issuers));
      tile.insert(tile.end(), leaf.begin(), leaf.end());
    }
    const std::string path = TilePath("data", start / kWidth, width);
    CAAWATCH_RETURN_IF_ERROR(WriteFile(dir / path, tile));
    if (width == kWidth && options.remove_partials_of_full_tiles)
      fs::remove_all(dir / (path + ".p"));
  }
  for (const auto& [fingerprint, der] : issuers) {
    CAAWATCH_RETURN_IF_ERROR(WriteFile(dir / ("issuer/" + HexEncode(fingerprint)), der));
  }
  return absl::OkStatus();
}

// Level l holds the roots of the aligned subtrees of 256^l leaves; only full tiles feed the
// level above (tlog-tiles).
absl::Status WriteHashTiles(std::vector<Sha256Hash> level, const fs::path& dir,
                            const StaticCtFilesOptions& options) {
  for (int l = 0; !level.empty(); ++l) {
    std::vector<Sha256Hash> above;
    for (size_t start = 0; start < level.size(); start += kWidth) {
      const uint64_t width = std::min<uint64_t>(kWidth, level.size() - start);
      const auto hashes = absl::MakeConstSpan(level).subspan(start, width);
      Bytes tile;
      for (const Sha256Hash& h : hashes) tile.insert(tile.end(), h.begin(), h.end());
      const std::string path = TilePath(absl::StrCat(l), start / kWidth, width);
      CAAWATCH_RETURN_IF_ERROR(WriteFile(dir / path, tile));
      if (width < kWidth) continue;
      if (options.remove_partials_of_full_tiles) fs::remove_all(dir / (path + ".p"));
      above.push_back(ReferenceRoot(hashes));
    }
    level = std::move(above);
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::string> StaticCtCheckpoint(const TestLog& log,
                                               const StaticCtFilesOptions& options) {
  return SignedCheckpointNote(log, log.LatestSth(), options);
}

std::string SignedCheckpointNote(const TestLog& log, const ctlog::SignedTreeHead& sth,
                                 const StaticCtFilesOptions& options) {
  // RFC6962NoteSignature: key ID SHA-256(origin || 0x0A || 0x05 || log ID)[:4], then the STH
  // timestamp and its TLS DigitallySigned.
  std::string key_input = options.origin + "\n\x05";
  key_input.append(log.log_id().begin(), log.log_id().end());
  const Sha256Hash key_hash = ctlog::Sha256(key_input);
  Bytes signature(key_hash.begin(), key_hash.begin() + 4);
  PutUint(sth.timestamp_ms, 8, &signature);
  signature.insert(signature.end(), sth.signature.begin(), sth.signature.end());
  std::string note =
      absl::StrCat(options.origin, "\n", sth.tree_size, "\n", Base64Encode(sth.root_hash), "\n\n");
  if (options.add_foreign_signature) {
    const Sha256Hash noise = ctlog::Sha256(note);
    Bytes foreign(noise.begin(), noise.end());
    foreign.insert(foreign.end(), noise.begin(), noise.end());
    absl::StrAppend(&note, "\xE2\x80\x94 witness.caawatch.test ", Base64Encode(foreign), "\n");
  }
  absl::StrAppend(&note, "\xE2\x80\x94 ", options.origin, " ", Base64Encode(signature), "\n");
  return note;
}

absl::Status WriteStaticCtFiles(const TestLog& log, const std::string& dir,
                                const StaticCtFilesOptions& options) {
  const uint64_t size = log.published_size();
  std::vector<ctlog::RawEntry> entries;
  if (size > 0) {
    CAAWATCH_ASSIGN_OR_RETURN(entries, log.GetEntries(0, size - 1, size));
  }
  std::vector<Sha256Hash> leaf_hashes;
  for (const ctlog::RawEntry& e : entries) leaf_hashes.push_back(ReferenceLeafHash(e.leaf_input));
  for (const auto& [index, forged] : options.forged_entries) {
    if (index < entries.size()) entries[index] = forged;  // After the honest hashes were taken.
  }
  CAAWATCH_RETURN_IF_ERROR(WriteDataTiles(entries, dir, options));
  CAAWATCH_RETURN_IF_ERROR(WriteHashTiles(std::move(leaf_hashes), dir, options));
  CAAWATCH_ASSIGN_OR_RETURN(const std::string note, StaticCtCheckpoint(log, options));
  return WriteFile(fs::path(dir) / "checkpoint", AsBytes(note));
}

}  // namespace caawatch::fakes
