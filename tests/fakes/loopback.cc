#include "tests/fakes/loopback.h"

#include <arpa/inet.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace caawatch::fakes {
namespace {

absl::Status Failed(const char* what) {
  return absl::UnavailableError(absl::StrCat(what, ": ", std::strerror(errno)));
}

// Binds `fd` to 127.0.0.1:`port` and returns the port it got; closes `fd` on failure.
absl::StatusOr<uint16_t> Bind(int fd, uint16_t port) {
  sockaddr_in addr = LoopbackAddress(port);
  socklen_t len = sizeof(addr);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    const absl::Status failed = Failed("bind");
    close(fd);
    return failed;
  }
  return ntohs(addr.sin_port);
}

}  // namespace

sockaddr_in LoopbackAddress(uint16_t port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  return addr;
}

absl::StatusOr<LoopbackListener> ListenOnLoopback(uint16_t port, int backlog) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Failed("socket");
  const int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  absl::StatusOr<uint16_t> bound = Bind(fd, port);
  if (!bound.ok()) return bound.status();
  if (listen(fd, backlog) != 0) {
    const absl::Status failed = Failed("listen");
    close(fd);
    return failed;
  }
  return LoopbackListener{fd, *bound};
}

absl::StatusOr<LoopbackUdpAndTcp> BindUdpAndTcpOnLoopback(int backlog) {
  for (int tries = 0; tries < 20; ++tries) {
    const int udp = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (udp < 0) return Failed("socket");
    absl::StatusOr<uint16_t> port = Bind(udp, 0);
    if (!port.ok()) return port.status();
    absl::StatusOr<LoopbackListener> tcp = ListenOnLoopback(*port, backlog);
    if (tcp.ok()) return LoopbackUdpAndTcp{udp, tcp->fd, *port};
    close(udp);  // The port is taken for TCP: try another.
  }
  return absl::UnavailableError("no port of 127.0.0.1 free for both UDP and TCP in 20 tries");
}

}  // namespace caawatch::fakes
