// The CA -> CAA identifier map the monitor evaluates with, replaceable while it runs: `caawatch
// issuers import` rewrites <data-dir>/issuers.json and the running monitor picks the new map up
// (and re-evaluates unknown_issuer findings, see Reevaluator). Thread-safe.
#ifndef CAAWATCH_JUDGE_ISSUER_SOURCE_H_
#define CAAWATCH_JUDGE_ISSUER_SOURCE_H_

#include <functional>
#include <memory>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "caa/issuer_map.h"

namespace caawatch::judge {

class IssuerSource {
 public:
  using Loader = std::function<absl::StatusOr<caa::IssuerMap>()>;

  // Starts with `initial`; Reload() asks `loader` (none: Reload never changes anything).
  explicit IssuerSource(caa::IssuerMap initial, Loader loader = nullptr);

  // The map now. Holders keep their copy alive even if a reload replaces it.
  std::shared_ptr<const caa::IssuerMap> Current() const;

  // Loads the map again and installs it if its entries differ. Returns whether it changed.
  // Errors are the loader's (e.g. kInvalidArgument for a broken file); the map then stays.
  [[nodiscard]] absl::StatusOr<bool> Reload();

 private:
  const Loader loader_;
  mutable absl::Mutex mu_;
  std::shared_ptr<const caa::IssuerMap> current_ ABSL_GUARDED_BY(mu_);
};

}  // namespace caawatch::judge

#endif  // CAAWATCH_JUDGE_ISSUER_SOURCE_H_
