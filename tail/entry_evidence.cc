#include "tail/entry_evidence.h"

#include <string>
#include <utility>

#include "ctlog/leaf.h"
#include "ctlog/sha256.h"

namespace caawatch::tail {
namespace {

// A chain longer than this is not a CA's (certificate_chain is bounded only by the answer).
constexpr size_t kMaxIssuers = 10;

}  // namespace

HeldFindings::EntryEvidence EvidenceOf(const ctlog::LogEntry& entry, const ctlog::RawEntry& raw,
                                       bool malformed, bool stores_certificate) {
  HeldFindings::EntryEvidence evidence;
  if (malformed) {
    store::MalformedEntryRecord record;
    record.set_leaf_input(std::string(raw.leaf_input.begin(), raw.leaf_input.end()));
    record.set_extra_data(std::string(raw.extra_data.begin(), raw.extra_data.end()));
    evidence.malformed_entry = std::move(record);
    return evidence;
  }
  if (!stores_certificate) return evidence;
  absl::StatusOr<std::vector<absl::Span<const uint8_t>>> chain =
      ctlog::ExtraDataChain(entry.type, raw.extra_data);
  if (!chain.ok()) return evidence;  // Said in the finding's decode_error.
  for (const absl::Span<const uint8_t> der : *chain) {
    if (evidence.issuers.size() == kMaxIssuers) break;
    const ctlog::Sha256Hash sha = ctlog::Sha256(der);
    evidence.issuers.emplace_back(std::string(sha.begin(), sha.end()),
                                  std::string(der.begin(), der.end()));
  }
  return evidence;
}

}  // namespace caawatch::tail
