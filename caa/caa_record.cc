#include "caa/caa_record.h"

#include <string>

#include "absl/strings/ascii.h"
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
  for (const char c : record.tag) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c))) {
      return absl::DataLossError("CAA RDATA: tag holds a character other than [A-Za-z0-9]");
    }
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
