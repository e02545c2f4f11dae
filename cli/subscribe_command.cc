// `caawatch subscribe`: a gRPC client printing alerts as JSON lines; it reconnects by itself
// after a dropped connection and resumes after the last alert it printed.
#include <signal.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "base/bounded_file.h"
#include "base/status_macros.h"
#include "cli/alert_subscriber.h"
#include "cli/commands.h"
#include "cli/context.h"
#include "cli/verdict_options.h"
#include "monitor/store_access.h"
#include "proto/finding_convert.h"
#include "proto/finding_json.h"

namespace caawatch::cli {
namespace {

// A CA certificate or a bearer token is a few KiB.
constexpr size_t kMaxSecretFileBytes = size_t{1} << 20;

// `flag` names the file in errors (`--tls-ca "x.pem": cannot open: ...`).
absl::StatusOr<std::string> ReadSecretFile(const std::string& path, const std::string& flag) {
  CAAWATCH_ASSIGN_OR_RETURN(const std::string text,
                            ReadBoundedFile(path, kMaxSecretFileBytes, flag));
  return std::string(absl::StripAsciiWhitespace(text));
}

struct SubscribeFlags {
  CommonOptions common;
  std::optional<std::string> server;
  std::optional<uint64_t> after;
  std::vector<std::string> names;
  std::vector<std::string> verdicts;
  std::optional<std::string> tls_ca;
  std::optional<std::string> token_file;
};

int Subscribe(const SubscribeFlags& flags) {
  auto prepared = Prepare(flags.common);
  if (auto* code = std::get_if<int>(&prepared)) return *code;
  CommandContext& ctx = std::get<CommandContext>(prepared);
  cli::AlertSubscriberOptions options;
  // Without --server: the monitor holding the store, at the address it recorded.
  const std::optional<store::StoreHolder> holder =
      monitor::MonitorHoldingStore(ctx.config.data_dir);
  options.target = flags.server.value_or(holder ? holder->address : ctx.config.grpc_listen);
  options.names = flags.names;
  // stdout holds only alerts (JSON lines); how the connection fares goes to stderr.
  options.on_progress = [](const std::string& line) {
    std::fprintf(stderr, "caawatch: subscribe: %s\n", line.c_str());
  };
  for (const std::string& name : SplitNames(flags.verdicts)) {
    absl::StatusOr<v1::Verdict> verdict = api::VerdictFromName(name);
    if (!verdict.ok()) return Fail(verdict.status(), 2);  // The option's check lets none by.
    options.verdicts.push_back(*verdict);
  }
  if (flags.tls_ca) {
    absl::StatusOr<std::string> pem = ReadSecretFile(*flags.tls_ca, "--tls-ca");
    if (!pem.ok()) return Fail(pem.status(), 2);
    options.tls_root_certs_pem = *pem;
  }
  if (flags.token_file) {
    absl::StatusOr<std::string> token = ReadSecretFile(*flags.token_file, "--token-file");
    if (!token.ok()) return Fail(token.status(), 2);
    options.bearer_token = *token;
  }
  // SIGINT/SIGTERM stop the stream; a watcher thread turns the signal into Stop(). Blocked
  // before the channel exists: gRPC's threads inherit the mask, and one that did not would
  // take the signal's default action (a SIGTERM'd subscriber exited 143, not 0).
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  absl::StatusOr<std::unique_ptr<cli::AlertSubscriber>> subscriber =
      cli::AlertSubscriber::Create(options);
  if (!subscriber.ok()) return Fail(subscriber.status(), 2);
  std::atomic<bool> done{false};
  std::thread watcher([&] {
    const timespec tick{0, 200 * 1000 * 1000};
    while (!done.load()) {
      if (sigtimedwait(&set, nullptr, &tick) > 0) (*subscriber)->Stop();
    }
  });
  const absl::Status status =
      (*subscriber)->Run(flags.after.value_or(0), [](const v1::Alert& alert) {
        std::puts(api::AlertToJson(alert).c_str());
        std::fflush(stdout);
      });
  done.store(true);
  watcher.join();
  if (!status.ok()) return Fail(status);
  return 0;
}

}  // namespace

Command AddSubscribeCommand(CLI::App* app) {
  CLI::App* subscribe =
      app->add_subcommand("subscribe", "stream alerts from a running monitor as JSON lines");
  subscribe->footer(
      "Streams alerts (critical and warning findings) from a running `caawatch run` as JSON "
      "lines, resuming by itself after a dropped connection. Stop with Ctrl-C; the last printed "
      "seq is what to pass to --after next time.");
  auto flags = std::make_shared<SubscribeFlags>();
  // Always JSON lines; of the store only its holder record (the monitor's address) is read.
  AddConfigAndDataDirOptions(subscribe, &flags->common);
  subscribe
      ->add_option(
          "--server", flags->server,
          "the monitor's gRPC address (default: the monitor holding the store, else grpc_listen)")
      ->type_name("ADDR");
  subscribe
      ->add_option("--after", flags->after, "resume after this seq (default 0: the whole backlog)")
      ->type_name("SEQ")
      ->check(NonNegativeInteger());
  AddRepeatable(subscribe, "--name", &flags->names, "NAME",
                "only alerts for watched names at or below NAME");
  AddVerdictOption(subscribe, &flags->verdicts);
  subscribe->add_option("--tls-ca", flags->tls_ca, "PEM roots to verify a TLS server (enables TLS)")
      ->type_name("FILE");
  subscribe
      ->add_option("--token-file", flags->token_file, "file holding the bearer token (needs TLS)")
      ->type_name("FILE");
  return {subscribe, [flags] { return Subscribe(*flags); }};
}

}  // namespace caawatch::cli
