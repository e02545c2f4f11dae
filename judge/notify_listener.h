// The NOTIFY listener of the followed zones (issue 18): one UDP socket and one TCP listener on
// the same port (loopback by default; Knot 3.2 sends its NOTIFYs over TCP, RFC 1996 allows
// either) on a thread of its own. Each datagram is checked by caa::AnswerNotify against the zones'
// primaries and TSIG keys; an accepted NOTIFY makes its zone refresh at once, anything else is
// refused with one log line (never a crash, never a change to the history). One message at a
// time into one 64 KiB buffer (a TCP peer gets 2 s to send its one message): the kernel's
// socket buffers are the only queue. Thread-safe.
#ifndef CAAWATCH_JUDGE_NOTIFY_LISTENER_H_
#define CAAWATCH_JUDGE_NOTIFY_LISTENER_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "base/log.h"
#include "caa/zone_notify.h"
#include "judge/zone_followers.h"

namespace caawatch::judge {

class NotifyListener {
 public:
  // Binds `address` ("127.0.0.1:5353", "[::1]:0"; port 0 picks one) and starts the thread.
  // kInvalidArgument for an address that does not parse, kUnavailable if it cannot be bound.
  // `followers` and `logger` are borrowed and must outlive the listener.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<NotifyListener>> Start(
      const std::string& address, ZoneFollowers* followers, const Logger* logger);
  ~NotifyListener();  // Stops and joins the thread, closes the socket.
  NotifyListener(const NotifyListener&) = delete;
  NotifyListener& operator=(const NotifyListener&) = delete;

  std::string address() const { return address_; }  // As bound, with the port.
  // Messages accepted and refused so far.
  uint64_t accepted() const { return accepted_.load(); }
  uint64_t refused() const { return refused_.load(); }

 private:
  NotifyListener(int fd, int tcp_fd, int wake_read, int wake_write, std::string address,
                 ZoneFollowers* followers, const Logger* logger);
  void Serve();
  void ServeTcp(const std::vector<caa::NotifySource>& sources, std::vector<uint8_t>* buffer);
  // Checks one message from `source`; the reply to send (may be empty).
  std::vector<uint8_t> Handle(absl::Span<const uint8_t> message, const std::string& source,
                              int port, const std::vector<caa::NotifySource>& sources);

  const int fd_, tcp_fd_, wake_read_, wake_write_;
  const std::string address_;
  ZoneFollowers* const followers_;
  const Logger* const logger_;
  std::atomic<uint64_t> accepted_{0};
  std::atomic<uint64_t> refused_{0};
  std::thread thread_;
};

}  // namespace caawatch::judge

#endif  // CAAWATCH_JUDGE_NOTIFY_LISTENER_H_
