// X.501 Name (RFC 5280 §4.1.2.4) read from DER: the one-line DN that is shown, and the O and
// CN values by which CAs and hosts are matched.
#ifndef CAAWATCH_CTLOG_X509_NAME_H_
#define CAAWATCH_CTLOG_X509_NAME_H_

#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "ctlog/der.h"

namespace caawatch::ctlog {

struct X509NameFields {
  // Attributes in certificate order, "C=US, O=Let's Encrypt, CN=R11"; multi-valued RDNs joined
  // by " + "; RFC 4514 §2.4 special characters backslash-escaped; an unknown attribute type as
  // its dotted OID, a value that is not a string as "#" + hex of its DER.
  std::string dn;
  std::string organization;               // First O, UTF-8; empty if absent.
  std::string common_name;                // First CN, UTF-8; empty if absent.
  std::vector<std::string> common_names;  // Every CN, in order, as written (not normalised).
};

// Reads the Name SEQUENCE `name` (strings converted as DecodeDerString does). kDataLoss on a
// malformed RDN or attribute; `out` then holds what came before it.
[[nodiscard]] absl::Status ReadX509Name(const DerElement& name, X509NameFields* out);

// Calls `fn` with the value of each CN attribute, in order and undecoded (DecodeDerString gives
// the common_names ReadX509Name would), and builds nothing else. Stops at a malformed RDN or
// attribute and returns kDataLoss (a CN after it may be missed), as ReadX509Name.
absl::Status ForEachX509CommonName(const DerElement& name,
                                   absl::FunctionRef<void(const DerElement& value)> fn);

}  // namespace caawatch::ctlog

#endif  // CAAWATCH_CTLOG_X509_NAME_H_
