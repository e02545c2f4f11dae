#include "cli/table.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>

#include "absl/strings/numbers.h"

namespace caawatch::cli {

std::string ElideMiddle(const std::string& text, size_t width) {
  constexpr size_t kDots = 3;
  if (text.size() <= width) return text;
  if (width <= kDots) return text.substr(0, width);
  // More of the end: a reason ends with what decided it.
  const size_t head = (width - kDots) * 2 / 5;
  const size_t tail = width - kDots - head;
  return text.substr(0, head) + "..." + text.substr(text.size() - tail);
}

size_t OutputWidth() {
  size_t columns = 0;
  if (const char* env = std::getenv("COLUMNS");
      env != nullptr && absl::SimpleAtoi(env, &columns) && columns > 0) {
    return columns;
  }
  winsize size{};
  if (::isatty(STDOUT_FILENO) && ::ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 &&
      size.ws_col > 0) {
    return size.ws_col;
  }
  return 0;
}

void Table::Print(std::FILE* out, size_t width) const {
  std::vector<size_t> widths(header_.size(), 0);
  auto measure = [&](const std::vector<std::string>& row) {
    for (size_t i = 0; i < row.size() && i < widths.size(); ++i) {
      widths[i] = std::max(widths[i], row[i].size());
    }
  };
  measure(header_);
  for (const auto& row : rows_) measure(row);
  constexpr size_t kGap = 2;
  if (width > 0 && elastic_ && *elastic_ < widths.size()) {
    size_t others = 0;
    for (size_t i = 0; i < widths.size(); ++i) {
      if (i != *elastic_) others += widths[i] + kGap;
    }
    const size_t room = width > others ? width - others : 0;
    widths[*elastic_] = std::min(widths[*elastic_], std::max(room, kMinElasticWidth));
  }
  auto print = [&](const std::vector<std::string>& row) {
    std::string line;
    for (size_t i = 0; i < row.size() && i < widths.size(); ++i) {
      const std::string cell = ElideMiddle(row[i], widths[i]);
      line += cell;
      if (i + 1 < row.size()) line += std::string(widths[i] - cell.size() + kGap, ' ');
    }
    line += '\n';
    std::fputs(line.c_str(), out);
  };
  print(header_);
  for (const auto& row : rows_) print(row);
}

}  // namespace caawatch::cli
