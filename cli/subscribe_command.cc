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
#include "cli/alert_subscriber.h"
#include "base/bounded_file.h"
#include "base/status_macros.h"
#include "cli/commands.h"
#include "cli/context.h"
#include "cli/finding_json.h"
#include "server/finding_convert.h"

namespace caawatch::cli {
namespace {

// A CA certificate or a bearer token is a few KiB.
constexpr size_t kMaxSecretFileBytes = size_t{1} << 20;

absl::StatusOr<std::string> ReadSecretFile(const std::string& path) {
  CAAWATCH_ASSIGN_OR_RETURN(const std::string text,
                            ReadBoundedFile(path, kMaxSecretFileBytes, "file"));
  return std::string(absl::StripAsciiWhitespace(text));
}

}  // namespace

int SubscribeCommand(const Args& args) {
  std::vector<FlagSpec> specs = CommonFlags();
  specs.push_back(
      {"server", "ADDR", "the monitor's gRPC address (default: grpc_listen, 127.0.0.1:7443)"});
  specs.push_back({"after", "SEQ", "resume after this seq (default 0: the whole backlog)"});
  specs.push_back({"name", "NAME", "only alerts for watched names at or below NAME", true});
  specs.push_back({"verdict", "VERDICT", "only these verdicts (repeatable)", true});
  specs.push_back({"tls-ca", "FILE", "PEM roots to verify a TLS server (enables TLS)"});
  specs.push_back({"token-file", "FILE", "file holding the bearer token (needs TLS)"});
  FlagParser parser("subscribe", "[flags]",
                    "Streams alerts (critical and warning findings) from a running `caawatch "
                    "run` as JSON lines, resuming by itself after a dropped connection. Stop "
                    "with Ctrl-C; the last printed seq is what to pass to --after next time.",
                    specs);
  auto prepared = Prepare(parser, args);
  if (auto* code = std::get_if<int>(&prepared)) return *code;
  CommandContext& ctx = std::get<CommandContext>(prepared);
  cli::AlertSubscriberOptions options;
  options.target = ctx.flags.Get("server", ctx.config.grpc_listen);
  options.names = ctx.flags.GetAll("name");
  for (const std::string& v : ctx.flags.GetAll("verdict")) {
    for (absl::string_view part : absl::StrSplit(v, ',', absl::SkipEmpty())) {
      absl::StatusOr<v1::Verdict> verdict = server::VerdictFromName(part);
      if (!verdict.ok())
        return Fail(
            absl::InvalidArgumentError(absl::StrCat("--verdict: unknown verdict '", part, "'")), 2);
      options.verdicts.push_back(*verdict);
    }
  }
  if (ctx.flags.Has("tls-ca")) {
    absl::StatusOr<std::string> pem = ReadSecretFile(ctx.flags.Get("tls-ca"));
    if (!pem.ok()) return Fail(pem.status(), 2);
    options.tls_root_certs_pem = *pem;
  }
  if (ctx.flags.Has("token-file")) {
    absl::StatusOr<std::string> token = ReadSecretFile(ctx.flags.Get("token-file"));
    if (!token.ok()) return Fail(token.status(), 2);
    options.bearer_token = *token;
  }
  absl::StatusOr<std::optional<uint64_t>> after = ctx.flags.GetUint("after");
  if (!after.ok()) return Fail(after.status(), 2);
  absl::StatusOr<std::unique_ptr<cli::AlertSubscriber>> subscriber =
      cli::AlertSubscriber::Create(options);
  if (!subscriber.ok()) return Fail(subscriber.status(), 2);

  // SIGINT/SIGTERM stop the stream; a watcher thread turns the signal into Stop().
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::atomic<bool> done{false};
  std::thread watcher([&] {
    const timespec tick{0, 200 * 1000 * 1000};
    while (!done.load()) {
      if (sigtimedwait(&set, nullptr, &tick) > 0) (*subscriber)->Stop();
    }
  });
  const absl::Status status = (*subscriber)->Run(after->value_or(0), [](const v1::Alert& alert) {
    std::puts(cli::AlertToJson(alert).c_str());
    std::fflush(stdout);
  });
  done.store(true);
  watcher.join();
  if (!status.ok()) return Fail(status);
  return 0;
}

}  // namespace caawatch::cli
