#include "revoke/distribution_points.h"

#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "revoke/openssl_handles.h"

namespace caawatch::revoke {

absl::StatusOr<std::vector<std::string>> CrlDistributionPointUris(
    absl::Span<const uint8_t> cert_der) {
  const unsigned char* p = cert_der.data();
  X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(cert_der.size())));
  if (cert == nullptr) return absl::InvalidArgumentError("certificate does not parse");
  int critical = 0;
  DistPointsPtr points(static_cast<STACK_OF(DIST_POINT)*>(
      X509_get_ext_d2i(cert.get(), NID_crl_distribution_points, &critical, nullptr)));
  std::vector<std::string> uris;
  if (points == nullptr) {
    // -1: no such extension; anything else: present but malformed (or repeated).
    if (critical == -1) return uris;
    return absl::InvalidArgumentError("CRL distribution points extension does not parse");
  }
  for (int i = 0; i < sk_DIST_POINT_num(points.get()); ++i) {
    const DIST_POINT* point = sk_DIST_POINT_value(points.get(), i);
    if (point->distpoint == nullptr || point->distpoint->type != 0) continue;  // Relative name.
    const GENERAL_NAMES* names = point->distpoint->name.fullname;
    for (int j = 0; j < sk_GENERAL_NAME_num(names); ++j) {
      const GENERAL_NAME* name = sk_GENERAL_NAME_value(names, j);
      if (name->type != GEN_URI) continue;
      const ASN1_IA5STRING* value = name->d.uniformResourceIdentifier;
      absl::string_view uri(reinterpret_cast<const char*>(ASN1_STRING_get0_data(value)),
                            static_cast<size_t>(ASN1_STRING_length(value)));
      if (uri.size() > kMaxUriBytes) continue;
      if (!absl::StartsWithIgnoreCase(uri, "http://") &&
          !absl::StartsWithIgnoreCase(uri, "https://")) {
        continue;  // LDAP and the like: not fetched.
      }
      if (std::find(uris.begin(), uris.end(), uri) != uris.end()) continue;
      uris.emplace_back(uri);
      if (uris.size() == kMaxDistributionPoints) return uris;
    }
  }
  return uris;
}

}  // namespace caawatch::revoke
