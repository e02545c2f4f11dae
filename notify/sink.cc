#include "notify/sink.h"

#include <filesystem>
#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/bounded_file.h"
#include "base/hex.h"
#include "base/quoted_input.h"
#include "base/status_macros.h"
#include "ctlog/sha256.h"

namespace caawatch::notify {
namespace {

// An HMAC key is a line of text; anything longer is not one.
constexpr size_t kMaxSecretBytes = 4096;

std::string ShortHash(const std::string& text) {
  const ctlog::Sha256Hash h = ctlog::Sha256(text);
  return HexEncode(absl::MakeConstSpan(h.data(), 4));
}

absl::StatusOr<std::string> ReadSecret(const std::string& path) {
  CAAWATCH_ASSIGN_OR_RETURN(std::string secret,
                            ReadBoundedFile(path, kMaxSecretBytes, "secret_file"));
  // A file written by `echo` ends in a newline that is no part of the key.
  while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
  if (secret.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("secret_file ", QuoteInput(path), " is empty"));
  }
  return secret;
}

}  // namespace

bool AtWatchItem(const std::string& name, const std::string& item) {
  const std::string want = absl::AsciiStrToLower(item);
  if (!want.empty() && want[0] == '.') {
    const absl::string_view base = absl::string_view(want).substr(1);
    return name == base || absl::EndsWith(name, want);
  }
  return name == want;
}

absl::StatusOr<Sink> Sink::Build(const SinkConfig& config, const NotifyConfig& shared,
                                 const std::string& files_root) {
  switch (config.kind) {
    case SinkKind::kScript: {
      const std::string id = absl::StrCat("script ", config.target);
      ScriptSinkOptions options;
      options.path = config.target;
      options.timeout = config.timeout;
      // Each script its own directory: another sink removing the files of a seq never pulls
      // them from under a script still reading them.
      options.files_dir = absl::StrCat(files_root, "/", ShortHash(config.target));
      std::string dir = options.files_dir;
      return Sink(id, config, ScriptSink(std::move(options)), std::move(dir));
    }
    case SinkKind::kEmail: {
      MailSinkOptions options;
      options.to = {config.target};
      options.from = shared.mail_from;
      options.sendmail = shared.sendmail;
      options.timeout = config.timeout;
      CAAWATCH_ASSIGN_OR_RETURN(MailSink sink, MailSink::Create(std::move(options)));
      return Sink(absl::StrCat("email ", config.target), config, std::move(sink), "");
    }
    case SinkKind::kWebhook: {
      WebhookSinkOptions options;
      options.url = config.target;
      options.timeout = config.timeout;
      options.ca_file = shared.webhook_ca_file;
      if (!config.secret_file.empty()) {
        CAAWATCH_ASSIGN_OR_RETURN(options.secret, ReadSecret(config.secret_file));
      }
      CAAWATCH_ASSIGN_OR_RETURN(WebhookSink sink, WebhookSink::Create(std::move(options)));
      std::string id = absl::StrCat("webhook ", sink.display_url());
      if (sink.display_url() != config.target) absl::StrAppend(&id, "#", ShortHash(config.target));
      return Sink(std::move(id), config, std::move(sink), "");
    }
  }
  return absl::InternalError("unknown sink kind");
}

bool Sink::Wants(const store::FindingRecord& finding) const {
  absl::StatusOr<store::Severity> severity = store::SeverityFromName(finding.severity());
  // A severity this build cannot read is delivered: better one notification too many.
  if (severity.ok() && *severity < config_.min_severity) return false;
  if (config_.watch.empty()) return true;
  for (const std::string& name : finding.watched_names()) {
    for (const std::string& item : config_.watch) {
      if (AtWatchItem(name, item)) return true;
    }
  }
  return false;
}

absl::Status Sink::Deliver(const Notification& n, absl::Time now,
                           const absl::Notification* cancel) const {
  if (const auto* script = std::get_if<ScriptSink>(&impl_)) {
    const absl::Status status = script->Deliver(n, cancel);
    // The files are the script's input for this run only; a retry writes them again.
    std::error_code ec;
    std::filesystem::remove_all(
        absl::StrCat(files_dir_, "/", n.finding.seq(), n.test ? "-test" : ""), ec);
    return status;
  }
  if (const auto* mail = std::get_if<MailSink>(&impl_)) return mail->Deliver(n, now, cancel);
  if (const auto* iodef = std::get_if<IodefSink>(&impl_)) return iodef->Deliver(n, now, cancel);
  return std::get<WebhookSink>(impl_).Deliver(n, cancel);
}

absl::Status Sink::DeliverHeartbeat(const Heartbeat& h, absl::Time now,
                                    const absl::Notification* cancel) const {
  if (const auto* script = std::get_if<ScriptSink>(&impl_)) {
    return script->DeliverHeartbeat(h, cancel);
  }
  if (const auto* mail = std::get_if<MailSink>(&impl_)) {
    return mail->DeliverHeartbeat(h, now, cancel);
  }
  // iodef targets are the domains' contacts, not this monitor's owner: no heartbeat for them.
  if (std::holds_alternative<IodefSink>(impl_)) return absl::OkStatus();
  return std::get<WebhookSink>(impl_).DeliverHeartbeat(h, cancel);
}

absl::StatusOr<std::vector<Sink>> BuildSinks(const NotifyConfig& config,
                                             const std::string& files_root, const Logger* logger,
                                             store::IodefReports* reports) {
  std::vector<SinkConfig> configs = config.sinks;
  if (!config.hooks_dir.empty()) {
    CAAWATCH_ASSIGN_OR_RETURN(std::vector<std::string> hooks, HooksInDirectory(config.hooks_dir));
    for (std::string& path : hooks) {
      SinkConfig hook;
      hook.kind = SinkKind::kScript;
      hook.target = std::move(path);
      configs.push_back(std::move(hook));
    }
  }
  std::vector<Sink> sinks;
  std::set<std::string> ids;
  for (const SinkConfig& c : configs) {
    CAAWATCH_ASSIGN_OR_RETURN(Sink sink, Sink::Build(c, config, files_root));
    if (!ids.insert(sink.id()).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("notify: the sink ", QuoteInput(sink.id()), " is configured twice"));
    }
    sinks.push_back(std::move(sink));
  }
  if (config.iodef.enabled) {
    IodefSinkOptions options;
    options.from = config.iodef.from.empty() ? config.mail_from : config.iodef.from;
    options.sendmail = config.sendmail;
    options.ca_file = config.webhook_ca_file;
    options.timeout = config.iodef.timeout;
    options.rate_per_target_per_hour = config.iodef.rate_per_target_per_hour;
    options.logger = logger;
    options.reports = reports;
    CAAWATCH_ASSIGN_OR_RETURN(IodefSink iodef, IodefSink::Create(std::move(options)));
    SinkConfig sink_config;  // Every finding: the sink itself picks the forbidden ones.
    sink_config.target = "iodef";
    sinks.push_back(Sink("iodef", std::move(sink_config), std::move(iodef), ""));
  }
  return sinks;
}

}  // namespace caawatch::notify
