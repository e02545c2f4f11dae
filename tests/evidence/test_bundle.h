// A bundle's log evidence as `caawatch evidence` leaves it: a test log of six raw leaves, one
// signed head over all, and entries 2 and 5 with their proofs, the head and the log key written
// (evidence/bundle_writer.h) into a directory.
#ifndef CAAWATCH_TESTS_EVIDENCE_TEST_BUNDLE_H_
#define CAAWATCH_TESTS_EVIDENCE_TEST_BUNDLE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "base/clock.h"
#include "ctlog/log_types.h"
#include "evidence/bundle_verifier.h"
#include "evidence/entry_evidence.h"
#include "tests/fakes/test_log.h"

namespace caawatch::evidence {

inline constexpr char kTestLogDescription[] = "Test Log 'Evidence'";

struct TestBundle {
  std::unique_ptr<fakes::TestLog> log;
  ctlog::SignedTreeHead head;
  std::vector<ctlog::RawEntry> entries;
  std::vector<ctlog::Sha256Hash> leaf_hashes;
  TrustedLogKeys trusted;  // The test log, described as kTestLogDescription.

  // Entry `index` with its audit path in `head`.
  EntryEvidence Evidence(uint64_t index) const;
};

// Writes the bundle into the existing directory `dir`; `clock` is borrowed by the log.
absl::StatusOr<TestBundle> WriteTestBundle(const Clock* clock, const std::string& dir);

}  // namespace caawatch::evidence

#endif  // CAAWATCH_TESTS_EVIDENCE_TEST_BUNDLE_H_
