// Fuzzes what `caawatch evidence verify` reads from a bundle, which anyone may have written:
// the first input byte picks the parser (entry, proof, head, log keys, finding, CAA index, DNS
// answer), the rest is the file. A DNS answer is checked against the first observation of a
// fixed index, as the verifier checks each one. Any crash or sanitizer report is a bug.
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "evidence/bundle_files.h"
#include "evidence/caa_files.h"
#include "evidence/finding_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const absl::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  namespace ev = caawatch::evidence;
  switch (data[0] % 7) {
    case 0:
      (void)ev::ParseEntryJson(text);
      break;
    case 1:
      (void)ev::ParseProofJson(text);
      break;
    case 2:
      (void)ev::ParseHeadJson(text);
      break;
    case 3:
      (void)ev::ParseLogKeysJson(text);
      break;
    case 4:
      (void)ev::ParseFindingJson(text);
      break;
    case 5:
      (void)ev::ParseCaaIndexJson(text);
      break;
    default: {
      ev::CaaIndexEntry entry;
      entry.name = "www.example.com";
      entry.outcome = "noerror";
      entry.records.push_back(ev::CaaIndexRecord{0, "issue", "letsencrypt.org"});
      (void)ev::CheckDnsAnswer(text, entry);
      break;
    }
  }
  return 0;
}
