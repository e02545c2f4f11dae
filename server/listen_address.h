// The gRPC listen address as the world sees it once bound: with the port the kernel chose for
// ":0", and, when it cannot be bound, why (another process listens there, a privileged port).
#ifndef CAAWATCH_SERVER_LISTEN_ADDRESS_H_
#define CAAWATCH_SERVER_LISTEN_ADDRESS_H_

#include <string>

#include "absl/strings/string_view.h"

namespace caawatch::server {

// `listen` ("host:port", "[v6]:port", "unix:PATH") with its port replaced by `port`, the bound
// one; unix: addresses as they are.
std::string BoundAddress(absl::string_view listen, int port);

// Why `listen` cannot be bound, from a bind of our own with the options gRPC uses (address
// reuse for TIME_WAIT, no port sharing): "the address is in use by another process", "binding
// port N needs privileges", the errno text; "" when the bind succeeds or the address is not
// host:port.
std::string WhyNotBindable(absl::string_view listen);

}  // namespace caawatch::server

#endif  // CAAWATCH_SERVER_LISTEN_ADDRESS_H_
