#include "monitor/store_access.h"

#include "store/open_failure.h"
#include "store/wal_recovery.h"

namespace caawatch::monitor {

absl::StatusOr<std::unique_ptr<store::Store>> OpenStoreForReading(const std::string& data_dir) {
  store::OpenOptions options;
  options.read_only = true;
  return store::Store::Open(data_dir, options);
}

absl::StatusOr<std::unique_ptr<store::Store>> OpenStoreForWriting(const std::string& data_dir) {
  return store::Store::Open(data_dir);
}

std::optional<store::StoreHolder> MonitorHoldingStore(const std::string& data_dir) {
  return store::LiveStoreHolder(data_dir);
}

std::optional<std::string> DescribeStoreHolder(const std::string& data_dir) {
  return store::DescribeLockHolder(data_dir);
}

absl::StatusOr<std::string> RecoverDamagedWal(const std::string& data_dir) {
  absl::StatusOr<store::WalLoss> loss = store::RecoverDamagedWal(data_dir);
  if (!loss.ok()) return loss.status();
  return loss->Describe();
}

}  // namespace caawatch::monitor
