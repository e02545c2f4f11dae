// An RFC 8659 §4.4 `iodef` target, read from DNS and so untrusted: `mailto:ADDRESS` or an
// `https:` URL, checked before anything is sent to it.
#ifndef CAAWATCH_NOTIFY_IODEF_TARGET_H_
#define CAAWATCH_NOTIFY_IODEF_TARGET_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "store/records.pb.h"

namespace caawatch::notify {

// Longer values are refused: no mail address (254) nor sensible report URL comes near it.
inline constexpr size_t kMaxIodefTargetBytes = 1024;

struct IodefTarget {
  enum class Kind { kMail, kHttps };
  Kind kind = Kind::kMail;
  std::string address;  // kMail: a ValidMailAddress (so no CR, LF or space).
  std::string url;      // kHttps: the URL as given, scheme "https".
};

// kInvalidArgument, quoting the value, for anything but `mailto:` with one valid address
// (RFC 6068 header fields after '?' are dropped: the report's headers are ours alone) or an
// `https://` URL of printable ASCII; a value over kMaxIodefTargetBytes; `http:` and every other
// scheme. Scheme letters may be in any case.
[[nodiscard]] absl::StatusOr<IodefTarget> ParseIodefTarget(absl::string_view value);

// The iodef values of the record sets that forbade the issuance: of each name whose verdict
// (or, with no data at issuance, retrospective verdict) is "forbidden", the records tagged
// iodef (any case), each value once, in record order.
std::vector<std::string> ForbiddingIodefValues(const store::FindingRecord& finding);

}  // namespace caawatch::notify

#endif  // CAAWATCH_NOTIFY_IODEF_TARGET_H_
