#include "store/finding_store.h"

#include "store/rocks_finding_store.h"

namespace caawatch::store {

absl::StatusOr<std::unique_ptr<FindingStore>> FindingStore::Open(const std::string& dir,
                                                                 OpenOptions options) {
  return RocksFindingStore::Open(dir, options);
}

}  // namespace caawatch::store
