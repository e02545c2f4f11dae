#include "ctlog/pem.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"

namespace caawatch::ctlog {

std::vector<std::vector<uint8_t>> PemCertificates(absl::string_view text) {
  static constexpr absl::string_view kBegin = "-----BEGIN CERTIFICATE-----";
  static constexpr absl::string_view kEnd = "-----END CERTIFICATE-----";
  std::vector<std::vector<uint8_t>> out;
  for (size_t pos = text.find(kBegin); pos != absl::string_view::npos;
       pos = text.find(kBegin, pos)) {
    const size_t body = pos + kBegin.size();
    const size_t end = text.find(kEnd, body);
    if (end == absl::string_view::npos) break;
    std::string b64;
    for (char c : text.substr(body, end - body)) {
      if (!absl::ascii_isspace(static_cast<unsigned char>(c))) b64.push_back(c);
    }
    std::string der;
    if (absl::Base64Unescape(b64, &der) && !der.empty()) out.emplace_back(der.begin(), der.end());
    pos = end + kEnd.size();
  }
  return out;
}

}  // namespace caawatch::ctlog
