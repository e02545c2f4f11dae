// A self-signed TLS server certificate and key (ECDSA P-256, valid from an hour ago for a
// day), made with OpenSSL, as PEM: for tests that serve gRPC over real TLS.
#ifndef CAAWATCH_TESTS_FAKES_SELF_SIGNED_TLS_H_
#define CAAWATCH_TESTS_FAKES_SELF_SIGNED_TLS_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace caawatch::fakes {

struct SelfSignedTls {
  std::string cert_pem;  // Also the root a client trusts to verify it.
  std::string key_pem;
};

// `subject_alt_names` in OpenSSL's config syntax, e.g. "DNS:localhost,IP:127.0.0.1"; the CN is
// "caawatch test". kInternal if OpenSSL fails (a malformed SAN list included).
[[nodiscard]] absl::StatusOr<SelfSignedTls> MakeSelfSignedTls(absl::string_view subject_alt_names);

}  // namespace caawatch::fakes

#endif  // CAAWATCH_TESTS_FAKES_SELF_SIGNED_TLS_H_
