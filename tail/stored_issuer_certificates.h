// Issuer certificates of tiled logs kept in the finding store's certificate family (keyed by
// SHA-256, which is also the static-ct-api issuer fingerprint), so that a restart does not fetch
// them again.
#ifndef CAAWATCH_TAIL_STORED_ISSUER_CERTIFICATES_H_
#define CAAWATCH_TAIL_STORED_ISSUER_CERTIFICATES_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "ctlog/tiled_log_client.h"
#include "store/findings.h"

namespace caawatch::tail {

class StoredIssuerCertificates final : public ctlog::IssuerCertificateCache {
 public:
  explicit StoredIssuerCertificates(store::Findings* findings)  // Borrowed.
      : findings_(findings) {}
  // A store error reads as "not kept": the certificate is fetched instead.
  std::optional<std::vector<uint8_t>> Find(const ctlog::Sha256Hash& fingerprint) override;
  // Best effort: a certificate that cannot be written is fetched again after a restart.
  void Keep(const ctlog::Sha256Hash& fingerprint, const std::vector<uint8_t>& der) override;

 private:
  store::Findings* findings_;
};

}  // namespace caawatch::tail

#endif  // CAAWATCH_TAIL_STORED_ISSUER_CERTIFICATES_H_
