// A CT log's public key (ECDSA P-256 or RSA >= 2048, from the log list) and verification of the
// TLS DigitallySigned structs it signs with (RFC 6962 §3.2, RFC 5246 §4.7).
#ifndef CAAWATCH_CTLOG_LOG_KEY_H_
#define CAAWATCH_CTLOG_LOG_KEY_H_

#include <openssl/evp.h>

#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "ctlog/sha256.h"

namespace caawatch::ctlog {

class LogKey {
 public:
  // Parses a DER SubjectPublicKeyInfo. kInvalidArgument for anything but ECDSA P-256 or RSA
  // of at least 2048 bits.
  static absl::StatusOr<LogKey> FromDer(absl::Span<const uint8_t> spki_der);

  // Verifies `digitally_signed` (hash sha256(4) || sig_alg rsa(1)/ecdsa(3) || opaque
  // signature<0..2^16-1>) over `message`. kDataLoss when malformed, of the wrong algorithm for
  // this key, or not a valid signature.
  absl::Status VerifyDigitallySigned(absl::Span<const uint8_t> message,
                                     absl::Span<const uint8_t> digitally_signed) const;

  const Sha256Hash& log_id() const { return log_id_; }  // SHA-256 of the SPKI DER.
  bool is_ecdsa() const { return ecdsa_; }

 private:
  struct KeyDeleter {
    void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
  };
  LogKey(std::shared_ptr<EVP_PKEY> key, bool ecdsa, Sha256Hash log_id)
      : key_(std::move(key)), ecdsa_(ecdsa), log_id_(log_id) {}
  std::shared_ptr<EVP_PKEY> key_;  // Immutable once parsed; shared by copies.
  bool ecdsa_ = false;
  Sha256Hash log_id_{};
};

}  // namespace caawatch::ctlog

#endif  // CAAWATCH_CTLOG_LOG_KEY_H_
