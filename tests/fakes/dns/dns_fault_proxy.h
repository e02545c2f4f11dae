// A DNS proxy for tests that injects the faults a real server will not produce on demand: it
// listens on 127.0.0.1 (UDP and TCP, one port found at runtime), forwards queries to an upstream
// server (Knot, see knot_server.h) and, for selected query names, answers SERVFAIL, drops the
// query (the client times out) or, over UDP, answers an empty response with the TC bit set (the
// client must retry over TCP, where the query is forwarded normally).
#ifndef CAAWATCH_TESTS_FAKES_DNS_DNS_FAULT_PROXY_H_
#define CAAWATCH_TESTS_FAKES_DNS_DNS_FAULT_PROXY_H_

#include <map>
#include <memory>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"

namespace caawatch::fakes {

enum class DnsFault {
  kServFail,  // Answer rcode 2 with the question only (UDP and TCP).
  kDrop,      // Never answer (UDP); close the connection unanswered (TCP).
  kTruncate,  // UDP: empty answer with TC set. TCP: forwarded.
};

// Queries seen for one name, by transport.
struct DnsQueryCount {
  int udp = 0;
  int tcp = 0;
};

// One thread serves both transports, one query at a time (tests ask little). Thread-safe.
class DnsFaultProxy {
 public:
  // `upstream_port` on 127.0.0.1 takes UDP and TCP. kInternal if no port can be bound.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<DnsFaultProxy>> Start(int upstream_port);
  ~DnsFaultProxy();  // Stops and joins the thread, closes the sockets.
  DnsFaultProxy(const DnsFaultProxy&) = delete;
  DnsFaultProxy& operator=(const DnsFaultProxy&) = delete;

  std::string address() const;  // "127.0.0.1:PORT", as ResolverOptions::servers takes it.

  // Applies `fault` to every query for `qname` (any type; case and a trailing dot ignored).
  void SetFault(const std::string& qname, DnsFault fault);
  void ClearFaults();
  DnsQueryCount Queries(const std::string& qname) const;

 private:
  DnsFaultProxy(int udp, int tcp, int port, int upstream_port, int wake_read, int wake_write);
  void Serve();
  void HandleUdp();
  void HandleTcpConnection(int fd);
  // The fault for the query in `packet` (and counts it), if any.
  bool FaultFor(const std::string& packet, bool tcp, DnsFault* fault);

  const int udp_, tcp_, port_, upstream_port_, wake_read_, wake_write_;
  mutable absl::Mutex mu_;
  std::map<std::string, DnsFault> faults_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, DnsQueryCount> counts_ ABSL_GUARDED_BY(mu_);
  std::thread thread_;
};

}  // namespace caawatch::fakes

#endif  // CAAWATCH_TESTS_FAKES_DNS_DNS_FAULT_PROXY_H_
