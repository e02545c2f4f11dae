#include "tests/fakes/dns/dns_fault_proxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>

#include "absl/memory/memory.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "tests/fakes/loopback.h"

namespace caawatch::fakes {
namespace {

constexpr int kUpstreamTimeoutMs = 2000;
constexpr uint16_t kFlagQr = 0x8000, kFlagTc = 0x0200, kFlagRa = 0x0080, kRdOpcode = 0x7900;

std::string Normalize(absl::string_view name) {
  absl::ConsumeSuffix(&name, ".");
  return absl::AsciiStrToLower(name);
}

// The query name and the end of the question section (RFC 1035 §4.1.2); nullopt if malformed.
std::optional<std::pair<std::string, size_t>> ReadQuestion(const std::string& p) {
  if (p.size() < 12) return std::nullopt;
  std::string name;
  size_t i = 12;
  while (i < p.size()) {
    const uint8_t len = static_cast<uint8_t>(p[i]);
    if (len == 0) break;
    if (len > 63 || i + 1 + len > p.size()) return std::nullopt;  // Pointers do not occur here.
    if (!name.empty()) name += '.';
    name += p.substr(i + 1, len);
    i += 1 + len;
  }
  if (i + 5 > p.size()) return std::nullopt;
  return std::make_pair(Normalize(name), i + 5);
}

// A response carrying only the question: SERVFAIL, or an empty truncated NOERROR.
std::string Reply(const std::string& query, size_t question_end, uint16_t extra_flags, int rcode) {
  std::string r = query.substr(0, question_end);
  const uint16_t query_flags =
      static_cast<uint16_t>((static_cast<uint8_t>(query[2]) << 8) | static_cast<uint8_t>(query[3]));
  const uint16_t flags =
      kFlagQr | kFlagRa | (query_flags & kRdOpcode) | extra_flags | static_cast<uint16_t>(rcode);
  r[2] = static_cast<char>(flags >> 8);
  r[3] = static_cast<char>(flags & 0xff);
  r.replace(4, 8, std::string("\0\1\0\0\0\0\0\0", 8));  // QD 1, AN/NS/AR 0.
  return r;
}

bool WaitReadable(int fd, int timeout_ms) {
  pollfd p{fd, POLLIN, 0};
  return poll(&p, 1, timeout_ms) > 0;
}

bool ReadFully(int fd, char* out, size_t n) {
  while (n > 0) {
    if (!WaitReadable(fd, kUpstreamTimeoutMs)) return false;
    const ssize_t got = read(fd, out, n);
    if (got <= 0) return false;
    out += got;
    n -= static_cast<size_t>(got);
  }
  return true;
}

bool WriteFully(int fd, const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t put = write(fd, data.data() + done, data.size() - done);
    if (put <= 0) return false;
    done += static_cast<size_t>(put);
  }
  return true;
}

std::string WithLength(const std::string& message) {
  return std::string{static_cast<char>(message.size() >> 8),
                     static_cast<char>(message.size() & 0xff)} +
         message;
}

std::optional<std::string> ReadTcpMessage(int fd) {
  char len[2];
  if (!ReadFully(fd, len, 2)) return std::nullopt;
  std::string message((static_cast<uint8_t>(len[0]) << 8) | static_cast<uint8_t>(len[1]), '\0');
  if (!ReadFully(fd, message.data(), message.size())) return std::nullopt;
  return message;
}

std::optional<std::string> ForwardUdp(int upstream_port, const std::string& query) {
  const int fd = socket(AF_INET, SOCK_DGRAM, 0);
  if (fd < 0) return std::nullopt;
  const sockaddr_in up = LoopbackAddress(static_cast<uint16_t>(upstream_port));
  std::optional<std::string> reply;
  if (connect(fd, reinterpret_cast<const sockaddr*>(&up), sizeof(up)) == 0 &&
      send(fd, query.data(), query.size(), 0) == static_cast<ssize_t>(query.size()) &&
      WaitReadable(fd, kUpstreamTimeoutMs)) {
    std::string buf(65535, '\0');
    const ssize_t got = recv(fd, buf.data(), buf.size(), 0);
    if (got > 0) reply = buf.substr(0, static_cast<size_t>(got));
  }
  close(fd);
  return reply;
}

std::optional<std::string> ForwardTcp(int upstream_port, const std::string& query) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return std::nullopt;
  const sockaddr_in up = LoopbackAddress(static_cast<uint16_t>(upstream_port));
  std::optional<std::string> reply;
  if (connect(fd, reinterpret_cast<const sockaddr*>(&up), sizeof(up)) == 0 &&
      WriteFully(fd, WithLength(query))) {
    reply = ReadTcpMessage(fd);
  }
  close(fd);
  return reply;
}

}  // namespace

absl::StatusOr<std::unique_ptr<DnsFaultProxy>> DnsFaultProxy::Start(int upstream_port) {
  absl::StatusOr<LoopbackUdpAndTcp> sockets = BindUdpAndTcpOnLoopback();
  if (!sockets.ok()) return absl::InternalError(sockets.status().message());
  int wake[2];
  if (pipe(wake) != 0) {
    close(sockets->udp);
    close(sockets->tcp);
    return absl::InternalError(absl::StrCat("pipe: ", std::strerror(errno)));
  }
  auto proxy = absl::WrapUnique(new DnsFaultProxy(sockets->udp, sockets->tcp, sockets->port,
                                                  upstream_port, wake[0], wake[1]));
  proxy->thread_ = std::thread([p = proxy.get()] { p->Serve(); });
  return proxy;
}

DnsFaultProxy::DnsFaultProxy(int udp, int tcp, int port, int upstream_port, int wake_read,
                             int wake_write)
    : udp_(udp),
      tcp_(tcp),
      port_(port),
      upstream_port_(upstream_port),
      wake_read_(wake_read),
      wake_write_(wake_write) {}

DnsFaultProxy::~DnsFaultProxy() {
  const char stop = 'x';
  if (write(wake_write_, &stop, 1) != 1) {
    // The pipe cannot be full or closed here; nothing else to do.
  }
  thread_.join();
  for (int fd : {udp_, tcp_, wake_read_, wake_write_}) close(fd);
}

std::string DnsFaultProxy::address() const { return absl::StrCat("127.0.0.1:", port_); }

void DnsFaultProxy::SetFault(const std::string& qname, DnsFault fault) {
  absl::MutexLock lock(&mu_);
  faults_[Normalize(qname)] = fault;
}

void DnsFaultProxy::ClearFaults() {
  absl::MutexLock lock(&mu_);
  faults_.clear();
}

DnsQueryCount DnsFaultProxy::Queries(const std::string& qname) const {
  absl::MutexLock lock(&mu_);
  auto it = counts_.find(Normalize(qname));
  return it == counts_.end() ? DnsQueryCount{} : it->second;
}

bool DnsFaultProxy::FaultFor(const std::string& packet, bool tcp, DnsFault* fault) {
  const auto question = ReadQuestion(packet);
  if (!question) return false;
  absl::MutexLock lock(&mu_);
  DnsQueryCount& count = counts_[question->first];
  ++(tcp ? count.tcp : count.udp);
  auto it = faults_.find(question->first);
  if (it == faults_.end()) return false;
  *fault = it->second;
  return true;
}

void DnsFaultProxy::Serve() {
  while (true) {
    pollfd fds[3] = {{udp_, POLLIN, 0}, {tcp_, POLLIN, 0}, {wake_read_, POLLIN, 0}};
    if (poll(fds, 3, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (fds[2].revents != 0) return;
    if (fds[0].revents & POLLIN) HandleUdp();
    if (fds[1].revents & POLLIN) {
      const int conn = accept(tcp_, nullptr, nullptr);
      if (conn >= 0) {
        HandleTcpConnection(conn);
        close(conn);
      }
    }
  }
}

void DnsFaultProxy::HandleUdp() {
  std::string packet(65535, '\0');
  sockaddr_in from{};
  socklen_t from_len = sizeof(from);
  const ssize_t got = recvfrom(udp_, packet.data(), packet.size(), 0,
                               reinterpret_cast<sockaddr*>(&from), &from_len);
  if (got <= 0) return;
  packet.resize(static_cast<size_t>(got));
  DnsFault fault;
  std::optional<std::string> reply;
  if (FaultFor(packet, /*tcp=*/false, &fault)) {
    const size_t question_end = ReadQuestion(packet)->second;
    if (fault == DnsFault::kDrop) return;
    reply = fault == DnsFault::kServFail ? Reply(packet, question_end, 0, 2)
                                         : Reply(packet, question_end, kFlagTc, 0);
  } else {
    reply = ForwardUdp(upstream_port_, packet);
  }
  if (reply) {
    sendto(udp_, reply->data(), reply->size(), 0, reinterpret_cast<sockaddr*>(&from), from_len);
  }
}

void DnsFaultProxy::HandleTcpConnection(int fd) {
  while (std::optional<std::string> query = ReadTcpMessage(fd)) {
    DnsFault fault;
    std::optional<std::string> reply;
    if (FaultFor(*query, /*tcp=*/true, &fault) && fault != DnsFault::kTruncate) {
      if (fault == DnsFault::kDrop) return;  // Closed unanswered.
      reply = Reply(*query, ReadQuestion(*query)->second, 0, 2);
    } else {
      reply = ForwardTcp(upstream_port_, *query);
    }
    if (!reply || !WriteFully(fd, WithLength(*reply))) return;
  }
}

}  // namespace caawatch::fakes
