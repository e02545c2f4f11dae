// What caawatch does with the records of a zone transfer, on arbitrary records as a primary
// (or anyone on the path of an unsigned transfer) sends them: the followed copy (built,
// advanced by a difference sequence, listed) and the DNSSEC checks, which read RRSIG and
// DNSKEY RDATA themselves (caa/zone_signatures.h). A result for every input, never a crash.
// Input: records as [type selector][RDATA length][RDATA], all at the apex or one name below.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "caa/followed_zone.h"
#include "caa/zone_signatures.h"
#include "caa/zone_transfer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using caawatch::caa::ZoneRecord;
  constexpr uint16_t kTypes[] = {48, 46, 257, 5, 39, 6};  // DNSKEY RRSIG CAA CNAME DNAME SOA
  std::vector<ZoneRecord> records;
  for (size_t pos = 0; pos + 2 <= size && records.size() < 64;) {
    const uint8_t selector = data[pos];
    const size_t len = std::min<size_t>(data[pos + 1], size - pos - 2);
    ZoneRecord r;
    r.owner = (selector & 0x80) != 0 ? "www.example.test" : "example.test";
    r.type = kTypes[(selector & 0x7f) % 6];
    r.ttl = 300;
    r.rdata.assign(data + pos + 2, data + pos + 2 + len);
    records.push_back(std::move(r));
    pos += 2 + len;
  }
  const absl::Time now = absl::FromUnixSeconds(1'800'000'000);

  caawatch::caa::FollowedZone zone("example.test", {1, records});
  (void)zone.Rrsets();
  (void)zone.Records();
  // A difference sequence that removes the first half and adds the second half again.
  caawatch::caa::ZoneChange change{1, 2, {}, {}};
  for (size_t i = 0; i < records.size(); ++i) {
    (i < records.size() / 2 ? change.removed : change.added).push_back(records[i]);
  }
  (void)zone.Apply(change);

  std::vector<caawatch::caa::DsRecord> ds;
  if (size >= 4) ds.push_back({static_cast<uint16_t>(data[0] << 8 | data[1]), data[2], 2, {}});
  (void)caawatch::caa::TrustedDnskeys("example.test", records, ds, now);
  std::vector<ZoneRecord> keys;
  for (const ZoneRecord& r : records) {
    if (r.type == 48) keys.push_back(r);
  }
  for (const uint16_t type : {uint16_t{257}, uint16_t{5}, uint16_t{48}}) {
    (void)caawatch::caa::CheckRrset("example.test", type, records, keys, now);
    (void)caawatch::caa::CheckRrset("www.example.test", type, records, keys, now);
  }
  return 0;
}
