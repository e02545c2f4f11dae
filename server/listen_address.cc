#include "server/listen_address.h"

#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace caawatch::server {
namespace {

// Host and port of "host:port" or "[v6]:port"; false for anything else.
bool SplitHostPort(absl::string_view listen, std::string* host, std::string* port) {
  const size_t colon = listen.rfind(':');
  if (absl::StartsWith(listen, "unix:") || colon == absl::string_view::npos) return false;
  absl::string_view h = listen.substr(0, colon);
  if (absl::StartsWith(h, "[") && absl::EndsWith(h, "]")) h = h.substr(1, h.size() - 2);
  *host = std::string(h);
  *port = std::string(listen.substr(colon + 1));
  return true;
}

}  // namespace

std::string BoundAddress(absl::string_view listen, int port) {
  const size_t colon = listen.rfind(':');
  if (absl::StartsWith(listen, "unix:") || colon == absl::string_view::npos) {
    return std::string(listen);
  }
  return absl::StrCat(listen.substr(0, colon + 1), port);
}

std::string WhyNotBindable(absl::string_view listen) {
  std::string host, port;
  if (!SplitHostPort(listen, &host, &port)) return "";
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* found = nullptr;
  if (const int rc =
          getaddrinfo(host.empty() ? nullptr : host.c_str(), port.c_str(), &hints, &found);
      rc != 0) {
    return absl::StrCat("the address does not resolve: ", gai_strerror(rc));
  }
  std::string why;
  for (const addrinfo* a = found; a != nullptr && why.empty(); a = a->ai_next) {
    const int fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    const int on = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);  // As gRPC: TIME_WAIT is no user.
    if (bind(fd, a->ai_addr, a->ai_addrlen) != 0) {
      why = errno == EADDRINUSE ? "the address is in use by another process"
            : errno == EACCES   ? absl::StrCat("binding port ", port, " needs privileges")
                                : strerror(errno);
    }
    close(fd);
  }
  freeaddrinfo(found);
  return why;
}

}  // namespace caawatch::server
