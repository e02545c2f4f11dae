#include "judge/issuer_source.h"

#include <utility>

#include "caa/issuer_store.h"

namespace caawatch::judge {

IssuerSource::IssuerSource(caa::IssuerMap initial, Loader loader)
    : loader_(std::move(loader)),
      current_(std::make_shared<const caa::IssuerMap>(std::move(initial))) {}

std::shared_ptr<const caa::IssuerMap> IssuerSource::Current() const {
  absl::MutexLock lock(&mu_);
  return current_;
}

absl::StatusOr<bool> IssuerSource::Reload() {
  if (!loader_) return false;
  absl::StatusOr<caa::IssuerMap> loaded = loader_();
  if (!loaded.ok()) return loaded.status();
  absl::MutexLock lock(&mu_);
  // The canonical JSON of the entries is a cheap, complete equality for a few hundred CAs.
  if (caa::IssuerMapJson(loaded->entries()) == caa::IssuerMapJson(current_->entries())) {
    return false;
  }
  current_ = std::make_shared<const caa::IssuerMap>(*std::move(loaded));
  return true;
}

}  // namespace caawatch::judge
