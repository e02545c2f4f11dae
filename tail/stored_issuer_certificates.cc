#include "tail/stored_issuer_certificates.h"

#include <string>
#include <utility>

namespace caawatch::tail {

std::optional<std::vector<uint8_t>> StoredIssuerCertificates::Find(
    const ctlog::Sha256Hash& fingerprint) {
  absl::StatusOr<std::optional<std::string>> der =
      findings_->GetCertificateDer(std::string(fingerprint.begin(), fingerprint.end()));
  if (!der.ok() || !der->has_value()) return std::nullopt;
  return std::vector<uint8_t>((*der)->begin(), (*der)->end());
}

void StoredIssuerCertificates::Keep(const ctlog::Sha256Hash& fingerprint,
                                    const std::vector<uint8_t>& der) {
  store::CommitRequest request;
  request.certificates.emplace_back(std::string(fingerprint.begin(), fingerprint.end()),
                                    std::string(der.begin(), der.end()));
  (void)findings_->Commit(std::move(request));
}

}  // namespace caawatch::tail
