// A free TCP port on 127.0.0.1, for tests and benchmarks that start servers in other processes.
#ifndef CAAWATCH_TESTS_E2E_FREE_PORT_H_
#define CAAWATCH_TESTS_E2E_FREE_PORT_H_

namespace caawatch::testing {

// A port nothing listens on at the time of the call (the kernel's choice for port 0).
int FreeTcpPort();

}  // namespace caawatch::testing

#endif  // CAAWATCH_TESTS_E2E_FREE_PORT_H_
