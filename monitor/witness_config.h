// The witness configuration keys (issue 21, SPEC §9): `witnesses` (each witness's cosigner vkey
// and, optionally, the monitoring prefix where it serves the checkpoints it cosigned),
// `witness_quorum` (per log, how many of them must cosign a head before it counts as verified)
// and the policy each log's worker gets from them.
#ifndef CAAWATCH_MONITOR_WITNESS_CONFIG_H_
#define CAAWATCH_MONITOR_WITNESS_CONFIG_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "ctlog/log_types.h"
#include "ctlog/witness_policy.h"
#include "nlohmann/json.hpp"

namespace caawatch::monitor {

// Reads `witnesses`: an array of {"vkey": "<name>+<key ID>+<base64>", "url": "https://..."}
// ("url" optional). kInvalidArgument naming the entry and the key: an unknown key, a vkey that
// is not an Ed25519 cosigner key (ctlog::ParseCosignerVkey), a URL that is not http(s), a
// witness (name or key) listed twice, more than kMaxWitnesses.
inline constexpr size_t kMaxWitnesses = 32;  // tlog-policy: implementations support 32.
[[nodiscard]] absl::Status ReadWitnesses(const nlohmann::json& value,
                                         std::vector<ctlog::Witness>* out);

// Reads `witness_quorum`: an object from a log (its URL, its description or its checkpoint
// origin, exactly) to the number of configured witnesses that must cosign its heads (1 or more).
[[nodiscard]] absl::Status ReadWitnessQuorum(const nlohmann::json& value,
                                             std::map<std::string, uint32_t>* out);

// kInvalidArgument when a quorum asks for more witnesses than are configured.
[[nodiscard]] absl::Status CheckWitnessQuorum(const std::vector<ctlog::Witness>& witnesses,
                                              const std::map<std::string, uint32_t>& quorum);

// The policy for `log`: every configured witness, and the quorum configured for the log (its
// URL with or without the final '/', its description or its checkpoint origin), else 0.
ctlog::WitnessPolicy WitnessPolicyFor(const std::vector<ctlog::Witness>& witnesses,
                                      const std::map<std::string, uint32_t>& quorum,
                                      const ctlog::LogInfo& log);

// An RFC 6962 log's tree heads (STHs) carry no cosignatures, so a quorum on one could never be
// met and the log would wait forever. Drops such a quorum from `policy` (the witnesses are still
// asked for their view: split views) and returns why, for an ERROR line naming the log; "" when
// the policy stands. Checked per log because a quorum may name a log only the log list knows.
std::string DropUnmeetableQuorum(const ctlog::LogInfo& log, ctlog::WitnessPolicy* policy);

}  // namespace caawatch::monitor

#endif  // CAAWATCH_MONITOR_WITNESS_CONFIG_H_
