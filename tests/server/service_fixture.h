// What the server tests start from: a store on disk (the one StoreFixture), an alert hub, a
// fake clock, and the service options that join them; each test adds what it exercises.
#ifndef CAAWATCH_TESTS_SERVER_SERVICE_FIXTURE_H_
#define CAAWATCH_TESTS_SERVER_SERVICE_FIXTURE_H_

#include <chrono>

#include "absl/time/time.h"
#include "base/clock.h"
#include "judge/alert_hub.h"
#include "server/service.h"
#include "tests/fakes/store_fixture.h"

namespace caawatch::server {

// The deadline of a client call, so that a server that never answers fails the test instead
// of hanging it.
inline std::chrono::system_clock::time_point Deadline(
    std::chrono::seconds within = std::chrono::seconds(20)) {
  return std::chrono::system_clock::now() + within;
}

class ServiceFixture : public StoreFixture {
 protected:
  // The options every MonitorService of the tests has: this fixture's store, hub and clock.
  MonitorServiceOptions BaseServiceOptions() {
    MonitorServiceOptions options;
    options.store = store_.get();
    options.hub = &hub_;
    options.clock = &clock_;
    return options;
  }

  judge::AlertHub hub_;
  FakeClock clock_{absl::FromUnixSeconds(1764345600)};
};

}  // namespace caawatch::server

#endif  // CAAWATCH_TESTS_SERVER_SERVICE_FIXTURE_H_
