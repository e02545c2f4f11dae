#include "caa/caa_record.h"

#include <algorithm>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace caawatch::caa {

// RFC 8659 §4.1.1:
//   Flags: one octet; Tag Length: one unsigned octet, >= 1;
//   Tag: "Tags MUST NOT contain any other characters" than US-ASCII letters and digits;
//   Value: "the remaining octets of the RDATA", no length field of its own.
absl::StatusOr<CaaRecord> ParseCaaRdata(absl::Span<const uint8_t> rdata) {
  if (rdata.size() < 2) {
    return absl::DataLossError(absl::StrCat("CAA RDATA: ", rdata.size(), " octets, need >= 2"));
  }
  const size_t tag_length = rdata[1];
  if (tag_length == 0) return absl::DataLossError("CAA RDATA: tag length 0");
  if (2 + tag_length > rdata.size()) {
    return absl::DataLossError(absl::StrCat("CAA RDATA: tag length ", tag_length,
                                            " runs past the end of ", rdata.size(), " octets"));
  }
  CaaRecord record;
  record.flags = rdata[0];
  record.tag.assign(rdata.begin() + 2, rdata.begin() + 2 + tag_length);
  // A tag outside [A-Za-z0-9] (a typo such as "issue-wild", which DNS servers accept) names no
  // property this code knows: it stays a record of its own, an unknown property to policy
  // (ignored unless critical), so that the other records of the set still count. Bytes that
  // are not printable ASCII are escaped, keeping the tag text (it is stored and shown as text)
  // and unequal to every known tag; the raw answer keeps the octets.
  if (!std::all_of(record.tag.begin(), record.tag.end(),
                   [](char c) { return absl::ascii_isprint(static_cast<unsigned char>(c)); })) {
    record.tag = absl::CHexEscape(record.tag);
  }
  record.value.assign(rdata.begin() + 2 + tag_length, rdata.end());
  return record;
}

std::string EncodeCaaRdata(const CaaRecord& record) {
  std::string out;
  out.reserve(2 + record.tag.size() + record.value.size());
  out.push_back(static_cast<char>(record.flags));
  out.push_back(static_cast<char>(record.tag.size()));
  out += record.tag;
  out += record.value;
  return out;
}

bool TagIs(absl::string_view tag, absl::string_view wanted) {
  return absl::EqualsIgnoreCase(tag, wanted);
}

}  // namespace caawatch::caa
