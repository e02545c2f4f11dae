#include "judge/head_notes.h"

#include <algorithm>
#include <optional>

#include "base/status_macros.h"
#include "ctlog/checkpoint.h"
#include "ctlog/head_note.h"
#include "ctlog/log_types.h"

namespace caawatch::judge {

absl::StatusOr<std::vector<HeadNote>> LatestHeadNotes(store::Store* store,
                                                      absl::string_view log_url) {
  CAAWATCH_ASSIGN_OR_RETURN(const std::vector<store::LogStateRecord> states,
                            store->logs().ListStates());
  std::vector<HeadNote> out;
  for (const store::LogStateRecord& state : states) {
    if (!log_url.empty() && state.url() != log_url) continue;
    if (state.verified_size() == 0 || state.log_id().size() != 32) continue;
    CAAWATCH_ASSIGN_OR_RETURN(
        const std::optional<store::TreeHeadRecord> head,
        store->logs().GetTreeHead(state.log_id(), state.verified_size(), state.verified_root()));
    if (!head) continue;  // Verified from a start position, no signed head verified since.
    HeadNote note;
    note.log_url = state.url();
    note.description = state.description();
    note.tree_size = head->tree_size();
    if (!head->checkpoint_note().empty()) {
      note.note = head->checkpoint_note();  // A tiled log's checkpoint as served.
    } else {
      ctlog::SignedTreeHead sth;
      sth.tree_size = head->tree_size();
      sth.timestamp_ms = head->timestamp_ms();
      std::copy(head->root_hash().begin(), head->root_hash().end(), sth.root_hash.begin());
      sth.signature.assign(head->signature().begin(), head->signature().end());
      ctlog::Sha256Hash log_id;
      std::copy(state.log_id().begin(), state.log_id().end(), log_id.begin());
      note.note = ctlog::RenderSthNote(
          sth, ctlog::HeadNoteOrigin(state.url(), "", ctlog::LogKind::kRfc6962), log_id);
    }
    out.push_back(std::move(note));
  }
  return out;
}

}  // namespace caawatch::judge
