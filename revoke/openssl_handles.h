// unique_ptr owners for the OpenSSL types revoke/ parses with, one deleter per type, so that
// no path through the CRL code frees by hand (or forgets to).
#ifndef CAAWATCH_REVOKE_OPENSSL_HANDLES_H_
#define CAAWATCH_REVOKE_OPENSSL_HANDLES_H_

#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

namespace caawatch::revoke {

template <auto FreeFn>
struct OpenSslFree {
  template <typename T>
  void operator()(T* p) const {
    FreeFn(p);
  }
};
using X509Ptr = std::unique_ptr<X509, OpenSslFree<&X509_free>>;
using X509CrlPtr = std::unique_ptr<X509_CRL, OpenSslFree<&X509_CRL_free>>;
using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, OpenSslFree<&EVP_PKEY_free>>;
using DistPointsPtr = std::unique_ptr<STACK_OF(DIST_POINT), OpenSslFree<&CRL_DIST_POINTS_free>>;
using Asn1EnumeratedPtr = std::unique_ptr<ASN1_ENUMERATED, OpenSslFree<&ASN1_ENUMERATED_free>>;

}  // namespace caawatch::revoke

#endif  // CAAWATCH_REVOKE_OPENSSL_HANDLES_H_
