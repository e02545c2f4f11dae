// What a client of the gRPC API on the command line shares with the server about addresses:
// which of them stay on this host, where plaintext (no TLS) is allowed at all.
#ifndef CAAWATCH_MONITOR_API_ADDRESS_H_
#define CAAWATCH_MONITOR_API_ADDRESS_H_

#include "absl/strings/string_view.h"

namespace caawatch::monitor {

// Whether `address` ("host:port", "[v6]:port", "unix:PATH") stays on this host: a loopback
// address (127.0.0.0/8, ::1, localhost) or a unix socket. The server's own rule for its listen
// address (server::IsLoopbackListenAddress), so that client and server refuse the same.
bool IsLoopbackAddress(absl::string_view address);

}  // namespace caawatch::monitor

#endif  // CAAWATCH_MONITOR_API_ADDRESS_H_
