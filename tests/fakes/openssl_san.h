// The reference for SAN dNSNames: what OpenSSL decodes from a certificate, normalised by the
// contract of ctlog/certificate_parser.h (a NUL yields the escaped whole name and the part
// before it; ASCII lowercased; one trailing dot dropped; duplicates once). Header-only.
#ifndef CAAWATCH_TESTS_FAKES_OPENSSL_SAN_H_
#define CAAWATCH_TESTS_FAKES_OPENSSL_SAN_H_

#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_replace.h"
#include "tests/fakes/openssl_handles.h"

namespace caawatch::fakes {

// OpenSSL's reading of DER bytes; null if OpenSSL refuses them.
inline UniqueX509 OpenSslParse(const std::vector<uint8_t>& der) {
  const unsigned char* p = der.data();
  return UniqueX509(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
}

// Appends `name`, normalised as the parser promises, to `out`.
inline void AddExpectedName(std::string name, std::vector<std::string>* out) {
  std::vector<std::string> candidates;
  const size_t nul = name.find('\0');
  if (nul != std::string::npos) {
    candidates.push_back(absl::StrReplaceAll(name, {{std::string(1, '\0'), "\\000"}}));
    candidates.push_back(name.substr(0, nul));
  } else {
    candidates.push_back(name);
  }
  for (std::string& c : candidates) {
    absl::AsciiStrToLower(&c);
    if (!c.empty() && c.back() == '.') c.pop_back();
    if (!c.empty() && std::find(out->begin(), out->end(), c) == out->end()) out->push_back(c);
  }
}

// The dNSNames of the SAN extension, in order; empty without a SAN; nullopt when OpenSSL
// cannot decode the SAN extension (then there is nothing to compare).
inline std::optional<std::vector<std::string>> OpenSslDnsNames(X509* x509) {
  int critical = 0;
  GENERAL_NAMES* names =
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(x509, NID_subject_alt_name, &critical, nullptr));
  if (names == nullptr) {
    if (critical == -1) return std::vector<std::string>{};
    return std::nullopt;
  }
  std::vector<std::string> out;
  for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names, i);
    if (name->type != GEN_DNS) continue;
    const ASN1_STRING* s = name->d.dNSName;
    AddExpectedName(std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                                static_cast<size_t>(ASN1_STRING_length(s))),
                    &out);
  }
  GENERAL_NAMES_free(names);
  return out;
}

}  // namespace caawatch::fakes

#endif  // CAAWATCH_TESTS_FAKES_OPENSSL_SAN_H_
