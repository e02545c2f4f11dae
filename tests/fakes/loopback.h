// Sockets on 127.0.0.1 for the test servers (the HTTP server, nginx, the DNS fault proxy, the
// NOTIFY inbox and the faulty zone-transfer path): one way to bind, listen and learn the port.
#ifndef CAAWATCH_TESTS_FAKES_LOOPBACK_H_
#define CAAWATCH_TESTS_FAKES_LOOPBACK_H_

#include <netinet/in.h>

#include <cstdint>

#include "absl/status/statusor.h"

namespace caawatch::fakes {

// 127.0.0.1:`port`.
sockaddr_in LoopbackAddress(uint16_t port);

// A bound socket (close-on-exec) and its port. The caller owns the descriptors.
struct LoopbackListener {
  int fd = -1;
  uint16_t port = 0;
};
// A TCP socket listening on 127.0.0.1:`port` (0: a free port), SO_REUSEADDR set.
// kUnavailable, saying why, when the socket cannot be made, bound or listened on.
absl::StatusOr<LoopbackListener> ListenOnLoopback(uint16_t port = 0, int backlog = 16);

// A UDP socket and a listening TCP socket on one free port of 127.0.0.1, as a DNS server
// answers on both. A port free for UDP but taken for TCP is given up and another tried (20
// tries); kUnavailable after that.
struct LoopbackUdpAndTcp {
  int udp = -1;
  int tcp = -1;
  uint16_t port = 0;
};
absl::StatusOr<LoopbackUdpAndTcp> BindUdpAndTcpOnLoopback(int backlog = 16);

}  // namespace caawatch::fakes

#endif  // CAAWATCH_TESTS_FAKES_LOOPBACK_H_
