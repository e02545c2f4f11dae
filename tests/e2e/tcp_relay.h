// A TCP relay on 127.0.0.1 for end-to-end tests: a log reached through it "goes away" when the
// relay is destroyed (connections cut, the port refuses) and "comes back", serving the very same
// tree, when a new relay listens on the same port. A killed and restarted test log would not do:
// its entries (timestamps) would differ, which is log misbehaviour. Its sockets are
// close-on-exec: a child process that held the listening one would keep the port open.
#ifndef CAAWATCH_TESTS_E2E_TCP_RELAY_H_
#define CAAWATCH_TESTS_E2E_TCP_RELAY_H_

#include <atomic>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace caawatch::testing {

class TcpRelay {
 public:
  // Listens on `listen_port` and relays each connection to `target_port`; listening() says
  // whether the port could be bound.
  TcpRelay(int listen_port, int target_port);
  ~TcpRelay();  // Closes the port and every connection, joins every thread.
  TcpRelay(const TcpRelay&) = delete;
  TcpRelay& operator=(const TcpRelay&) = delete;

  bool listening() const { return listen_fd_ >= 0; }

 private:
  void Accept();
  void Pump(int client, int server);

  const int target_port_;
  int listen_fd_ = -1;
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::vector<std::thread> pumps_;  // Guarded by mu_.
  std::thread acceptor_;
};

}  // namespace caawatch::testing

#endif  // CAAWATCH_TESTS_E2E_TCP_RELAY_H_
