// Owning handles and names for libknot's C types, shared by the zone transfer client and the
// NOTIFY answerer. Internal to caa/: include only from its .cc files.
#ifndef CAAWATCH_CAA_KNOT_HANDLES_H_
#define CAAWATCH_CAA_KNOT_HANDLES_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "caa/zone_transfer.h"

// libknot's headers do not all declare C linkage themselves.
extern "C" {
#include <libknot/libknot.h>
}

namespace caawatch::caa::knot {

struct PktFree {
  void operator()(knot_pkt_t* p) const { knot_pkt_free(p); }
};
using UniquePkt = std::unique_ptr<knot_pkt_t, PktFree>;
struct DnameFree {
  void operator()(knot_dname_t* d) const { free(d); }
};
using UniqueDname = std::unique_ptr<knot_dname_t, DnameFree>;

// A knot_tsig_key_t that frees itself.
class Key {
 public:
  Key() = default;
  ~Key();
  Key(const Key&) = delete;
  Key& operator=(const Key&) = delete;
  // kInvalidArgument, naming the key and algorithm but never the secret, if libknot refuses it.
  absl::Status Init(const TsigKey& key);
  const knot_tsig_key_t* get() const { return &key_; }

 private:
  knot_tsig_key_t key_{};
  bool initialised_ = false;
};

std::string RcodeName(int rcode);
// A TSIG error: 16 is BADSIG there (BADVERS in EDNS).
std::string TsigErrorName(int error);
// The SERIAL of SOA RDATA in uncompressed wire form (names expanded, as libknot parses them),
// or nullopt when MNAME, RNAME and the five numbers do not all fit in `size` bytes: libknot
// accepts SOA RDATA of any length in places (knot_soa_serial would read past it).
std::optional<uint32_t> SoaSerial(const uint8_t* rdata, size_t size);
// "www.example.com" from a wire name: lowercase, no final dot.
std::string OwnerText(const knot_dname_t* name);

}  // namespace caawatch::caa::knot

#endif  // CAAWATCH_CAA_KNOT_HANDLES_H_
