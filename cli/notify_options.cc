#include "cli/notify_options.h"

#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "cli/options.h"

namespace caawatch::cli {

void AddNotifyOptions(CLI::App* app, NotifyOptions* options) {
  AddRepeatable(app, "--script", &options->scripts, "PATH",
                "run PATH for each finding, with certspotter's hook environment");
  app->add_option("--hooks-dir", options->hooks_dir,
                  "run every executable in DIR as a --script (default "
                  "$XDG_CONFIG_HOME/caawatch/hooks.d)")
      ->type_name("DIR");
  AddRepeatable(app, "--email", &options->emails, "ADDRESS", "mail each finding to ADDRESS");
  app->add_option("--sendmail", options->sendmail,
                  "the sendmail program that sends --email (default /usr/sbin/sendmail)")
      ->type_name("PATH");
  AddRepeatable(app, "--webhook", &options->webhooks, "URL",
                "POST each finding's JSON to URL (https, or http to loopback)");
  app->add_flag("--iodef", options->iodef,
                "report forbidden certificates to the iodef targets (mailto:, https:) of the CAA "
                "records that forbade them (notify.iodef)");
}

void ApplyNotifyOptions(const NotifyOptions& options, monitor::MonitorConfig* config) {
  notify::NotifyConfig& n = config->notify;
  const auto add = [&n](notify::SinkKind kind, const std::string& target) {
    notify::SinkConfig sink;
    sink.kind = kind;
    sink.target = target;
    n.sinks.push_back(std::move(sink));
  };
  for (const std::string& s : options.scripts) add(notify::SinkKind::kScript, s);
  for (const std::string& e : options.emails) add(notify::SinkKind::kEmail, e);
  for (const std::string& w : options.webhooks) add(notify::SinkKind::kWebhook, w);
  if (options.hooks_dir) n.hooks_dir = *options.hooks_dir;
  if (options.sendmail) n.sendmail = *options.sendmail;
  if (options.iodef) n.iodef.enabled = true;
}

std::string DefaultHooksDir() {
  if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg != nullptr && *xdg != '\0') {
    return absl::StrCat(xdg, "/caawatch/hooks.d");
  }
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
    return absl::StrCat(home, "/.config/caawatch/hooks.d");
  }
  return "";
}

}  // namespace caawatch::cli
