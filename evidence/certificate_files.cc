#include "evidence/certificate_files.h"

#include "absl/strings/escaping.h"

namespace caawatch::evidence {

std::string CertificatesPem(const std::vector<std::string>& ders) {
  std::string out;
  for (const std::string& der : ders) {
    const std::string b64 = absl::Base64Escape(der);
    out += "-----BEGIN CERTIFICATE-----\n";
    for (size_t i = 0; i < b64.size(); i += 64) out += b64.substr(i, 64) + "\n";
    out += "-----END CERTIFICATE-----\n";
  }
  return out;
}

}  // namespace caawatch::evidence
