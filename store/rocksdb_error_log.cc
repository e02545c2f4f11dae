#include "store/rocksdb_error_log.h"

#include <unistd.h>

#include <cstdio>
#include <string>

namespace caawatch::store {

void RocksDbErrorLog::Logv(const char* format, va_list ap) {
  char message[1024];
  const int n = std::vsnprintf(message, sizeof(message), format, ap);
  if (n < 0) return;
  std::string line = "rocksdb: ";
  line.append(message);  // vsnprintf cut it at 1023 bytes if longer.
  line.push_back('\n');
  // One write(2), like base/log's lines; nothing to do if stderr is gone.
  const ssize_t ignored = write(STDERR_FILENO, line.data(), line.size());
  (void)ignored;
}

}  // namespace caawatch::store
