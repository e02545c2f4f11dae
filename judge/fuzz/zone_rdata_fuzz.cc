// The RDATA readers of the zone follower (judge/zone_rdata.h) and the CAA RDATA parser on
// arbitrary bytes, as a primary (or anyone on the path of an unsigned transfer) sends them: a
// value or a refusal for every input, never a crash or a read past the RDATA.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "caa/caa_record.h"
#include "caa/zone_transfer.h"
#include "judge/zone_rdata.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::vector<uint8_t> rdata(data, data + size);
  // An alias target: a name that fills the RDATA exactly, printable, lowercase, no final dot.
  if (const std::optional<std::string> name = caawatch::judge::WireNameText(rdata)) {
    for (const char c : *name) {
      if (c < 0x21 || c > 0x7e || (c >= 'A' && c <= 'Z')) __builtin_trap();
    }
    if (!name->empty() && name->back() == '.') __builtin_trap();
  }
  // The same bytes as the SOA of a transfer.
  caawatch::caa::ZoneSnapshot snapshot;
  snapshot.records.push_back({"example.test", 6, 300, rdata});
  (void)caawatch::judge::ParseSoaTimers(snapshot);
  // And as a CAA record's RDATA.
  (void)caawatch::caa::ParseCaaRdata(rdata);
  return 0;
}
