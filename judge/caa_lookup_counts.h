// CAA lookups since the start by how they ended and their DNSSEC status: what /metrics shows as
// caawatch_caa_lookups_total{result, dnssec}. Counted by CaaObserver for every answer (polls
// and the lookups of a batch's hits); read at scrape time. No lock: relaxed atomics.
#ifndef CAAWATCH_JUDGE_CAA_LOOKUP_COUNTS_H_
#define CAAWATCH_JUDGE_CAA_LOOKUP_COUNTS_H_

#include <array>
#include <atomic>
#include <cstdint>

#include "caa/caa_answer.h"

namespace caawatch::judge {

class CaaLookupCounts {
 public:
  static constexpr int kOutcomes = static_cast<int>(caa::LookupOutcome::kOtherError) + 1;
  static constexpr int kDnssecStatuses = static_cast<int>(caa::DnssecStatus::kOff) + 1;

  void Count(caa::LookupOutcome outcome, caa::DnssecStatus dnssec) {
    counts_[Index(outcome, dnssec)].fetch_add(1, std::memory_order_relaxed);
  }
  uint64_t Get(caa::LookupOutcome outcome, caa::DnssecStatus dnssec) const {
    return counts_[Index(outcome, dnssec)].load(std::memory_order_relaxed);
  }

 private:
  static int Index(caa::LookupOutcome outcome, caa::DnssecStatus dnssec) {
    return static_cast<int>(outcome) * kDnssecStatuses + static_cast<int>(dnssec);
  }
  std::array<std::atomic<uint64_t>, kOutcomes * kDnssecStatuses> counts_{};
};

}  // namespace caawatch::judge

#endif  // CAAWATCH_JUDGE_CAA_LOOKUP_COUNTS_H_
