#include "monitor/api_address.h"

#include "server/grpc_server.h"

namespace caawatch::monitor {

bool IsLoopbackAddress(absl::string_view address) {
  return server::IsLoopbackListenAddress(address);
}

}  // namespace caawatch::monitor
