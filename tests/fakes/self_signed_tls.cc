#include "tests/fakes/self_signed_tls.h"

#include <openssl/pem.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "tests/fakes/openssl_handles.h"

namespace caawatch::fakes {
namespace {

using UniqueBio = std::unique_ptr<BIO, OpenSslDeleter<&BIO_free>>;

absl::Status OpenSslError(absl::string_view what) {
  return absl::InternalError(absl::StrCat("OpenSSL: ", what));
}

absl::Status AddExtension(X509* cert, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  UniqueExtension ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()));
  if (ext == nullptr || X509_add_ext(cert, ext.get(), -1) != 1) {
    return OpenSslError(absl::StrCat("extension ", OBJ_nid2sn(nid), "=", value));
  }
  return absl::OkStatus();
}

// Writes with `write` into a memory BIO and returns what it holds.
template <typename Write>
absl::StatusOr<std::string> ToPem(Write write) {
  UniqueBio bio(BIO_new(BIO_s_mem()));
  if (bio == nullptr || write(bio.get()) != 1) return OpenSslError("PEM encoding");
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(len));
}

}  // namespace

absl::StatusOr<SelfSignedTls> MakeSelfSignedTls(absl::string_view subject_alt_names) {
  UniqueEvpPkey key(EVP_EC_gen("P-256"));
  UniqueX509 cert(X509_new());
  if (key == nullptr || cert == nullptr) return OpenSslError("key or certificate allocation");
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 86400);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("caawatch test"), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  CAAWATCH_RETURN_IF_ERROR(
      AddExtension(cert.get(), NID_subject_alt_name, std::string(subject_alt_names)));
  CAAWATCH_RETURN_IF_ERROR(AddExtension(cert.get(), NID_basic_constraints, "CA:FALSE"));
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) return OpenSslError("signing");
  SelfSignedTls tls;
  CAAWATCH_ASSIGN_OR_RETURN(tls.cert_pem,
                            ToPem([&](BIO* bio) { return PEM_write_bio_X509(bio, cert.get()); }));
  CAAWATCH_ASSIGN_OR_RETURN(tls.key_pem, ToPem([&](BIO* bio) {
                              return PEM_write_bio_PrivateKey(bio, key.get(), nullptr, nullptr, 0,
                                                              nullptr, nullptr);
                            }));
  return tls;
}

}  // namespace caawatch::fakes
