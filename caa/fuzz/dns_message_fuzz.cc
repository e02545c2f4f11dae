// Fuzzes what a DNS server sends: the input is a response packet for ParseDnsMessage, and the
// RDATA of every CAA record in it (or, when it does not parse, the whole input) goes through
// ParseCaaRdata and, for issue/issuewild values, ParseIssueValue. Any crash or sanitizer
// report is a bug.
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "caa/caa_record.h"
#include "caa/dns_message.h"
#include "caa/issue_value.h"

namespace {

void ParseCaa(absl::string_view rdata) {
  auto record = caawatch::caa::ParseCaaRdata(
      absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(rdata.data()), rdata.size()));
  if (!record.ok()) return;
  const std::string tag = absl::AsciiStrToLower(record->tag);
  if (tag == "issue" || tag == "issuewild") {
    (void)caawatch::caa::ParseIssueValue(record->value);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view packet(reinterpret_cast<const char*>(data), size);
  auto message = caawatch::caa::ParseDnsMessage(packet);
  if (!message.ok()) {
    ParseCaa(packet);
    return 0;
  }
  for (const auto* section : {&message->answers, &message->authorities}) {
    for (const caawatch::caa::DnsResourceRecord& rr : *section) {
      if (rr.type == caawatch::caa::kDnsTypeCaa) ParseCaa(rr.rdata);
    }
  }
  return 0;
}
