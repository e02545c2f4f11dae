// Writes a TestLog's published state as a static-ct-api log's monitoring files (c2sp.org/
// static-ct-api, c2sp.org/tlog-tiles), for any static HTTP server to serve: the checkpoint
// signed with the log's key (RFC6962NoteSignature), data tiles of TileLeafs, hash tiles of
// every level (full and partial), and issuer/<hex sha256> certificates. Written independently
// of ctlog/tile.h and ctlog/checkpoint.h so that it can check them.
#ifndef CAAWATCH_TESTS_FAKES_STATIC_CT_FILES_H_
#define CAAWATCH_TESTS_FAKES_STATIC_CT_FILES_H_

#include <cstdint>
#include <map>
#include <string>

#include "absl/status/status.h"
#include "tests/fakes/test_log.h"

namespace caawatch::fakes {

struct StaticCtFilesOptions {
  // The checkpoint origin and signature name: the submission prefix without scheme or
  // trailing slash.
  std::string origin = "tiled.caawatch.test/log";
  // Add a witness-like signature line of an unknown key, which readers must ignore.
  bool add_foreign_signature = true;
  // Delete partial tiles (data and hash) whose full tile now exists, as tlog-tiles allows.
  bool remove_partials_of_full_tiles = false;
  // A hostile log (issue 15): the data tiles carry these entries in place of the log's at
  // those indexes, while the hash tiles and the checkpoint stay those of the honest tree.
  std::map<uint64_t, ctlog::RawEntry> forged_entries;
};

// Writes (or rewrites, after the log grew) the files under `dir`, the checkpoint last, so a
// reader never sees a checkpoint whose tiles are missing. Files of earlier sizes stay unless
// removed by the option above. kInternal on I/O or signing failure.
absl::Status WriteStaticCtFiles(const TestLog& log, const std::string& dir,
                                const StaticCtFilesOptions& options = {});

// The signed note alone, for the published tree head.
absl::StatusOr<std::string> StaticCtCheckpoint(const TestLog& log,
                                               const StaticCtFilesOptions& options = {});
// The note for any tree head the log signed (e.g. TestLog::SignTreeHead, to misbehave).
std::string SignedCheckpointNote(const TestLog& log, const ctlog::SignedTreeHead& sth,
                                 const StaticCtFilesOptions& options = {});

}  // namespace caawatch::fakes

#endif  // CAAWATCH_TESTS_FAKES_STATIC_CT_FILES_H_
