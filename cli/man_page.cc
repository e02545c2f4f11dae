#include "cli/man_page.h"

#include <memory>
#include <string>
#include <vector>

#include "CLI/Formatter.hpp"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "cli/help_walk.h"

namespace caawatch::cli {
namespace {

// Text as roff prints it: a backslash is \e, a dash \- (so that a flag copied from the page is
// a flag), and a line that would start with a control character is protected with \&.
std::string Roff(absl::string_view text) {
  std::string out;
  for (const char c : text) {
    if (c == '\\') {
      out += "\\e";
    } else if (c == '-') {
      out += "\\-";
    } else {
      out += c;
    }
  }
  return out;
}

// One paragraph line of running text (roff fills it).
std::string TextLine(absl::string_view line) {
  std::string text = Roff(absl::StripAsciiWhitespace(line));
  if (!text.empty() && (text[0] == '.' || text[0] == '\'')) text.insert(0, "\\&");
  return text + "\n";
}

// Running text: each blank line starts a new paragraph.
std::string Paragraphs(absl::string_view text) {
  std::string out;
  bool blank = false;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (absl::StripAsciiWhitespace(line).empty()) {
      blank = true;
      continue;
    }
    if (blank && !out.empty()) out += ".PP\n";
    blank = false;
    out += TextLine(line);
  }
  return out;
}

// "\fB\-\-watch\fR \fINAME ...\fR": the flag's spellings in bold, its value in italics.
std::string OptionTag(const HelpOption& option) {
  std::string out = absl::StrCat("\\fB", Roff(option.names), "\\fR");
  if (!option.value.empty()) absl::StrAppend(&out, " \\fI", Roff(option.value), "\\fR");
  return out;
}

void AppendCommand(const HelpCommand& command, std::string* out) {
  absl::StrAppend(out, ".SS \"", Roff(command.path), "\"\n");
  absl::StrAppend(out, Paragraphs(command.description));
  absl::StrAppend(out, ".PP\n.B ", Roff(command.usage), "\n");
  for (const HelpOption& option : command.options) {
    absl::StrAppend(out, ".TP\n", OptionTag(option), "\n", TextLine(option.description));
  }
  if (!command.subcommands.empty()) {
    absl::StrAppend(out, ".PP\nSubcommands:\n");
    for (const auto& [name, description] : command.subcommands) {
      absl::StrAppend(out, ".TP\n\\fB", Roff(name), "\\fR\n", TextLine(description));
    }
  }
  if (!command.footer.empty()) absl::StrAppend(out, ".PP\n", Paragraphs(command.footer));
}

constexpr absl::string_view kTrailer = R"(.SH EXIT STATUS
.TP
.B 0
success.
.TP
.B 1
an error, said in one line on stderr.
.TP
.B 2
a usage mistake (an unknown command or flag, a missing, repeated or malformed value); nothing
was started. \fBcaa check\fR uses 0, 1 and 2 for its verdict (see above).
.TP
.B 3
\fBrun \-\-once \-\-fail\-on\fR: this run stored a finding of that severity or worse.
.SH ENVIRONMENT
.TP
.B XDG_DATA_HOME
the store is \fI$XDG_DATA_HOME/caawatch\fR (else \fI~/.local/share/caawatch\fR) unless
\fB\-\-data\-dir\fR or the configuration's \fBdata_dir\fR says otherwise.
.TP
.B XDG_CONFIG_HOME
the default hooks directory is \fI$XDG_CONFIG_HOME/caawatch/hooks.d\fR.
.TP
.B COLUMNS
the width of listings printed as a table.
.SH FILES
.TP
.I /etc/caawatch/caawatch.json
the configuration the packaged \fBcaawatch.service\fR runs with (see \fBcaawatch\-config\fR(5)).
.TP
.I /var/lib/caawatch
the packaged service's store (systemd's \fBStateDirectory=\fR).
.SH SEE ALSO
.BR caawatch\-config (5),
.BR systemd.exec (5)
)";

}  // namespace

std::string ManPage(const CLI::App& root, absl::string_view version) {
  const std::vector<HelpCommand> commands = WalkCommands(root);
  std::string out = absl::StrCat(".TH CAAWATCH 1 \"\" \"", Roff(version), "\" \"User Commands\"\n");
  // Names, paths and flags must not be hyphenated, and read better ragged.
  absl::StrAppend(&out, ".nh\n.ad l\n");
  absl::StrAppend(&out, ".SH NAME\ncaawatch \\- ",
                  Roff(absl::StripPrefix(root.get_description(), "caawatch: ")), "\n");
  absl::StrAppend(&out, ".SH SYNOPSIS\n.B caawatch\n.I COMMAND\n.RI [ OPTIONS ]\n");
  absl::StrAppend(&out, ".SH DESCRIPTION\n",
                  "Every command and subcommand takes \\fB\\-h\\fR, \\fB\\-\\-help\\fR (its "
                  "flags, as below) and \\fB\\-\\-version\\fR.\n",
                  ".SH COMMANDS\n");
  for (const HelpCommand& command : commands) {
    if (command.path == "caawatch") continue;  // Its options and commands are the synopsis.
    AppendCommand(command, &out);
  }
  absl::StrAppend(&out, kTrailer);
  return out;
}

}  // namespace caawatch::cli
