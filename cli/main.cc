// caawatch: a Certificate Transparency monitor that cross-checks CAA at issuance time.
#include <cstdio>
#include <string>

#include "cli/commands.h"
#include "ctlog/http_fetcher.h"

namespace {

constexpr char kUsage[] = R"(usage: caawatch COMMAND [flags]

commands:
  run                 tail the configured CT logs, evaluate CAA, store findings, serve gRPC
  findings            list findings (--verdict, --since, --until, --log)
  history NAME        findings for NAME (--subtree for everything below it)
  cert SHA256         one certificate: names, issuer, log entries, verdict, CAA evidence
  inspect FILE        decode a PEM/DER certificate, precertificate or CT leaf
  caa check NAME...   evaluate CAA for names and issuer identifiers (live or --at TIME)
  caa history NAME    stored CAA observations for NAME and its search path
  watch add|remove|list   manage the stored watchlist
  status              per log: position, verified size, lag, last error
  subscribe           stream alerts from a running monitor as JSON lines
  issuers import FILE|list   extend (CCADB CSV or JSON) or show the CA -> CAA identifier map

Run `caawatch COMMAND --help` for the flags of a command.
)";

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "help") {
    std::fputs(kUsage, argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  // Process-wide set-up, once, before any thread exists: curl's global state. (malloc needs
  // none: it is tcmalloc's, linked in by cli/CMakeLists.txt.)
  caawatch::ctlog::CurlGlobal curl;
  const std::string command = argv[1];
  const caawatch::cli::Args args(argv + 2, argv + argc);
  using namespace caawatch::cli;
  if (command == "run") return RunCommand(args);
  if (command == "findings") return FindingsCommand(args);
  if (command == "history") return HistoryCommand(args);
  if (command == "cert") return CertCommand(args);
  if (command == "inspect") return InspectCommand(args);
  if (command == "caa") return CaaCommand(args);
  if (command == "watch") return WatchCommand(args);
  if (command == "status") return StatusCommand(args);
  if (command == "subscribe") return SubscribeCommand(args);
  if (command == "issuers") return IssuersCommand(args);
  std::fprintf(stderr, "caawatch: unknown command '%s' (see caawatch --help)\n", command.c_str());
  return 2;
}
