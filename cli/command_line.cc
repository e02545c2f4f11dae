#include "cli/command_line.h"

#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "CLI/App.hpp"
#include "CLI/Config.hpp"
#include "CLI/Formatter.hpp"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "base/quoted_input.h"
#include "cli/commands.h"
#include "cli/version.h"

namespace caawatch::cli {
namespace {

// CLI11's messages quote the arguments as given: escaped (a terminal escape or a newline in an
// argument cannot forge output) and cut short (a 10 MB argument makes no 10 MB message).
constexpr size_t kMaxParseMessageBytes = 300;

// Printable ASCII stays as it is (CLI11's own quotes too); every other byte becomes \xNN.
std::string EscapeUnprintable(absl::string_view text) {
  std::string out;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte < 0x7f) {
      out += c;
    } else {
      absl::StrAppendFormat(&out, "\\x%02x", byte);
    }
  }
  return out;
}

std::string ParseErrorLine(const CLI::ParseError& error, const CLI::App& app,
                           const std::optional<std::string>& single_dash) {
  std::string message = EscapeUnprintable(error.what());
  if (single_dash) {
    message = absl::StrCat("unknown flag ", EscapeUnprintable(single_dash->substr(0, 100)),
                           ": long flags take two dashes (-",
                           EscapeUnprintable(single_dash->substr(0, 100)), ")");
  }
  if (message.size() > kMaxParseMessageBytes) {
    message = absl::StrCat(message.substr(0, kMaxParseMessageBytes), "...");
  }
  // The help of the deepest subcommand chosen so far says what it takes.
  std::string path = "caawatch";
  for (const CLI::App* at = &app; !at->get_subcommands().empty();) {
    at = at->get_subcommands().back();
    absl::StrAppend(&path, " ", at->get_name());
  }
  return absl::StrCat("caawatch: ", message, " (see ", path, " --help)\n");
}

// Wraps `text` at kHelpColumns, keeping its line breaks: CLI11 prints a footer as it is.
constexpr size_t kHelpColumns = 80;
std::string Wrapped(const std::string& text) {
  std::string out;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    size_t column = 0;
    for (absl::string_view word : absl::StrSplit(line, ' ', absl::SkipEmpty())) {
      if (column > 0 && column + 1 + word.size() > kHelpColumns) {
        out += '\n';
        column = 0;
      } else if (column > 0) {
        out += ' ';
        ++column;
      }
      absl::StrAppend(&out, word);
      column += word.size();
    }
    out += '\n';
  }
  if (!out.empty()) out.pop_back();
  return out;
}

// Every subcommand's footer (its long description), wrapped.
void WrapFooters(CLI::App* app) {
  for (CLI::App* sub : app->get_subcommands([](CLI::App*) { return true; })) {
    sub->footer(Wrapped(sub->get_footer()));
    WrapFooters(sub);
  }
}

// A value that starts with '-' is a flag the user meant (`--watch --verbose`, `--data-dir
// --json`): no name, path, time or number caawatch takes starts with a dash.
CLI::Validator NotAFlag() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        if (value.empty() || value[0] != '-') return "";
        return absl::StrCat(QuoteInput(value), " looks like a flag: the value is missing");
      },
      "", "not a flag");
}

// What every subcommand gets: --version, and NotAFlag on each option that takes a value.
void AddEverywhere(CLI::App* app, const std::string& version) {
  for (CLI::App* sub : app->get_subcommands([](CLI::App*) { return true; })) {
    sub->set_version_flag("--version", version);
    for (CLI::Option* option : sub->get_options()) {
      if (option->get_type_size() > 0 && !option->get_positional()) option->check(NotAFlag());
    }
    AddEverywhere(sub, version);
  }
}

// certspotter's single-dash long flags (`-watchlist FILE`): CLI11 would only say that "-watchlist"
// and its value were not expected.
bool IsSingleDashLongFlag(absl::string_view arg) {
  return arg.size() > 2 && arg[0] == '-' && absl::ascii_isalpha(arg[1]) &&
         arg.find('=') == absl::string_view::npos;
}

// The first such argument, if any (before a "--").
std::optional<std::string> SingleDashLongFlag(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const absl::string_view arg = argv[i];
    if (arg == "--") break;
    if (IsSingleDashLongFlag(arg)) return std::string(arg);
  }
  return std::nullopt;
}

// `arg`, given before any command, when it is a flag the program itself does not take (it
// takes only --help and --version there); "" otherwise. CLI11 would say that a subcommand is
// required, or blame the command that follows for a flag given before it.
std::string UnknownLeadingFlag(const CLI::App& app, absl::string_view arg) {
  if (arg.size() < 2 || arg[0] != '-' || arg == "--") return "";
  const std::string name(arg.substr(0, arg.find('=')));
  if (app.get_option_no_throw(name) != nullptr) return "";
  return name;
}

}  // namespace

std::function<int()> RunParsed(std::vector<Command> commands) {
  return [commands = std::move(commands)] {
    for (const Command& command : commands) {
      if (command.app->parsed()) return command.run();
    }
    return 2;  // Unreachable: each command with subcommands requires one.
  };
}

int ParseAndRun(int argc, char** argv) {
  CLI::App app(
      "caawatch: a Certificate Transparency monitor that cross-checks CAA at issuance "
      "time.",
      "caawatch");
  const std::string version = VersionLine();
  app.set_version_flag("--version", version);
  app.require_subcommand(1);
  const std::vector<Command> commands = {
      AddRunCommand(&app),      AddFindingsCommand(&app), AddHistoryCommand(&app),
      AddCertCommand(&app),     AddInspectCommand(&app),  AddCaaCommand(&app),
      AddWatchCommand(&app),    AddStatusCommand(&app),   AddSubscribeCommand(&app),
      AddIssuersCommand(&app),  AddNotifyCommand(&app),   AddZonesCommand(&app),
      AddEvidenceCommand(&app), AddHeadsCommand(&app),    AddStoreCommand(&app),
      AddDocsCommand(&app),  // Last: it documents the others.
  };
  WrapFooters(&app);
  AddEverywhere(&app, version);
  // After the subcommands: each would inherit it.
  app.footer("Run `caawatch COMMAND --help` for the flags of a command.");
  if (argc < 2) {
    std::fputs(app.help().c_str(), stderr);
    return 2;
  }
  const std::string first = argv[1];
  if (first == "help") {
    std::fputs(app.help().c_str(), stdout);
    return 0;
  }
  // CLI11 would say only that a subcommand is required.
  const bool known =
      !app.get_subcommands([&first](CLI::App* sub) { return sub->check_name(first); }).empty();
  if (first[0] != '-' && !known) {
    std::fprintf(stderr, "caawatch: unknown command %s (see caawatch --help)\n",
                 absl::StrCat("'", EscapeUnprintable(first.substr(0, 100)), "'").c_str());
    return 2;
  }
  if (const std::string flag = UnknownLeadingFlag(app, first); !flag.empty()) {
    const std::string shown = EscapeUnprintable(absl::string_view(flag).substr(0, 100));
    if (IsSingleDashLongFlag(flag)) {
      std::fprintf(stderr,
                   "caawatch: unknown flag %s: long flags take two dashes (-%s) (see caawatch "
                   "--help)\n",
                   shown.c_str(), shown.c_str());
    } else {
      std::fprintf(stderr, "caawatch: unknown flag '%s' (see caawatch --help)\n", shown.c_str());
    }
    return 2;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    // The help of the subcommand it was asked of (App::help follows the chosen ones).
    std::fputs(app.help().c_str(), stdout);
    return 0;
  } catch (const CLI::CallForAllHelp&) {
    std::fputs(app.help("", CLI::AppFormatMode::All).c_str(), stdout);
    return 0;
  } catch (const CLI::CallForVersion& version) {
    std::printf("%s\n", version.what());
    return 0;
  } catch (const CLI::ParseError& error) {
    const std::string line = ParseErrorLine(error, app, SingleDashLongFlag(argc, argv));
    std::fwrite(line.data(), 1, line.size(), stderr);
    return 2;
  }
  for (const Command& command : commands) {
    if (command.app->parsed()) return command.run();
  }
  return 2;  // Unreachable: require_subcommand(1).
}

}  // namespace caawatch::cli
