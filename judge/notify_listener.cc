#include "judge/notify_listener.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/quoted_input.h"
#include "caa/zone_notify.h"

namespace caawatch::judge {
namespace {

// Parses "IPv4:PORT" or "[IPv6]:PORT" into `addr`.
bool ParseAddress(const std::string& address, sockaddr_storage* addr, socklen_t* len) {
  std::string host, port;
  if (!address.empty() && address.front() == '[') {
    const size_t end = address.find("]:");
    if (end == std::string::npos) return false;
    host = address.substr(1, end - 1);
    port = address.substr(end + 2);
  } else {
    const size_t colon = address.rfind(':');
    if (colon == std::string::npos) return false;
    host = address.substr(0, colon);
    port = address.substr(colon + 1);
  }
  uint32_t p = 0;
  if (!absl::SimpleAtoi(port, &p) || p > 65535) return false;
  std::memset(addr, 0, sizeof(*addr));
  auto* v4 = reinterpret_cast<sockaddr_in*>(addr);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(addr);
  if (inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(static_cast<uint16_t>(p));
    *len = sizeof(sockaddr_in);
    return true;
  }
  if (inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(static_cast<uint16_t>(p));
    *len = sizeof(sockaddr_in6);
    return true;
  }
  return false;
}

// The address text and port of `addr`.
std::string HostText(const sockaddr_storage& addr, int* port) {
  char buf[INET6_ADDRSTRLEN] = {};
  if (addr.ss_family == AF_INET6) {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(&addr);
    inet_ntop(AF_INET6, &v6->sin6_addr, buf, sizeof(buf));
    *port = ntohs(v6->sin6_port);
  } else {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(&addr);
    inet_ntop(AF_INET, &v4->sin_addr, buf, sizeof(buf));
    *port = ntohs(v4->sin_port);
  }
  return buf;
}

}  // namespace

absl::StatusOr<std::unique_ptr<NotifyListener>> NotifyListener::Start(const std::string& address,
                                                                      ZoneFollowers* followers,
                                                                      const Logger* logger) {
  sockaddr_storage addr;
  socklen_t len = 0;
  if (!ParseAddress(address, &addr, &len)) {
    return absl::InvalidArgumentError(
        absl::StrCat("notify_listen: ", QuoteInput(address), " is not IPv4:PORT or [IPv6]:PORT"));
  }
  // Port 0: the port the UDP socket got must be free for TCP too; a few tries.
  int fd = -1, tcp = -1;
  std::string error;
  for (int attempt = 0; attempt < 20 && tcp < 0; ++attempt) {
    if (fd >= 0) close(fd);
    fd = socket(addr.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_storage bound = addr;
    socklen_t bound_len = len;
    if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&bound), bound_len) != 0 ||
        getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &bound_len) != 0) {
      error = strerror(errno);
      break;
    }
    tcp = socket(addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    const int one = 1;
    if (tcp >= 0) setsockopt(tcp, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (tcp < 0 || bind(tcp, reinterpret_cast<sockaddr*>(&bound), bound_len) != 0 ||
        listen(tcp, 16) != 0) {
      error = strerror(errno);
      if (tcp >= 0) close(tcp);
      tcp = -1;
      int port = 0;
      HostText(addr, &port);
      if (port != 0) break;  // A fixed port: trying again finds it no freer.
    }
  }
  if (tcp < 0) {
    if (fd >= 0) close(fd);
    return absl::UnavailableError(
        absl::StrCat("notify_listen: cannot bind ", QuoteInput(address), ": ", error));
  }
  sockaddr_storage bound;
  socklen_t bound_len = sizeof(bound);
  getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &bound_len);
  int port = 0;
  const std::string host = HostText(bound, &port);
  const std::string text = bound.ss_family == AF_INET6 ? absl::StrCat("[", host, "]:", port)
                                                       : absl::StrCat(host, ":", port);
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) {
    close(fd);
    close(tcp);
    return absl::UnavailableError(absl::StrCat("notify_listen: pipe: ", strerror(errno)));
  }
  return std::unique_ptr<NotifyListener>(
      new NotifyListener(fd, tcp, pipe_fds[0], pipe_fds[1], text, followers, logger));
}

NotifyListener::NotifyListener(int fd, int tcp_fd, int wake_read, int wake_write,
                               std::string address, ZoneFollowers* followers, const Logger* logger)
    : fd_(fd),
      tcp_fd_(tcp_fd),
      wake_read_(wake_read),
      wake_write_(wake_write),
      address_(std::move(address)),
      followers_(followers),
      logger_(logger) {
  thread_ = std::thread([this] { Serve(); });
}

NotifyListener::~NotifyListener() {
  const char b = 0;
  while (write(wake_write_, &b, 1) < 0 && errno == EINTR) {
  }
  thread_.join();
  close(fd_);
  close(tcp_fd_);
  close(wake_read_);
  close(wake_write_);
}

std::vector<uint8_t> NotifyListener::Handle(absl::Span<const uint8_t> message,
                                            const std::string& source, int port,
                                            const std::vector<caa::NotifySource>& sources) {
  caa::NotifyOutcome outcome = caa::AnswerNotify(message, source, sources);
  if (outcome.status.ok()) {
    logger_->Log(LogLevel::kInfo, "notify",
                 absl::StrCat("NOTIFY for ", outcome.zone, " from ", source,
                              outcome.serial ? absl::StrCat(" (serial ", *outcome.serial, ")")
                                             : std::string(),
                              ": refreshing"));
    followers_->Notified(outcome.zone, outcome.serial);
    ++accepted_;
  } else {
    ++refused_;
    logger_->Log(LogLevel::kWarning, "notify",
                 absl::StrCat("refused a message from ", source, " port ", port, ": ",
                              outcome.status.message()));
  }
  return std::move(outcome.reply);
}

void NotifyListener::ServeTcp(const std::vector<caa::NotifySource>& sources,
                              std::vector<uint8_t>* buffer) {
  sockaddr_storage from;
  socklen_t from_len = sizeof(from);
  const int conn = accept4(tcp_fd_, reinterpret_cast<sockaddr*>(&from), &from_len, SOCK_CLOEXEC);
  if (conn < 0) return;
  // One message, 2 s to send it: a silent peer cannot hold the listener.
  const timeval timeout{2, 0};
  setsockopt(conn, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  setsockopt(conn, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout));
  int port = 0;
  const std::string source = HostText(from, &port);
  uint8_t prefix[2];
  if (recv(conn, prefix, 2, MSG_WAITALL) == 2) {
    const size_t size = (size_t{prefix[0]} << 8) | prefix[1];
    if (recv(conn, buffer->data(), size, MSG_WAITALL) == static_cast<ssize_t>(size)) {
      const std::vector<uint8_t> reply =
          Handle(absl::MakeConstSpan(buffer->data(), size), source, port, sources);
      if (!reply.empty() && reply.size() <= 0xffff) {
        std::vector<uint8_t> framed = {static_cast<uint8_t>(reply.size() >> 8),
                                       static_cast<uint8_t>(reply.size() & 0xff)};
        framed.insert(framed.end(), reply.begin(), reply.end());
        send(conn, framed.data(), framed.size(), MSG_NOSIGNAL);
      }
    } else {
      logger_->Log(LogLevel::kWarning, "notify",
                   absl::StrCat("refused a TCP message from ", source, " port ", port,
                                ": cut short or not sent within 2 s"));
      ++refused_;
    }
  }
  close(conn);
}

void NotifyListener::Serve() {
  const std::vector<caa::NotifySource> sources = followers_->NotifySources();
  std::vector<uint8_t> buffer(65536);
  while (true) {
    pollfd fds[3] = {{fd_, POLLIN, 0}, {tcp_fd_, POLLIN, 0}, {wake_read_, POLLIN, 0}};
    if (poll(fds, 3, -1) < 0) {
      if (errno == EINTR) continue;
      logger_->Log(LogLevel::kError, "notify", absl::StrCat("poll: ", strerror(errno)));
      return;
    }
    if (fds[2].revents != 0) return;
    if ((fds[1].revents & POLLIN) != 0) ServeTcp(sources, &buffer);
    if ((fds[0].revents & POLLIN) == 0) continue;
    sockaddr_storage from;
    socklen_t from_len = sizeof(from);
    const ssize_t n = recvfrom(fd_, buffer.data(), buffer.size(), MSG_DONTWAIT,
                               reinterpret_cast<sockaddr*>(&from), &from_len);
    if (n < 0) continue;
    int port = 0;
    const std::string source = HostText(from, &port);
    const std::vector<uint8_t> reply =
        Handle(absl::MakeConstSpan(buffer.data(), static_cast<size_t>(n)), source, port, sources);
    if (!reply.empty()) {
      sendto(fd_, reply.data(), reply.size(), MSG_DONTWAIT, reinterpret_cast<sockaddr*>(&from),
             from_len);
    }
  }
}

}  // namespace caawatch::judge
