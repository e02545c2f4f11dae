// Where gossiped heads (SPEC §9) come from: a file, an http(s) URL of published `caawatch heads`,
// or grpc://HOST:PORT, another caawatch's ListHeads. The text returned is what `caawatch heads`
// prints, for CompareHeads.
#ifndef CAAWATCH_MONITOR_PEER_HEADS_H_
#define CAAWATCH_MONITOR_PEER_HEADS_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "monitor/config.h"

namespace caawatch::monitor {

inline constexpr absl::string_view kGrpcPeerScheme = "grpc://";

// Whether `source` names another caawatch's gRPC service (grpc://HOST:PORT).
bool IsGrpcPeer(absl::string_view source);

// The heads `source` serves, as `caawatch heads` prints them: a file is read, a URL fetched
// (ReadHeadsText), a gRPC peer asked with ListHeads (30 s deadline, at most kMaxHeadsTextBytes).
// The project's rule for remote gRPC: plaintext only to a loopback address; otherwise TLS with
// config.heads_peer_tls_ca's roots, and config.heads_peer_token_file's token as a bearer token
// (only over TLS). kInvalidArgument for a refused combination or an unreadable CA/token file,
// kUnavailable (or the peer's code) when the peer does not answer.
[[nodiscard]] absl::StatusOr<std::string> ReadPeerHeads(const std::string& source,
                                                        const MonitorConfig& config);

}  // namespace caawatch::monitor

#endif  // CAAWATCH_MONITOR_PEER_HEADS_H_
