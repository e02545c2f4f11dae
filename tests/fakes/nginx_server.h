// A real nginx (Debian nginx-light) serving a directory over HTTP on 127.0.0.1, run as a child
// process with its own configuration, pid file, logs and temp paths under a work directory.
// The static web server static-ct-api logs are designed for.
#ifndef CAAWATCH_TESTS_FAKES_NGINX_SERVER_H_
#define CAAWATCH_TESTS_FAKES_NGINX_SERVER_H_

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace caawatch::fakes {

struct NginxOptions {
  std::string binary = "nginx";  // Looked up in PATH, then /usr/sbin.
  bool gzip = true;              // Compress every answer (static-ct-api: clients must accept).
  // Both set: serve https with this PEM certificate chain and key instead of http.
  std::string tls_cert_file;
  std::string tls_key_file;
  // Added to the server block, e.g. "location = /old { return 302 http://...; }".
  std::string server_directives;
};

class NginxServer {
 public:
  // Serves `root_dir` read-only; writes nginx.conf, pid, logs and temp dirs into `work_dir`
  // (created if missing). Returns once the port accepts connections. kUnavailable when nginx
  // is missing or does not come up (the message quotes its error log).
  static absl::StatusOr<std::unique_ptr<NginxServer>> Start(const std::string& root_dir,
                                                            const std::string& work_dir,
                                                            NginxOptions options = {});
  ~NginxServer();  // SIGTERM to the child, then waits for it.
  NginxServer(const NginxServer&) = delete;
  NginxServer& operator=(const NginxServer&) = delete;

  uint16_t port() const { return port_; }
  std::string url() const;  // "http://127.0.0.1:PORT/" ("https://" with TLS)

 private:
  NginxServer(pid_t pid, uint16_t port, bool tls) : pid_(pid), port_(port), tls_(tls) {}
  pid_t pid_;
  uint16_t port_;
  bool tls_;
};

}  // namespace caawatch::fakes

#endif  // CAAWATCH_TESTS_FAKES_NGINX_SERVER_H_
