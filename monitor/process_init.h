// Process-wide set-up that the layers below need once per process (today libcurl's global
// state, ctlog/http_fetcher.h): a program constructs one in main() before any thread starts and
// keeps it until it returns. Not copyable.
#ifndef CAAWATCH_MONITOR_PROCESS_INIT_H_
#define CAAWATCH_MONITOR_PROCESS_INIT_H_

#include "ctlog/http_fetcher.h"

namespace caawatch::monitor {

class ProcessInit {
 public:
  ProcessInit() = default;
  ProcessInit(const ProcessInit&) = delete;
  ProcessInit& operator=(const ProcessInit&) = delete;

 private:
  ctlog::CurlGlobal curl_;
};

}  // namespace caawatch::monitor

#endif  // CAAWATCH_MONITOR_PROCESS_INIT_H_
