// A free TCP port on 127.0.0.1, for tests and benchmarks that start servers in other processes.
#ifndef CAAWATCH_TESTS_E2E_FREE_PORT_H_
#define CAAWATCH_TESTS_E2E_FREE_PORT_H_

namespace caawatch::testing {

// A port nothing listens on at the time of the call (the kernel's choice for port 0).
int FreeTcpPort();
// A port free for both TCP and UDP at the time of the call: for a listener that binds both (the
// NOTIFY listener), where a UDP socket of another test (a resolver's random source port) may
// hold the number the kernel gave out for TCP.
int FreeTcpAndUdpPort();

}  // namespace caawatch::testing

#endif  // CAAWATCH_TESTS_E2E_FREE_PORT_H_
