// The monitor's configuration: one JSON file, every key with a default, so that
// `caawatch run --watch example.com` needs none. Flags override the file (cli/ applies them).
#ifndef CAAWATCH_MONITOR_CONFIG_H_
#define CAAWATCH_MONITOR_CONFIG_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace caawatch::monitor {

struct MonitorConfig {
  std::string data_dir;                    // Store directory; cli/ fills the XDG default.
  std::string log_list;                    // "" = the list embedded at build time; file or URL.
  std::vector<std::string> watch;          // Watchlist lines (same syntax as the file).
  std::string watchlist_file;
  std::vector<std::string> dns_servers;    // "HOST[:PORT]"; empty = the system resolver.
  bool dnssec = true;
  std::string trust_anchor_file;           // "" = the root trust anchor.
  absl::Duration dns_timeout = absl::Seconds(5);
  std::string grpc_listen = "127.0.0.1:7443";
  std::string grpc_tls_cert;
  std::string grpc_tls_key;
  std::string grpc_client_ca;
  std::vector<std::string> grpc_tokens;    // Filled from grpc_tokens_file; never logged.
  std::string grpc_tokens_file;            // One bearer token a line.
  std::string start_at = "beginning";      // "beginning" | "end" | an entry index.
  absl::Duration sth_poll_interval = absl::Seconds(5);
  absl::Duration caa_poll_interval = absl::Hours(1);
  size_t batch_size = 1000;                // get-entries request size (logs may cap lower).
  std::vector<std::string> logs;           // Only logs whose URL or description contains one.
};

// Parses a JSON config over `defaults`. Durations are strings ("5s", "1h", "250ms").
// kInvalidArgument naming the key for an unknown key (typos must not pass silently) or a value
// of the wrong type.
absl::StatusOr<MonitorConfig> ParseConfig(absl::string_view json, MonitorConfig defaults);

}  // namespace caawatch::monitor

#endif  // CAAWATCH_MONITOR_CONFIG_H_
