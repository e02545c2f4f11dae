#include "caa/validation_methods.h"

#include "absl/algorithm/container.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace caawatch::caa {
namespace {

// The ACME challenge types that validate a dNSName: RFC 8555 §8.3 (http-01), §8.4 (dns-01),
// RFC 8737 (tls-alpn-01), and the ACME working group's account-scoped DNS method
// (dns-account-01), counted as known so that a record naming it is never taken for one nothing
// can satisfy. tls-sni-01/02 are only reserved in the registry.
constexpr absl::string_view kAcmeMethods[] = {"http-01", "dns-01", "tls-alpn-01", "dns-account-01"};

// "ca-tbr-" and a BR §3.2.2.4 subsection number: digits, no leading zero.
bool IsBrMethod(absl::string_view label, std::string* subsection) {
  if (!absl::ConsumePrefix(&label, "ca-tbr-")) return false;
  int n = 0;
  if (label.empty() || label.size() > 3 || label[0] == '0' || !absl::SimpleAtoi(label, &n)) {
    return false;
  }
  *subsection = std::string(label);
  return true;
}

}  // namespace

MethodLabel ClassifyMethodLabel(absl::string_view label) {
  const std::string lower = absl::AsciiStrToLower(label);
  if (absl::c_linear_search(kAcmeMethods, lower)) return MethodLabel::kAcme;
  std::string subsection;
  if (IsBrMethod(lower, &subsection)) return MethodLabel::kBrMethod;
  // "ca-tbr-" is the Forum's prefix: what follows it is a subsection number or nothing known.
  if (absl::StartsWith(lower, "ca-tbr-")) return MethodLabel::kUnknown;
  if (absl::StartsWith(lower, "ca-") && lower.size() > 3) return MethodLabel::kCaDefined;
  return MethodLabel::kUnknown;
}

std::string DescribeMethodLabel(absl::string_view label) {
  std::string subsection;
  switch (ClassifyMethodLabel(label)) {
    case MethodLabel::kAcme:
      return absl::StrCat(label, " (ACME)");
    case MethodLabel::kBrMethod:
      IsBrMethod(absl::AsciiStrToLower(label), &subsection);
      return absl::StrCat(label, " (BR 3.2.2.4.", subsection, ")");
    case MethodLabel::kCaDefined:
      return absl::StrCat(label, " (CA-defined)");
    case MethodLabel::kUnknown:
      break;
  }
  return absl::StrCat(label, " (unknown)");
}

}  // namespace caawatch::caa
