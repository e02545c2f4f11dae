// The logging facade: one line per event on stderr, "TIME LEVEL component: message" as text, or
// with LogFormat::kJson one JSON object a line: {"time", "level", "component", "message",
// "fields"} (fields: the event's structured values, {} when it has none).
// Only monitor/ and cli/ log; libraries return Status values instead.
#ifndef CAAWATCH_BASE_LOG_H_
#define CAAWATCH_BASE_LOG_H_

#include <initializer_list>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace caawatch {

class TerminalLines;

enum class LogLevel { kDebug = 0, kInfo = 1, kWarning = 2, kError = 3 };
enum class LogFormat { kText, kJson };

// A structured value of an event: text appends " key=value", JSON puts it under "fields".
using LogField = std::pair<absl::string_view, std::string>;

// A sink with a minimum level. Thread-safe: each line is written with one write(2).
class Logger {
 public:
  explicit Logger(LogLevel min_level = LogLevel::kInfo, LogFormat format = LogFormat::kText)
      : min_level_(min_level), format_(format) {}
  void Log(LogLevel level, absl::string_view component, absl::string_view message) const {
    Log(level, component, message, {});
  }
  void Log(LogLevel level, absl::string_view component, absl::string_view message,
           std::initializer_list<LogField> fields) const;
  bool Enabled(LogLevel level) const { return level >= min_level_; }
  // Lines go through `terminal` (borrowed; null = straight to stderr), so that they print above
  // its live lines. Set before the logger is shared.
  void set_terminal(TerminalLines* terminal) { terminal_ = terminal; }

 private:
  LogLevel min_level_;
  LogFormat format_;
  TerminalLines* terminal_ = nullptr;
};

// `text` as a JSON string literal, quotes included; bytes that are not UTF-8 become U+FFFD.
std::string JsonString(absl::string_view text);

}  // namespace caawatch

#endif  // CAAWATCH_BASE_LOG_H_
