#include "monitor/caa_evidence.h"

#include <map>
#include <set>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "base/status_macros.h"
#include "evidence/bundle_writer.h"
#include "evidence/caa_files.h"

namespace caawatch::monitor {
namespace {

evidence::CaaIndexEntry IndexEntry(const store::CaaObservationRecord& observation) {
  evidence::CaaIndexEntry entry;
  entry.name = observation.query_name();
  entry.first_seen_ms = observation.first_seen_ms();
  entry.last_seen_ms = observation.last_seen_ms();
  entry.outcome = observation.outcome();
  entry.rcode = observation.rcode();
  entry.dnssec = observation.dnssec();
  entry.basis = observation.basis();
  for (const store::CaaRecordPb& record : observation.records()) {
    entry.records.push_back(evidence::CaaIndexRecord{record.flags(), record.tag(), record.value()});
  }
  entry.cname_chain.assign(observation.cname_chain().begin(), observation.cname_chain().end());
  if (!observation.raw_answer().empty()) {
    entry.answer_file = evidence::CaaAnswerFileName(entry.name, entry.first_seen_ms);
  }
  return entry;
}

}  // namespace

absl::StatusOr<uint64_t> WriteCaaEvidence(store::Store* store, const store::FindingRecord& finding,
                                          const std::string& out_dir) {
  // Each query name the evaluation looked at, over the union of the windows it was read in.
  std::map<std::string, std::pair<int64_t, int64_t>> windows;
  for (const store::CaaNameRecord& name : finding.caa()) {
    // The names asked on the way from the certificate's name up to the relevant RRset (or to
    // the top when none was found): their empty answers are why the search climbed.
    std::set<std::string> queried;
    for (std::string at = name.name(); !at.empty();) {
      queried.insert(at);
      const size_t dot = at.find('.');
      if (at == name.relevant_name() || dot == std::string::npos) break;
      at = at.substr(dot + 1);
    }
    for (const store::CaaObservationRecord& o : name.observations()) queried.insert(o.query_name());
    for (const std::string& query : queried) {
      auto [it, added] =
          windows.emplace(query, std::pair{name.window_start_ms(), name.window_end_ms()});
      if (!added) {
        it->second.first = std::min(it->second.first, name.window_start_ms());
        it->second.second = std::max(it->second.second, name.window_end_ms());
      }
    }
  }
  std::vector<evidence::CaaIndexEntry> entries;
  for (const auto& [query, window] : windows) {
    CAAWATCH_ASSIGN_OR_RETURN(
        const std::vector<store::CaaObservationRecord> observations,
        store->caa_history().Observations(query, absl::FromUnixMillis(window.first),
                                          absl::FromUnixMillis(window.second)));
    for (const store::CaaObservationRecord& observation : observations) {
      if (entries.size() >= evidence::kMaxCaaObservations) break;
      evidence::CaaIndexEntry entry = IndexEntry(observation);
      if (!entry.answer_file.empty()) {
        CAAWATCH_RETURN_IF_ERROR(
            evidence::WriteBundleFile(out_dir, entry.answer_file, observation.raw_answer()));
      }
      entries.push_back(std::move(entry));
    }
  }
  CAAWATCH_RETURN_IF_ERROR(evidence::WriteBundleFile(out_dir, evidence::kCaaIndexFileName,
                                                     evidence::CaaIndexJson(entries)));
  return entries.size();
}

}  // namespace caawatch::monitor
