#include "tests/fakes/test_crl.h"

#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

#include "absl/status/status.h"

namespace caawatch::fakes {
namespace {

using UniqueCrl = std::unique_ptr<X509_CRL, OpenSslDeleter<&X509_CRL_free>>;
using UniqueRevoked = std::unique_ptr<X509_REVOKED, OpenSslDeleter<&X509_REVOKED_free>>;
using UniqueTime = std::unique_ptr<ASN1_TIME, OpenSslDeleter<&ASN1_TIME_free>>;
using UniqueEnumerated = std::unique_ptr<ASN1_ENUMERATED, OpenSslDeleter<&ASN1_ENUMERATED_free>>;

UniqueTime Asn1Time(absl::Time t) { return UniqueTime(ASN1_TIME_set(nullptr, absl::ToTimeT(t))); }

absl::Status AddIdp(X509_CRL* crl, const std::vector<std::string>& urls) {
  ISSUING_DIST_POINT* idp = ISSUING_DIST_POINT_new();
  DIST_POINT_NAME* name = DIST_POINT_NAME_new();
  GENERAL_NAMES* names = GENERAL_NAMES_new();
  for (const std::string& url : urls) {
    GENERAL_NAME* g = GENERAL_NAME_new();
    ASN1_IA5STRING* uri = ASN1_IA5STRING_new();
    ASN1_STRING_set(uri, url.data(), static_cast<int>(url.size()));
    GENERAL_NAME_set0_value(g, GEN_URI, uri);
    sk_GENERAL_NAME_push(names, g);
  }
  name->type = 0;
  name->name.fullname = names;
  idp->distpoint = name;
  const int added = X509_CRL_add1_ext_i2d(crl, NID_issuing_distribution_point, idp, 1, 0);
  ISSUING_DIST_POINT_free(idp);
  return added == 1 ? absl::OkStatus() : absl::InternalError("issuing distribution point");
}

absl::StatusOr<std::string> MakeCrlWithIdp(const TestCa& issuer, const CrlSpec& spec,
                                           EVP_PKEY* signing_key,
                                           const std::vector<std::string>& idp_urls);

}  // namespace

absl::StatusOr<std::string> MakeCrl(const TestCa& issuer, const CrlSpec& spec,
                                    EVP_PKEY* signing_key) {
  return MakeCrlWithIdp(issuer, spec, signing_key, {});
}

absl::StatusOr<std::string> MakePartitionedCrl(const TestCa& issuer, const CrlSpec& spec,
                                               const std::vector<std::string>& idp_urls) {
  return MakeCrlWithIdp(issuer, spec, nullptr, idp_urls);
}

namespace {

absl::StatusOr<std::string> MakeCrlWithIdp(const TestCa& issuer, const CrlSpec& spec,
                                           EVP_PKEY* signing_key,
                                           const std::vector<std::string>& idp_urls) {
  UniqueCrl crl(X509_CRL_new());
  if (crl == nullptr || X509_CRL_set_version(crl.get(), 1) != 1 ||
      X509_CRL_set_issuer_name(crl.get(), X509_get_subject_name(issuer.cert.get())) != 1) {
    return absl::InternalError("X509_CRL_new");
  }
  UniqueTime this_update = Asn1Time(spec.this_update);
  if (X509_CRL_set1_lastUpdate(crl.get(), this_update.get()) != 1) {
    return absl::InternalError("thisUpdate");
  }
  if (spec.next_update) {
    UniqueTime next_update = Asn1Time(*spec.next_update);
    if (X509_CRL_set1_nextUpdate(crl.get(), next_update.get()) != 1) {
      return absl::InternalError("nextUpdate");
    }
  }
  for (const RevokedCert& revoked : spec.revoked) {
    UniqueX509 cert = ParseCertificate(revoked.cert_der);
    if (cert == nullptr) return absl::InvalidArgumentError("revoked certificate does not parse");
    UniqueRevoked entry(X509_REVOKED_new());
    UniqueTime when = Asn1Time(revoked.revocation_date);
    if (entry == nullptr ||
        X509_REVOKED_set_serialNumber(
            entry.get(), const_cast<ASN1_INTEGER*>(X509_get0_serialNumber(cert.get()))) != 1 ||
        X509_REVOKED_set_revocationDate(entry.get(), when.get()) != 1) {
      return absl::InternalError("X509_REVOKED");
    }
    if (revoked.reason) {
      UniqueEnumerated code(ASN1_ENUMERATED_new());
      if (code == nullptr || ASN1_ENUMERATED_set(code.get(), *revoked.reason) != 1 ||
          X509_REVOKED_add1_ext_i2d(entry.get(), NID_crl_reason, code.get(), 0, 0) != 1) {
        return absl::InternalError("CRLReason");
      }
    }
    if (X509_CRL_add0_revoked(crl.get(), entry.get()) != 1) {
      return absl::InternalError("X509_CRL_add0_revoked");
    }
    (void)entry.release();  // Owned by the CRL now.
  }
  if (!idp_urls.empty()) {
    if (absl::Status added = AddIdp(crl.get(), idp_urls); !added.ok()) return added;
  }
  X509_CRL_sort(crl.get());
  EVP_PKEY* key = signing_key != nullptr ? signing_key : issuer.key.get();
  if (X509_CRL_sign(crl.get(), key, EVP_sha256()) <= 0) return absl::InternalError("sign CRL");
  unsigned char* der = nullptr;
  const int n = i2d_X509_CRL(crl.get(), &der);
  if (n <= 0) return absl::InternalError("i2d_X509_CRL");
  std::string out(reinterpret_cast<const char*>(der), static_cast<size_t>(n));
  OPENSSL_free(der);
  return out;
}

}  // namespace

}  // namespace caawatch::fakes
