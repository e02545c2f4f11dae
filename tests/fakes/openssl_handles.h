// unique_ptr owners for the OpenSSL types the test fakes use: one deleter per type, made the
// line the handle is born, so no fake ever calls *_free by hand.
#ifndef CAAWATCH_TESTS_FAKES_OPENSSL_HANDLES_H_
#define CAAWATCH_TESTS_FAKES_OPENSSL_HANDLES_H_

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdint>
#include <memory>
#include <vector>

namespace caawatch::fakes {

template <auto FreeFn>
struct OpenSslDeleter {
  template <typename T>
  void operator()(T* p) const {
    FreeFn(p);
  }
};
using UniqueX509 = std::unique_ptr<X509, OpenSslDeleter<&X509_free>>;
using UniqueEvpPkey = std::unique_ptr<EVP_PKEY, OpenSslDeleter<&EVP_PKEY_free>>;
using UniqueEvpPkeyCtx = std::unique_ptr<EVP_PKEY_CTX, OpenSslDeleter<&EVP_PKEY_CTX_free>>;
using UniqueEvpMdCtx = std::unique_ptr<EVP_MD_CTX, OpenSslDeleter<&EVP_MD_CTX_free>>;
using UniqueBignum = std::unique_ptr<BIGNUM, OpenSslDeleter<&BN_free>>;
using UniqueEcGroup = std::unique_ptr<EC_GROUP, OpenSslDeleter<&EC_GROUP_free>>;
using UniqueEcPoint = std::unique_ptr<EC_POINT, OpenSslDeleter<&EC_POINT_free>>;
using UniqueParamBld = std::unique_ptr<OSSL_PARAM_BLD, OpenSslDeleter<&OSSL_PARAM_BLD_free>>;
using UniqueParams = std::unique_ptr<OSSL_PARAM, OpenSslDeleter<&OSSL_PARAM_free>>;
using UniqueExtension = std::unique_ptr<X509_EXTENSION, OpenSslDeleter<&X509_EXTENSION_free>>;
using UniqueAsn1Object = std::unique_ptr<ASN1_OBJECT, OpenSslDeleter<&ASN1_OBJECT_free>>;
using UniqueAsn1OctetString =
    std::unique_ptr<ASN1_OCTET_STRING, OpenSslDeleter<&ASN1_OCTET_STRING_free>>;
using UniqueAsn1Integer = std::unique_ptr<ASN1_INTEGER, OpenSslDeleter<&ASN1_INTEGER_free>>;

}  // namespace caawatch::fakes

#endif  // CAAWATCH_TESTS_FAKES_OPENSSL_HANDLES_H_
