#include "notify/iodef_target.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/quoted_input.h"
#include "notify/mail_message.h"
#include "store/verdict.h"

namespace caawatch::notify {
namespace {

absl::Status Refused(absl::string_view value, absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("iodef target ", QuoteInput(value), " refused: ", why));
}

}  // namespace

absl::StatusOr<IodefTarget> ParseIodefTarget(absl::string_view value) {
  if (value.size() > kMaxIodefTargetBytes) {
    return Refused(value, absl::StrCat("longer than ", kMaxIodefTargetBytes, " bytes"));
  }
  IodefTarget target;
  if (absl::StartsWithIgnoreCase(value, "mailto:")) {
    absl::string_view address = value.substr(7);
    address = address.substr(0, address.find('?'));  // RFC 6068 hfields: never our headers.
    target.kind = IodefTarget::Kind::kMail;
    target.address = std::string(address);
    if (!ValidMailAddress(target.address)) return Refused(value, "not one plain mail address");
    return target;
  }
  if (absl::StartsWithIgnoreCase(value, "https://")) {
    for (char c : value) {
      if (c <= 0x20 || c >= 0x7f) return Refused(value, "a control, space or non-ASCII byte");
    }
    target.kind = IodefTarget::Kind::kHttps;
    target.url = absl::StrCat("https://", value.substr(8));
    return target;
  }
  return Refused(value, "only mailto: and https: targets are sent to");
}

std::vector<std::string> ForbiddingIodefValues(const store::FindingRecord& finding) {
  std::vector<std::string> out;
  const std::string forbidden = store::VerdictName(store::Verdict::kForbidden);
  const std::string retrospective = store::RetrospectiveVerdictName(store::Verdict::kForbidden);
  for (const store::CaaNameRecord& name : finding.caa()) {
    if (name.verdict() != forbidden && name.retrospective_verdict() != retrospective) continue;
    for (const store::CaaRecordPb& r : name.records()) {
      if (!absl::EqualsIgnoreCase(r.tag(), "iodef")) continue;
      if (std::find(out.begin(), out.end(), r.value()) == out.end()) out.push_back(r.value());
    }
  }
  return out;
}

}  // namespace caawatch::notify
