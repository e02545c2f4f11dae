#include "ctlog/log_key.h"

#include <openssl/ec.h>
#include <openssl/x509.h>

#include "absl/strings/str_cat.h"
#include "ctlog/tls_reader.h"

namespace caawatch::ctlog {
namespace {

struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

}  // namespace

absl::StatusOr<LogKey> LogKey::FromDer(absl::Span<const uint8_t> spki_der) {
  const unsigned char* p = spki_der.data();
  std::shared_ptr<EVP_PKEY> key(d2i_PUBKEY(nullptr, &p, static_cast<long>(spki_der.size())),
                                KeyDeleter());
  if (key == nullptr || p != spki_der.data() + spki_der.size()) {
    return absl::InvalidArgumentError("log key: not a DER SubjectPublicKeyInfo");
  }
  const int type = EVP_PKEY_get_base_id(key.get());
  bool ecdsa = false;
  if (type == EVP_PKEY_EC) {
    char group[64] = {0};
    size_t len = 0;
    if (!EVP_PKEY_get_utf8_string_param(key.get(), "group", group, sizeof(group), &len) ||
        std::string(group) != "prime256v1") {
      return absl::InvalidArgumentError(
          absl::StrCat("log key: EC curve '", group, "' is not P-256"));
    }
    ecdsa = true;
  } else if (type == EVP_PKEY_RSA) {
    if (EVP_PKEY_get_bits(key.get()) < 2048) {
      return absl::InvalidArgumentError("log key: RSA key shorter than 2048 bits");
    }
  } else {
    return absl::InvalidArgumentError("log key: neither ECDSA nor RSA");
  }
  return LogKey(std::move(key), ecdsa, Sha256(spki_der));
}

absl::Status LogKey::VerifyDigitallySigned(absl::Span<const uint8_t> message,
                                           absl::Span<const uint8_t> digitally_signed) const {
  TlsReader r(digitally_signed);
  uint64_t hash = 0, sig_alg = 0;
  absl::Span<const uint8_t> signature;
  if (!r.ReadUint(1, &hash) || !r.ReadUint(1, &sig_alg) || !r.ReadLengthPrefixed(2, &signature) ||
      !r.empty()) {
    return absl::DataLossError("DigitallySigned: malformed");
  }
  if (hash != 4)
    return absl::DataLossError(absl::StrCat("DigitallySigned: hash ", hash, " is not SHA-256"));
  if (sig_alg != (ecdsa_ ? 3u : 1u)) {
    return absl::DataLossError(absl::StrCat("DigitallySigned: signature algorithm ", sig_alg,
                                            " does not fit the log key"));
  }
  std::unique_ptr<EVP_MD_CTX, MdCtxDeleter> ctx(EVP_MD_CTX_new());
  if (ctx == nullptr ||
      EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_.get()) != 1) {
    return absl::InternalError("DigitallySigned: cannot set up verification");
  }
  if (EVP_DigestVerify(ctx.get(), signature.data(), signature.size(), message.data(),
                       message.size()) != 1) {
    return absl::DataLossError("signature does not verify with the log's key");
  }
  return absl::OkStatus();
}

}  // namespace caawatch::ctlog
