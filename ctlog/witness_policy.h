// Which witnesses a log's checkpoints are checked against (SPEC §9): each witness's cosigner key
// (c2sp.org/tlog-cosignature) and, optionally, where it serves the checkpoints it cosigned
// (its monitoring prefix), and how many of them must cosign a head before it counts as verified
// (c2sp.org/tlog-policy's "group K" over the configured witnesses). Plain values.
#ifndef CAAWATCH_CTLOG_WITNESS_POLICY_H_
#define CAAWATCH_CTLOG_WITNESS_POLICY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "ctlog/cosignature.h"

namespace caawatch::ctlog {

struct Witness {
  Cosigner cosigner;           // Its name is the witness's name in cosignature lines.
  std::string vkey;            // As configured: "<name>+<key ID>+<base64 key>".
  std::string monitoring_url;  // "" = not asked for its checkpoints (no split-view check).
};

struct WitnessPolicy {
  std::vector<Witness> witnesses;
  // Valid cosignatures of distinct configured witnesses a head needs to count as verified; 0 =
  // none needed (cosignatures are still checked and recorded).
  uint32_t quorum = 0;

  bool empty() const { return witnesses.empty(); }
};

}  // namespace caawatch::ctlog

#endif  // CAAWATCH_CTLOG_WITNESS_POLICY_H_
