#include "monitor/heads_compare.h"

#include <algorithm>
#include <memory>
#include <optional>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "base/bounded_file.h"
#include "base/quoted_input.h"
#include "base/status_macros.h"
#include "ctlog/checkpoint.h"
#include "ctlog/head_note.h"
#include "ctlog/http_log_client.h"
#include "ctlog/log_key.h"
#include "ctlog/merkle.h"
#include "ctlog/tile_hashes.h"
#include "ctlog/tiled_log_client.h"
#include "tail/log_list_source.h"

namespace caawatch::monitor {
namespace {

std::string HeadText(uint64_t size, const ctlog::Sha256Hash& root) {
  return absl::StrCat("size ", size, " root ",
                      absl::Base64Escape(std::string(root.begin(), root.end())));
}

// The log's proof that the tree of `small` (root `small_root`) is a prefix of the tree of
// `large`, checked; the proof served goes to `proof`. kUnavailable when the log cannot be asked;
// kDataLoss when it does not hold.
absl::Status ProveConsistent(const ctlog::LogInfo& log, ctlog::HttpFetcher* fetcher, uint64_t small,
                             const ctlog::Sha256Hash& small_root, uint64_t large,
                             const ctlog::Sha256Hash& large_root,
                             std::vector<ctlog::Sha256Hash>* proof_out) {
  std::vector<ctlog::Sha256Hash>& proof = *proof_out;
  if (log.kind == ctlog::LogKind::kStaticCtApi) {
    ctlog::TiledLogClient client(fetcher, log.url);
    ctlog::TileHashReader reader(&client, large);
    CAAWATCH_ASSIGN_OR_RETURN(proof, reader.ConsistencyProof(small));
  } else {
    ctlog::HttpLogClient client(fetcher, log.url);
    CAAWATCH_ASSIGN_OR_RETURN(proof, client.GetConsistencyProof(small, large));
  }
  const absl::Status verified =
      ctlog::VerifyConsistency(small, large, small_root, large_root, proof);
  if (!verified.ok()) return absl::DataLossError(verified.message());
  return absl::OkStatus();
}

// The evidence of a fork: the peer's head as it signed note, and the local verified head with its
// signature from when it was served (the tailer stores every head it verifies).
absl::StatusOr<judge::GossipFork> ForkEvidence(
    store::Store* store, const ctlog::LogInfo& log, const ctlog::VerifiedCheckpoint& theirs,
    const std::string& their_note, const store::LogStateRecord& state,
    const ctlog::Sha256Hash& our_root, std::vector<ctlog::Sha256Hash> proof, std::string message) {
  judge::GossipFork fork;
  fork.log = log;
  ctlog::Misbehaviour& m = fork.misbehaviour;
  m.kind = theirs.sth.tree_size == state.verified_size() ? ctlog::MisbehaviourKind::kFork
                                                         : ctlog::MisbehaviourKind::kInconsistent;
  m.message = std::move(message);
  m.head = theirs.sth;
  m.checkpoint_note = their_note;
  m.proof = std::move(proof);
  ctlog::SignedTreeHead& ours = m.against.emplace();
  ours.tree_size = state.verified_size();
  ours.root_hash = our_root;
  CAAWATCH_ASSIGN_OR_RETURN(
      const std::optional<store::TreeHeadRecord> head,
      store->logs().GetTreeHead(state.log_id(), state.verified_size(), state.verified_root()));
  if (!head) return fork;  // Verified from a start position: no signed head of ours to show.
  ours.timestamp_ms = head->timestamp_ms();
  ours.signature.assign(head->signature().begin(), head->signature().end());
  fork.our_note = head->checkpoint_note().empty()
                      ? ctlog::RenderSthNote(ours, ctlog::HeadNoteOrigin(log), log.log_id)
                      : head->checkpoint_note();
  return fork;
}

}  // namespace

std::vector<std::string> SplitHeadNotes(absl::string_view text) {
  std::vector<std::string> notes;
  std::string current;
  bool in_signatures = false;  // Past the note's own blank line.
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (line.empty()) {
      if (in_signatures) {  // The blank line between two notes.
        notes.push_back(std::move(current));
        current.clear();
        in_signatures = false;
        if (notes.size() == kMaxComparedNotes) return notes;
        continue;
      }
      if (!current.empty()) in_signatures = true;
      if (current.empty()) continue;
    }
    absl::StrAppend(&current, line, "\n");
  }
  if (!current.empty() && notes.size() < kMaxComparedNotes) notes.push_back(std::move(current));
  return notes;
}

absl::StatusOr<HeadsComparison> CompareHeads(absl::string_view text,
                                             const std::vector<ctlog::LogInfo>& logs,
                                             store::Store* store, ctlog::HttpFetcher* fetcher) {
  HeadsComparison out;
  for (const std::string& note : SplitHeadNotes(text)) {
    absl::StatusOr<ctlog::Checkpoint> parsed = ctlog::ParseCheckpoint(note);
    if (!parsed.ok()) {
      ++out.unchecked;
      out.lines.push_back(absl::StrCat("not a signed note: ", parsed.status().message()));
      continue;
    }
    const auto log = std::find_if(logs.begin(), logs.end(), [&](const ctlog::LogInfo& l) {
      return ctlog::HeadNoteOrigin(l) == parsed->origin;
    });
    const std::string origin = QuoteInput(parsed->origin);
    if (log == logs.end()) {
      ++out.unchecked;
      out.lines.push_back(absl::StrCat(origin, ": not a configured log"));
      continue;
    }
    const std::string name = absl::StrCat(log->description, " (", log->url, ")");
    absl::StatusOr<ctlog::LogKey> key = ctlog::LogKey::FromDer(log->key_der);
    absl::StatusOr<ctlog::VerifiedCheckpoint> theirs =
        key.ok() ? ctlog::VerifyCheckpoint(note, *key, parsed->origin)
                 : absl::StatusOr<ctlog::VerifiedCheckpoint>(key.status());
    if (!theirs.ok()) {
      ++out.unchecked;
      out.lines.push_back(
          absl::StrCat(name, ": head not signed by the log, ignored: ", theirs.status().message()));
      continue;
    }
    const std::string log_id(log->log_id.begin(), log->log_id.end());
    CAAWATCH_ASSIGN_OR_RETURN(const std::optional<store::LogStateRecord> state,
                              store->logs().LoadState(log_id));
    if (!state || state->verified_size() == 0 || state->verified_root().size() != 32) {
      ++out.unchecked;
      out.lines.push_back(absl::StrCat(name, ": no local verified head to compare with"));
      continue;
    }
    const uint64_t our_size = state->verified_size();
    ctlog::Sha256Hash our_root;
    std::copy(state->verified_root().begin(), state->verified_root().end(), our_root.begin());
    const ctlog::SignedTreeHead& their = theirs->sth;
    const std::string both = absl::StrCat("theirs ", HeadText(their.tree_size, their.root_hash),
                                          ", ours ", HeadText(our_size, our_root));
    if (their.tree_size == our_size) {
      if (their.root_hash == our_root) {
        out.lines.push_back(absl::StrCat(name, ": same head (", both, ")"));
      } else {
        ++out.forks;
        const std::string what = absl::StrCat(
            "FORK: two signed heads of the same size with different roots (", both, ")");
        out.lines.push_back(absl::StrCat(name, ": ", what));
        CAAWATCH_ASSIGN_OR_RETURN(judge::GossipFork fork, ForkEvidence(store, *log, *theirs, note,
                                                                       *state, our_root, {}, what));
        out.fork_evidence.push_back(std::move(fork));
      }
      continue;
    }
    const bool theirs_smaller = their.tree_size < our_size;
    std::vector<ctlog::Sha256Hash> proof;
    const absl::Status proven = theirs_smaller
                                    ? ProveConsistent(*log, fetcher, their.tree_size,
                                                      their.root_hash, our_size, our_root, &proof)
                                    : ProveConsistent(*log, fetcher, our_size, our_root,
                                                      their.tree_size, their.root_hash, &proof);
    if (proven.ok()) {
      out.lines.push_back(absl::StrCat(name, ": consistent (", both, ")"));
    } else if (absl::IsDataLoss(proven)) {
      ++out.forks;
      const std::string what =
          absl::StrCat("FORK: no valid consistency proof (", both, "): ", proven.message());
      out.lines.push_back(absl::StrCat(name, ": ", what));
      CAAWATCH_ASSIGN_OR_RETURN(
          judge::GossipFork fork,
          ForkEvidence(store, *log, *theirs, note, *state, our_root, std::move(proof), what));
      out.fork_evidence.push_back(std::move(fork));
    } else {
      ++out.unchecked;
      out.lines.push_back(absl::StrCat(name, ": could not ask the log for a proof (", both,
                                       "): ", proven.message()));
    }
  }
  return out;
}

absl::StatusOr<std::string> ReadHeadsText(const std::string& file_or_url,
                                          const MonitorConfig& config) {
  if (!tail::LogListSource::IsUrl(file_or_url)) {
    return ReadBoundedFile(file_or_url, kMaxHeadsTextBytes, "heads file");
  }
  CAAWATCH_ASSIGN_OR_RETURN(std::unique_ptr<ctlog::CurlHttpFetcher> fetcher,
                            ctlog::CurlHttpFetcher::Create(config.log_ca_file));
  ctlog::FetchOptions options;
  options.max_body_bytes = kMaxHeadsTextBytes;
  CAAWATCH_ASSIGN_OR_RETURN(ctlog::HttpResponse response, fetcher->Get(file_or_url, options));
  if (response.status != 200) {
    return absl::UnavailableError(
        absl::StrCat("GET ", QuoteInput(file_or_url), ": HTTP ", response.status));
  }
  return std::move(response.body);
}

absl::StatusOr<HeadsComparison> CompareHeadsWithConfig(absl::string_view text,
                                                       const MonitorConfig& config,
                                                       store::Store* store) {
  CAAWATCH_ASSIGN_OR_RETURN(std::unique_ptr<ctlog::CurlHttpFetcher> fetcher,
                            ctlog::CurlHttpFetcher::Create(config.log_ca_file));
  std::unique_ptr<ctlog::HttpFetcher> list_fetcher;
  if (tail::LogListSource::IsUrl(config.log_list)) {
    CAAWATCH_ASSIGN_OR_RETURN(list_fetcher, ctlog::CurlHttpFetcher::Create(config.log_ca_file));
  }
  tail::LogListSource source(config.log_list, std::move(list_fetcher));
  CAAWATCH_ASSIGN_OR_RETURN(const std::vector<ctlog::LogInfo> logs, source.Load());
  return CompareHeads(text, logs, store, fetcher.get());
}

}  // namespace caawatch::monitor
