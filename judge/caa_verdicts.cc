#include "judge/caa_verdicts.h"

namespace caawatch::judge {

using store::Verdict;

Verdict ToVerdict(caa::IssuanceVerdict verdict) {
  switch (verdict) {
    case caa::IssuanceVerdict::kPermitted:
      return Verdict::kPermitted;
    case caa::IssuanceVerdict::kPermittedConditional:
      return Verdict::kPermittedConditional;
    case caa::IssuanceVerdict::kForbidden:
      return Verdict::kForbidden;
    case caa::IssuanceVerdict::kLikelyForbidden:
      return Verdict::kLikelyForbidden;
    case caa::IssuanceVerdict::kDnsIndeterminate:
      return Verdict::kDnsIndeterminate;
    case caa::IssuanceVerdict::kNoData:
      return Verdict::kNoData;
  }
  return Verdict::kNoData;
}

Verdict ToVerdict(caa::NameVerdict verdict) {
  switch (verdict) {
    case caa::NameVerdict::kPermitted:
      return Verdict::kPermitted;
    case caa::NameVerdict::kPermittedConditional:
      return Verdict::kPermittedConditional;
    case caa::NameVerdict::kForbidden:
      return Verdict::kForbidden;
    case caa::NameVerdict::kIndeterminate:
      return Verdict::kDnsIndeterminate;
  }
  return Verdict::kDnsIndeterminate;
}

}  // namespace caawatch::judge
