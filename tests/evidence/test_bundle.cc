#include "tests/evidence/test_bundle.h"

#include <utility>

#include "base/status_macros.h"
#include "ctlog/log_key.h"
#include "evidence/bundle_files.h"
#include "evidence/bundle_writer.h"
#include "tests/fakes/reference_merkle.h"

namespace caawatch::evidence {

EntryEvidence TestBundle::Evidence(uint64_t index) const {
  return EntryEvidence{log->log_id(),
                       index,
                       entries[index],
                       head,
                       fakes::ReferenceInclusionProof(index, leaf_hashes),
                       ""};
}

absl::StatusOr<TestBundle> WriteTestBundle(const Clock* clock, const std::string& dir) {
  TestBundle bundle;
  CAAWATCH_ASSIGN_OR_RETURN(bundle.log, fakes::TestLog::Create(clock, /*seed=*/7));
  for (int i = 0; i < 6; ++i) bundle.log->AddRawLeaf(fakes::Der(40 + i, static_cast<uint8_t>(i)));
  CAAWATCH_ASSIGN_OR_RETURN(bundle.head, bundle.log->PublishSth());
  CAAWATCH_ASSIGN_OR_RETURN(bundle.entries, bundle.log->GetEntries(0, 5, 100));
  for (const ctlog::RawEntry& entry : bundle.entries) {
    bundle.leaf_hashes.push_back(fakes::ReferenceLeafHash(entry.leaf_input));
  }
  const ctlog::Sha256Hash& id = bundle.log->log_id();
  bundle.trusted[std::string(id.begin(), id.end())] =
      TrustedLog{bundle.log->public_key_der(), kTestLogDescription};
  CAAWATCH_ASSIGN_OR_RETURN(const ctlog::LogKey key,
                            ctlog::LogKey::FromDer(bundle.log->public_key_der()));
  for (uint64_t index : {2, 5}) {
    CAAWATCH_RETURN_IF_ERROR(WriteEntryEvidence(dir, key, bundle.Evidence(index)));
  }
  const BundleLogKey log_key{id, bundle.log->public_key_der(), kTestLogDescription};
  CAAWATCH_RETURN_IF_ERROR(WriteLogKeys(dir, {&log_key, 1}));
  return bundle;
}

}  // namespace caawatch::evidence
