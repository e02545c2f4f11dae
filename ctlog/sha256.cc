#include "ctlog/sha256.h"

#include <openssl/evp.h>
#include <openssl/sha.h>

#include <memory>
#include <vector>

namespace caawatch::ctlog {
namespace {

// OpenSSL 3's one-shot SHA256() looks the algorithm up in the provider store on every call
// (EVP_Q_digest -> EVP_MD_fetch, behind a lock): a third of the cost of hashing a CT entry.
// Fetched once here and never changed; null only if the default provider is missing, in which
// case the one-shot path below is used.
const EVP_MD* FetchedSha256() {
  static const EVP_MD* const kSha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return kSha256;
}

struct CtxDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};

// SHA-256 of prefix || data (prefix may be empty).
Sha256Hash Digest(absl::Span<const uint8_t> prefix, absl::Span<const uint8_t> data) {
  Sha256Hash out;
  const EVP_MD* md = FetchedSha256();
  std::unique_ptr<EVP_MD_CTX, CtxDeleter> ctx(md != nullptr ? EVP_MD_CTX_new() : nullptr);
  unsigned int len = 0;
  if (ctx != nullptr && EVP_DigestInit_ex2(ctx.get(), md, nullptr) == 1 &&
      EVP_DigestUpdate(ctx.get(), prefix.data(), prefix.size()) == 1 &&
      EVP_DigestUpdate(ctx.get(), data.data(), data.size()) == 1 &&
      EVP_DigestFinal_ex(ctx.get(), out.data(), &len) == 1 && len == out.size()) {
    return out;
  }
  std::vector<uint8_t> joined(prefix.begin(), prefix.end());
  joined.insert(joined.end(), data.begin(), data.end());
  SHA256(joined.data(), joined.size(), out.data());
  return out;
}

}  // namespace

Sha256Hash Sha256(absl::Span<const uint8_t> data) { return Digest({}, data); }

Sha256Hash Sha256(absl::string_view data) {
  return Sha256(absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(data.data()), data.size()));
}

Sha256Hash Sha256WithPrefix(uint8_t prefix, absl::Span<const uint8_t> data) {
  return Digest(absl::MakeConstSpan(&prefix, 1), data);
}

}  // namespace caawatch::ctlog
