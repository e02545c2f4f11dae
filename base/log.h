// The logging facade: one line per event on stderr, "LEVEL component: message".
// Only monitor/ and cli/ log; libraries return Status values instead.
#ifndef CAAWATCH_BASE_LOG_H_
#define CAAWATCH_BASE_LOG_H_

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace caawatch {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarning = 2, kError = 3 };

// A sink with a minimum level. Thread-safe: each line is written with one write(2).
class Logger {
 public:
  explicit Logger(LogLevel min_level = LogLevel::kInfo) : min_level_(min_level) {}
  void Log(LogLevel level, absl::string_view component, absl::string_view message) const;
  bool Enabled(LogLevel level) const { return level >= min_level_; }

 private:
  LogLevel min_level_;
};

}  // namespace caawatch

#endif  // CAAWATCH_BASE_LOG_H_
