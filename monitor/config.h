// The monitor's configuration: one JSON object (SPEC §4 "Configuration"), every key optional.
// Parsing only: the caller (cli/) computes environment-dependent defaults such as data_dir,
// reads the file and applies command-line flags on top.
#ifndef CAAWATCH_MONITOR_CONFIG_H_
#define CAAWATCH_MONITOR_CONFIG_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "ctlog/witness_policy.h"
#include "notify/notify_config.h"
#include "tail/start_at.h"

namespace caawatch::monitor {

// Where a log with no stored position starts: tail's type, named here for the configuration.
using tail::ParseStartAt;
using tail::StartAt;

// A zone caawatch follows as a secondary (issue 18), one object of the `zones` key:
// {"zone": "example.com", "primaries": ["192.0.2.1:53"], "tsig_key_name": "xfr.example.com",
//  "tsig_algorithm": "hmac-sha256", "tsig_secret_file": "/etc/caawatch/xfr.key",
//  "ds_file": "/etc/caawatch/example.com.ds"}. Only zone and primaries are required; the TSIG
// keys go together; the secret file holds the base64 secret; the DS file holds the zone's DS
// records in zone-file text, and makes caawatch check the zone's signatures.
struct FollowedZoneConfig {
  std::string zone;                    // Lowercase, no final dot once parsed.
  std::vector<std::string> primaries;  // "IPv4[:PORT]" or "[IPv6][:PORT]"; the port defaults to 53.
  std::string tsig_key_name;
  std::string tsig_algorithm = "hmac-sha256";
  std::string tsig_secret_file;
  std::string ds_file;
};

// JSON keys are the field names. Defaults are those of `caawatch run` with no config file.
struct MonitorConfig {
  // State directory (RocksDB). No default here: cli/ passes
  // "${XDG_DATA_HOME:-$HOME/.local/share}/caawatch", since this library reads no environment.
  std::string data_dir;
  std::string log_list;  // File path or URL; "" = the embedded log list.
  // PEM roots that verify https logs (and a log list URL) instead of the system's store: a
  // private log's CA. "" = the system's store.
  std::string log_ca_file;
  // How often a log list URL is fetched again (If-None-Match), by `run` (not `run --once`).
  absl::Duration log_list_refresh_interval = absl::Hours(1);
  std::vector<std::string> watch;        // Watchlist entries in file syntax (".example.com").
  std::string watchlist_file;            // certspotter-syntax file; "" = none.
  std::vector<std::string> dns_servers;  // "HOST[:PORT]"; empty = the system resolver.
  bool dnssec = true;                    // Validate with the root trust anchor.
  std::string trust_anchor_file;         // DS/DNSKEY zone-file records; "" = built-in root.
  std::string grpc_listen = "127.0.0.1:7443";
  std::string grpc_tls_cert;  // PEM files; cert and key are set together or not.
  std::string grpc_tls_key;
  std::string grpc_client_ca;    // Set = require client certificates (mTLS).
  std::string grpc_tokens_file;  // Bearer tokens, one a line; "" = none.
  // Where /metrics is served (SPEC §7), "HOST:PORT"; "" = not served. Loopback only unless
  // grpc_tls_cert and grpc_tls_key are set: then it is HTTPS with that certificate.
  std::string metrics_listen;
  std::vector<std::string> grpc_tokens;  // Not a JSON key: cli/ reads grpc_tokens_file.
  StartAt start_at;                      // JSON: "beginning" | "end" | index (number).
  // JSON: "5s", "250ms", "1h". One small request per log per second keeps alert latency under
  // two seconds (bench/alert_latency_bench) at a cost logs' rate limits easily allow.
  absl::Duration sth_poll_interval = absl::Seconds(1);
  absl::Duration caa_poll_interval = absl::Hours(1);
  uint32_t batch_size = 1000;  // Entries per get-entries request and commit.
  // Findings a log's worker holds while their entries are not yet proven in a signed head
  // (issue 15); reaching it, one consistency proof proves and commits them. Lower commits more
  // often while catching up, at a request per proof.
  uint32_t max_held_findings = 4096;
  // Per log; 0 = no limit (a log on your own network, a benchmark). Requests in flight at
  // once count one each.
  double max_requests_per_second = 10;
  // DNS lookups (caa::ResolverOptions): one attempt waits at most dns_timeout (<= 60s); a timed-out
  // attempt is retried dns_retries more times (0-10), over TCP when dns_tcp_fallback is true
  // (a truncated UDP answer always goes to TCP). A lookup thus takes at most
  // (1 + dns_retries) * dns_timeout, and a lookup that still fails is recorded as such and
  // makes the evaluation dns_indeterminate, never permitted.
  absl::Duration dns_timeout = absl::Seconds(5);
  int dns_retries = 1;
  bool dns_tcp_fallback = true;
  // How often the running monitor looks for late data: CAA answers that changed since findings
  // were judged, and a CA map extended by `caawatch issuers import` (Reevaluator).
  absl::Duration reevaluate_interval = absl::Seconds(30);
  // How often the CRLs of forbidden and likely_forbidden certificates are read again (SPEC §8
  // revocation follow-up; each asked conditionally, so an unchanged CRL costs a 304).
  absl::Duration revocation_poll_interval = absl::Hours(1);
  // Tree-head retention (store/retention.h, SCHEMA.md): every head signed within
  // keep_all_tree_heads_for stays; of older ones, the first of each tree_head_history_interval
  // (plus every head a finding or an audit needs).
  absl::Duration tree_head_history_interval = absl::Hours(1);
  absl::Duration keep_all_tree_heads_for = absl::Hours(24);
  // The raw DNS packet of a CAA observation last seen longer ago is dropped (store/
  // caa_retention.h) unless a finding's evaluation used it; at least 24h.
  absl::Duration caa_raw_answer_retention = absl::Hours(24 * 90);
  std::vector<std::string> log_filter;  // Log URLs or descriptions to include; empty = all.
  // RFC 6962 logs that also serve static-ct-api tiles (SPEC §9): log URL -> the tiles' prefix,
  // read instead of get-entries (overrides the log list's `tiles_url`).
  std::map<std::string, std::string> log_tiles;
  // Gossip (SPEC §9): other monitors whose latest verified heads the running monitor fetches
  // every heads_peer_interval and compares with its own, recording a fork as a log_misbehaviour
  // finding. Each is an http(s) URL of published `caawatch heads`, grpc://HOST:PORT of another
  // caawatch (ListHeads) or a file. gRPC to a non-loopback peer needs heads_peer_tls_ca (PEM
  // roots); heads_peer_token_file (a bearer token) is sent only over TLS.
  std::vector<std::string> heads_peers;
  absl::Duration heads_peer_interval = absl::Minutes(5);
  std::string heads_peer_tls_ca;
  std::string heads_peer_token_file;
  // Subscribe streams open at once; one more gets RESOURCE_EXHAUSTED. An idle stream holds a
  // few alerts and its connection (tests/e2e/idle_subscribers_test.cc measures the cost).
  uint32_t grpc_max_subscribers = 1024;
  // Notification sinks and their delivery (SPEC §6; notify/notify_config.h says each key).
  notify::NotifyConfig notify;
  // Zones followed by transfers (issue 18), and the UDP address their primaries' NOTIFYs go to
  // (only bound when `zones` is not empty).
  std::vector<FollowedZoneConfig> zones;
  std::string notify_listen = "127.0.0.1:8053";
  // Subtree discovery: every name seen in a certificate under a watched subtree is polled with
  // the watched names until it has not been seen in a certificate for this long (at most
  // max_discovered_names names, the most recent first).
  absl::Duration discovered_name_expiry = absl::Hours(24 * 30);
  uint32_t max_discovered_names = 100000;
  // Witnesses (SPEC §9, monitor/witness_config.h): the cosignatures of these on every checkpoint
  // read are checked and recorded; a log named in witness_quorum has a head count as verified only
  // with that many of them; each witness with a URL is asked every witness_check_interval for
  // its latest cosigned checkpoint of each log, which must be consistent with caawatch's view.
  // None by default: no public witness list with keys exists to ship (README "Witnesses").
  std::vector<ctlog::Witness> witnesses;
  std::map<std::string, uint32_t> witness_quorum;  // Log URL, description or origin -> count.
  absl::Duration witness_check_interval = absl::Minutes(10);
};

// Parses `json_text`, a JSON object (comments allowed), over `defaults`: absent keys keep
// their value in `defaults`. kInvalidArgument, naming the key, for an unknown key (so a typo
// is never silently ignored), a value of the wrong JSON type, an unparsable duration, a
// non-positive duration or batch size, a negative request rate, a dns_retries outside 0-10, a
// dns_timeout over 60s, a `watch` entry ParseWatchItem rejects, a `notify` key ParseNotifyConfig
// refuses (named as "notify: sinks[0].timeout"), a data_dir set to "", or a TLS cert
// without its key (or the reverse); kInvalidArgument also if the text is not a JSON object.
[[nodiscard]] absl::StatusOr<MonitorConfig> ParseConfig(absl::string_view json_text,
                                                        MonitorConfig defaults);

// Every top-level key ParseConfig accepts, in its order (caawatch-config(5) documents each).
std::vector<std::string> ConfigKeys();

}  // namespace caawatch::monitor

#endif  // CAAWATCH_MONITOR_CONFIG_H_
