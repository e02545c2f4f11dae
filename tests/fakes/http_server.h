// A small threaded HTTP/1.1 server for tests: 127.0.0.1, port 0 by default, keep-alive, GET
// only, one thread per connection, every thread joined by Stop(). Never detaches.
#ifndef CAAWATCH_TESTS_FAKES_HTTP_SERVER_H_
#define CAAWATCH_TESTS_FAKES_HTTP_SERVER_H_

#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace caawatch::fakes {

struct HttpRequest {
  std::string method;
  std::string path;                            // Without the query string.
  std::map<std::string, std::string> query;    // Not percent-decoded.
  std::map<std::string, std::string> headers;  // Names lowercased; the last one wins.
};

struct HttpReply {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  absl::Duration delay = absl::ZeroDuration();  // Waited before answering; Stop() cuts it.
};

class HttpServer {
 public:
  // Called concurrently from connection threads.
  using Handler = std::function<HttpReply(const HttpRequest&)>;

  // Listens on 127.0.0.1:`port` (0 picks a free port). kUnavailable if the socket fails.
  static absl::StatusOr<std::unique_ptr<HttpServer>> Start(Handler handler, uint16_t port = 0);
  ~HttpServer();  // Stop().
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Closes the listener and every open connection, then joins all threads. Idempotent.
  void Stop();
  uint16_t port() const { return port_; }
  // TCP connections accepted so far (keep-alive clients reuse one).
  uint64_t connections_accepted() const;

 private:
  struct Connection {
    int fd = -1;  // Guarded by mu_; -1 once the serving thread closed it.
    bool done = false;
    std::thread thread;
  };
  HttpServer(Handler handler, int listen_fd, uint16_t port);
  void AcceptLoop();
  void Serve(Connection* connection);
  // Handles one request from `buffer`; false when the connection should close.
  bool ServeOne(int fd, std::string* buffer);
  void ReapFinished();

  const Handler handler_;
  const int listen_fd_;
  const uint16_t port_;
  std::thread acceptor_;

  mutable absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::list<Connection> connections_ ABSL_GUARDED_BY(mu_);
  uint64_t accepted_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace caawatch::fakes

#endif  // CAAWATCH_TESTS_FAKES_HTTP_SERVER_H_
