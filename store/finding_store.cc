#include "store/finding_store.h"

namespace caawatch::store {

absl::StatusOr<std::unique_ptr<FindingStore>> FindingStore::Open(const std::string& dir,
                                                                 OpenOptions options) {
  return absl::UnimplementedError("store not built yet");
}

}  // namespace caawatch::store
