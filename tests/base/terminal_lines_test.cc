// The live lines of `run --once` on a terminal: redrawn in place (cursor up, erase to the end),
// log lines written above them, erased at the end; a hostile log description cannot send the
// terminal its own escape sequences, and a long line is cut to the width.
#include "base/terminal_lines.h"

#include <fcntl.h>
#include <unistd.h>

#include <string>

#include "gtest/gtest.h"

namespace caawatch {
namespace {

// What was written to the pipe so far.
std::string Drain(int fd) {
  std::string out;
  char buffer[4096];
  for (ssize_t n; (n = read(fd, buffer, sizeof buffer)) > 0;) out.append(buffer, n);
  return out;
}

TEST(TerminalLinesTest, RedrawsInPlaceWithLogLinesAboveAndErasesAtTheEnd) {
  int fds[2];
  ASSERT_EQ(pipe2(fds, O_NONBLOCK), 0);
  {
    TerminalLines lines(fds[1], 20);
    lines.Show({"log a  1/10", "log b  waiting"});
    EXPECT_EQ(Drain(fds[0]), "log a  1/10\nlog b  waiting\n");
    lines.Show({"log a  5/10", "log b  \x1b]0;pwned\x07 and a very long tail"});
    EXPECT_EQ(Drain(fds[0]),
              "\r\x1b[2A\x1b[J"
              "log a  5/10\nlog b  ?]0;pwned? a\n");
    lines.Write("12:00:00 INFO run: a log line\n");
    EXPECT_EQ(Drain(fds[0]),
              "\r\x1b[2A\x1b[J"
              "12:00:00 INFO run: a log line\n"
              "log a  5/10\nlog b  ?]0;pwned? a\n");
  }
  EXPECT_EQ(Drain(fds[0]), "\r\x1b[2A\x1b[J");  // Erased: the log alone stays.
  close(fds[0]);
  close(fds[1]);
}

}  // namespace
}  // namespace caawatch
