#include "tests/fakes/http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "base/status_macros.h"
#include "tests/fakes/loopback.h"

namespace caawatch::fakes {
namespace {

constexpr size_t kMaxHeaderBytes = 64 * 1024;

const char* Reason(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 400:
      return "Bad Request";
    case 404:
      return "Not Found";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    default:
      return "Status";
  }
}

bool SendAll(int fd, const std::string& data) {
  size_t sent = 0;
  while (sent < data.size()) {
    const ssize_t n = send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return true;
}

// Parses "GET /path?a=1&b=2 HTTP/1.1"; false if malformed.
bool ParseRequestLine(absl::string_view line, HttpRequest* request, bool* http10) {
  std::vector<absl::string_view> parts = absl::StrSplit(line, ' ');
  if (parts.size() != 3 || !absl::StartsWith(parts[2], "HTTP/1.")) return false;
  *http10 = parts[2] == "HTTP/1.0";
  request->method = std::string(parts[0]);
  const size_t q = parts[1].find('?');
  request->path = std::string(parts[1].substr(0, q));
  if (q == absl::string_view::npos) return true;
  for (absl::string_view pair : absl::StrSplit(parts[1].substr(q + 1), '&', absl::SkipEmpty())) {
    std::pair<std::string, std::string> kv = absl::StrSplit(pair, absl::MaxSplits('=', 1));
    request->query[kv.first] = kv.second;
  }
  return true;
}

}  // namespace

absl::StatusOr<std::unique_ptr<HttpServer>> HttpServer::Start(Handler handler, uint16_t port) {
  CAAWATCH_ASSIGN_OR_RETURN(const LoopbackListener listener, ListenOnLoopback(port, 64));
  std::unique_ptr<HttpServer> server(
      new HttpServer(std::move(handler), listener.fd, listener.port));
  server->acceptor_ = std::thread(&HttpServer::AcceptLoop, server.get());
  return server;
}

HttpServer::HttpServer(Handler handler, int listen_fd, uint16_t port)
    : handler_(std::move(handler)), listen_fd_(listen_fd), port_(port) {}

HttpServer::~HttpServer() {
  Stop();
  close(listen_fd_);
}

void HttpServer::Stop() {
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) return;
    stopping_ = true;
    shutdown(listen_fd_, SHUT_RDWR);  // Wakes accept().
    for (Connection& c : connections_) {
      if (c.fd >= 0) shutdown(c.fd, SHUT_RDWR);  // Wakes recv().
    }
  }
  acceptor_.join();
  std::list<Connection> connections;
  {
    absl::MutexLock lock(&mu_);
    connections.swap(connections_);
  }
  for (Connection& c : connections) c.thread.join();
}

void HttpServer::AcceptLoop() {
  while (true) {
    const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0 && errno == EINTR) continue;
    if (fd < 0) return;  // Stop() shut the listener down.
    ReapFinished();
    absl::MutexLock lock(&mu_);
    if (stopping_) {
      close(fd);
      return;
    }
    ++accepted_;
    Connection& c = connections_.emplace_back();
    c.fd = fd;
    c.thread = std::thread(&HttpServer::Serve, this, &c);
  }
}

uint64_t HttpServer::connections_accepted() const {
  absl::MutexLock lock(&mu_);
  return accepted_;
}

void HttpServer::ReapFinished() {
  std::list<Connection> finished;
  {
    absl::MutexLock lock(&mu_);
    for (auto it = connections_.begin(); it != connections_.end();) {
      auto next = std::next(it);
      if (it->done) finished.splice(finished.end(), connections_, it);
      it = next;
    }
  }
  for (Connection& c : finished) c.thread.join();
}

void HttpServer::Serve(Connection* connection) {
  int fd;
  {
    absl::MutexLock lock(&mu_);
    fd = connection->fd;
  }
  std::string buffer;
  while (ServeOne(fd, &buffer)) {
  }
  absl::MutexLock lock(&mu_);
  close(connection->fd);
  connection->fd = -1;
  connection->done = true;
}

bool HttpServer::ServeOne(int fd, std::string* buffer) {
  size_t end;
  while ((end = buffer->find("\r\n\r\n")) == std::string::npos) {
    if (buffer->size() > kMaxHeaderBytes) return false;
    char chunk[4096];
    const ssize_t n = recv(fd, chunk, sizeof(chunk), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    buffer->append(chunk, static_cast<size_t>(n));
  }
  const std::string head = buffer->substr(0, end);
  buffer->erase(0, end + 4);  // GET requests carry no body.
  std::vector<absl::string_view> lines = absl::StrSplit(head, "\r\n");
  HttpRequest request;
  bool http10 = false;
  if (!ParseRequestLine(lines[0], &request, &http10)) return false;
  bool keep_alive = !http10;
  for (size_t i = 1; i < lines.size(); ++i) {
    const size_t colon = lines[i].find(':');
    if (colon == absl::string_view::npos) continue;
    const std::string name = absl::AsciiStrToLower(lines[i].substr(0, colon));
    const std::string value(absl::StripAsciiWhitespace(lines[i].substr(colon + 1)));
    if (name == "connection" && absl::StrContains(absl::AsciiStrToLower(value), "close")) {
      keep_alive = false;
    }
    request.headers[name] = value;
  }
  HttpReply reply = handler_(request);
  if (reply.delay > absl::ZeroDuration()) {
    absl::MutexLock lock(&mu_);
    mu_.AwaitWithTimeout(absl::Condition(&stopping_), reply.delay);
    if (stopping_) return false;
  }
  std::string out = absl::StrCat("HTTP/1.1 ", reply.status, " ", Reason(reply.status),
                                 "\r\nContent-Type: ", reply.content_type,
                                 "\r\nContent-Length: ", reply.body.size(), "\r\n");
  for (const auto& [name, value] : reply.headers) absl::StrAppend(&out, name, ": ", value, "\r\n");
  absl::StrAppend(&out, keep_alive ? "" : "Connection: close\r\n", "\r\n", reply.body);
  return SendAll(fd, out) && keep_alive;
}

}  // namespace caawatch::fakes
