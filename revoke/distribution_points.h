// Where a certificate says its revocation is published: the http(s) URIs of its CRL
// distribution points extension (RFC 5280 §4.2.1.13), as the Baseline Requirements use it.
#ifndef CAAWATCH_REVOKE_DISTRIBUTION_POINTS_H_
#define CAAWATCH_REVOKE_DISTRIBUTION_POINTS_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace caawatch::revoke {

// A certificate names a handful at most; more, or a longer URI, is not followed.
inline constexpr size_t kMaxDistributionPoints = 8;
inline constexpr size_t kMaxUriBytes = 2048;

// The http:// and https:// fullName URIs of `cert_der`'s CRL distribution points, in order,
// without duplicates; empty when it has none (or only LDAP ones, or relative names). Errors:
// kInvalidArgument when the certificate or the extension does not parse.
absl::StatusOr<std::vector<std::string>> CrlDistributionPointUris(
    absl::Span<const uint8_t> cert_der);

}  // namespace caawatch::revoke

#endif  // CAAWATCH_REVOKE_DISTRIBUTION_POINTS_H_
