#include "ctlog/pem.h"

#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace caawatch::ctlog {
namespace {

constexpr absl::string_view kBegin = "-----BEGIN ";
constexpr absl::string_view kDashes = "-----";

bool IsCertificateLabel(absl::string_view label) {
  return label == "CERTIFICATE" || label == "X509 CERTIFICATE";
}

// Base64 body of one block without header lines and whitespace.
std::string BlockBase64(absl::string_view body) {
  std::string out;
  for (absl::string_view line : absl::StrSplit(body, '\n')) {
    if (line.find(':') != absl::string_view::npos) continue;  // RFC 1421 header line.
    for (char c : line) {
      if (!absl::ascii_isspace(static_cast<unsigned char>(c))) out.push_back(c);
    }
  }
  return out;
}

}  // namespace

std::vector<std::vector<uint8_t>> PemCertificates(absl::string_view text) {
  std::vector<std::vector<uint8_t>> out;
  size_t pos = 0;
  while ((pos = text.find(kBegin, pos)) != absl::string_view::npos) {
    const size_t label_start = pos + kBegin.size();
    const size_t label_end = text.find(kDashes, label_start);
    if (label_end == absl::string_view::npos) break;
    const absl::string_view label = text.substr(label_start, label_end - label_start);
    const std::string end_marker = absl::StrCat("-----END ", label, kDashes);
    const size_t body_start = label_end + kDashes.size();
    const size_t end = text.find(end_marker, body_start);
    if (end == absl::string_view::npos) break;
    pos = end + end_marker.size();
    if (!IsCertificateLabel(label)) continue;
    std::string der;
    if (!absl::Base64Unescape(BlockBase64(text.substr(body_start, end - body_start)), &der) ||
        der.empty()) {
      continue;
    }
    out.emplace_back(der.begin(), der.end());
  }
  return out;
}

bool LooksLikePem(absl::Span<const uint8_t> data) {
  const absl::string_view text(reinterpret_cast<const char*>(data.data()), data.size());
  return text.find(kBegin) != absl::string_view::npos;
}

std::vector<std::vector<uint8_t>> CertificatesFromFileBytes(absl::Span<const uint8_t> data) {
  if (data.empty()) return {};
  if (!LooksLikePem(data)) return {std::vector<uint8_t>(data.begin(), data.end())};
  return PemCertificates(
      absl::string_view(reinterpret_cast<const char*>(data.data()), data.size()));
}

}  // namespace caawatch::ctlog
