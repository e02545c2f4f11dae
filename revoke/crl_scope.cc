#include "revoke/crl_scope.h"

#include <openssl/x509v3.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/algorithm/container.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/quoted_input.h"

namespace caawatch::revoke {
namespace {

struct IdpFree {
  void operator()(ISSUING_DIST_POINT* p) const { ISSUING_DIST_POINT_free(p); }
};

// The URIs of a fullName distribution point name; empty for a relative name or none.
std::vector<std::string> FullNameUris(const DIST_POINT_NAME* name) {
  std::vector<std::string> uris;
  if (name == nullptr || name->type != 0 || name->name.fullname == nullptr) return uris;
  for (int i = 0; i < sk_GENERAL_NAME_num(name->name.fullname); ++i) {
    const GENERAL_NAME* g = sk_GENERAL_NAME_value(name->name.fullname, i);
    if (g->type != GEN_URI) continue;
    const ASN1_IA5STRING* uri = g->d.uniformResourceIdentifier;
    uris.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(uri)),
                      ASN1_STRING_length(uri));
  }
  return uris;
}

// What every scope check asks of the IDP: the distribution point names it lists (empty: no
// IDP, or one naming none), or why the CRL covers no end-entity certificate fully.
absl::StatusOr<std::vector<std::string>> IdpNames(const X509_CRL* crl) {
  int critical = 0;
  std::unique_ptr<ISSUING_DIST_POINT, IdpFree> idp(static_cast<ISSUING_DIST_POINT*>(
      X509_CRL_get_ext_d2i(crl, NID_issuing_distribution_point, &critical, nullptr)));
  if (idp == nullptr) {
    // critical == -1: absent (a full CRL); otherwise present but unreadable.
    if (critical == -1) return std::vector<std::string>();
    return absl::FailedPreconditionError("CRL issuing distribution point does not parse");
  }
  if (idp->onlyCA > 0) {
    return absl::FailedPreconditionError(
        "CRL covers only CA certificates (issuing distribution "
        "point onlyContainsCACerts)");
  }
  if (idp->onlyattr > 0) {
    return absl::FailedPreconditionError("CRL covers only attribute certificates");
  }
  if (idp->onlysomereasons != nullptr) {
    return absl::FailedPreconditionError(
        "CRL covers only some revocation reasons (onlySomeReasons; not followed)");
  }
  if (idp->indirectCRL > 0) return absl::FailedPreconditionError("indirect CRL (not followed)");
  return FullNameUris(idp->distpoint);
}

absl::Status NotCovered(const std::vector<std::string>& uris, absl::string_view what) {
  return absl::FailedPreconditionError(
      absl::StrCat("CRL issuing distribution point ", QuoteInput(absl::StrJoin(uris, " ")),
                   " does not cover ", what, " (a partition for other certificates)"));
}

}  // namespace

absl::Status CheckCrlScope(const X509_CRL* crl, absl::string_view url) {
  absl::StatusOr<std::vector<std::string>> uris = IdpNames(crl);
  if (!uris.ok()) return uris.status();
  if (url.empty() || uris->empty()) return absl::OkStatus();
  for (const std::string& uri : *uris) {
    if (uri == url) return absl::OkStatus();
  }
  return NotCovered(*uris, QuoteInput(url));
}

absl::Status CheckCrlScopeForCertificate(const X509_CRL* crl,
                                         absl::Span<const std::string> cert_urls) {
  absl::StatusOr<std::vector<std::string>> uris = IdpNames(crl);
  if (!uris.ok()) return uris.status();
  if (uris->empty()) return absl::OkStatus();
  for (const std::string& uri : *uris) {
    if (absl::c_linear_search(cert_urls, uri)) return absl::OkStatus();
  }
  return NotCovered(*uris, cert_urls.empty()
                               ? std::string("a certificate without a distribution point")
                               : absl::StrCat("the certificate's distribution points ",
                                              QuoteInput(absl::StrJoin(cert_urls, " "))));
}

}  // namespace caawatch::revoke
