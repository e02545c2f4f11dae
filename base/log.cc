#include "base/log.h"

#include <unistd.h>

#include <string>

#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "base/terminal_lines.h"
#include "base/utf8.h"

namespace caawatch {
namespace {

const char* LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "DEBUG";
    case LogLevel::kInfo:
      return "INFO";
    case LogLevel::kWarning:
      return "WARN";
    case LogLevel::kError:
      return "ERROR";
  }
  return "?";
}

const char* JsonLevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarning:
      return "warning";
    case LogLevel::kError:
      return "error";
  }
  return "?";
}

}  // namespace

std::string JsonString(absl::string_view text) {
  std::string out = "\"";
  out.reserve(text.size() + 2);
  for (size_t i = 0; i < text.size();) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      const size_t n = Utf8SequenceLength(text.substr(i));
      if (n == 0) {
        out += "\\ufffd";
        ++i;
      } else {
        out.append(text.data() + i, n);
        i += n;
      }
      continue;
    }
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c < 0x20 || c == 0x7F) {
      out += absl::StrFormat("\\u%04x", c);
    } else {
      out += static_cast<char>(c);
    }
    ++i;
  }
  out += '"';
  return out;
}

void Logger::Log(LogLevel level, absl::string_view component, absl::string_view message,
                 std::initializer_list<LogField> fields) const {
  if (!Enabled(level)) return;
  const std::string time =
      absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone());
  std::string line;
  if (format_ == LogFormat::kJson) {
    line = absl::StrCat("{\"time\":\"", time, "\",\"level\":\"", JsonLevelName(level),
                        "\",\"component\":", JsonString(component),
                        ",\"message\":", JsonString(message), ",\"fields\":{");
    bool first = true;
    for (const LogField& f : fields) {
      absl::StrAppend(&line, first ? "" : ",", JsonString(f.first), ":", JsonString(f.second));
      first = false;
    }
    line += "}}\n";
  } else {
    line = absl::StrCat(time, " ", LevelName(level), " ", component, ": ", message);
    for (const LogField& f : fields) absl::StrAppend(&line, " ", f.first, "=", f.second);
    line += '\n';
  }
  if (terminal_ != nullptr) {
    terminal_->Write(line);
    return;
  }
  // One write per line so concurrent threads never interleave within a line.
  ssize_t ignored = ::write(STDERR_FILENO, line.data(), line.size());
  (void)ignored;  // Nowhere to report a failing stderr.
}

}  // namespace caawatch
