#include "tests/fakes/nginx_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "base/status_macros.h"
#include "tests/fakes/loopback.h"

extern char** environ;

namespace caawatch::fakes {
namespace {

namespace fs = std::filesystem;

// A port the kernel just called free. nginx binds it a moment later; Start() retries if
// someone else took it in between.
absl::StatusOr<uint16_t> FreePort() {
  CAAWATCH_ASSIGN_OR_RETURN(const LoopbackListener listener, ListenOnLoopback());
  close(listener.fd);
  return listener.port;
}

bool Accepts(uint16_t port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in addr = LoopbackAddress(port);
  const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  close(fd);
  return ok;
}

std::string Config(const std::string& root, const std::string& work, uint16_t port,
                   const NginxOptions& options) {
  std::string conf;
  // As root, workers would switch to "nobody", who cannot read a private temp directory.
  if (geteuid() == 0) conf += "user root;\n";
  absl::StrAppend(&conf, "worker_processes 1;\npid ", work, "/nginx.pid;\nerror_log ", work,
                  "/error.log warn;\nevents { worker_connections 64; }\nhttp {\n  access_log ",
                  work, "/access.log;\n  default_type application/octet-stream;\n");
  for (const char* temp : {"client_body", "proxy", "fastcgi", "uwsgi", "scgi"}) {
    absl::StrAppend(&conf, "  ", temp, "_temp_path ", work, "/tmp/", temp, ";\n");
  }
  if (options.gzip) conf += "  gzip on;\n  gzip_min_length 1;\n  gzip_types *;\n";
  const bool tls = !options.tls_cert_file.empty() && !options.tls_key_file.empty();
  absl::StrAppend(&conf, "  server {\n    listen 127.0.0.1:", port, tls ? " ssl" : "",
                  ";\n    root ", root, ";\n    location / { }\n");
  if (tls) {
    absl::StrAppend(&conf, "    ssl_certificate ", options.tls_cert_file,
                    ";\n    ssl_certificate_key ", options.tls_key_file, ";\n");
  }
  absl::StrAppend(&conf, options.server_directives, "\n  }\n}\n");
  return conf;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

absl::StatusOr<pid_t> Spawn(const std::string& binary, const std::string& work) {
  std::string program = binary;
  if (binary.find('/') == std::string::npos && fs::exists("/usr/sbin/" + binary)) {
    program = "/usr/sbin/" + binary;  // Not always in a test runner's PATH.
  }
  const std::string prefix = work + "/", conf = work + "/nginx.conf", log = work + "/error.log";
  std::vector<std::string> args = {program, "-p", prefix, "-c",         conf,
                                   "-e",    log,  "-g",   "daemon off;"};
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  if (posix_spawnp(&pid, program.c_str(), nullptr, nullptr, argv.data(), environ) != 0) {
    return absl::UnavailableError(absl::StrCat("cannot run ", program));
  }
  return pid;
}

}  // namespace

absl::StatusOr<std::unique_ptr<NginxServer>> NginxServer::Start(const std::string& root_dir,
                                                                const std::string& work_dir,
                                                                NginxOptions options) {
  std::string last_error = "no attempt";
  for (int attempt = 0; attempt < 3; ++attempt) {
    std::error_code error;
    fs::create_directories(fs::path(work_dir) / "tmp", error);
    CAAWATCH_ASSIGN_OR_RETURN(const uint16_t port, FreePort());
    std::ofstream(fs::path(work_dir) / "nginx.conf", std::ios::trunc)
        << Config(fs::absolute(root_dir).string(), fs::absolute(work_dir).string(), port, options);
    CAAWATCH_ASSIGN_OR_RETURN(const pid_t pid, Spawn(options.binary, work_dir));
    std::unique_ptr<NginxServer> server(new NginxServer(
        pid, port, !options.tls_cert_file.empty() && !options.tls_key_file.empty()));
    // Waiting for a child process to listen: poll, bounded.
    const absl::Time deadline = absl::Now() + absl::Seconds(20);
    while (absl::Now() < deadline) {
      if (Accepts(port)) return server;
      int status = 0;
      if (waitpid(pid, &status, WNOHANG) == pid) {
        server->pid_ = 0;  // Already reaped.
        break;
      }
      absl::SleepFor(absl::Milliseconds(10));
    }
    last_error = ReadFile(fs::path(work_dir) / "error.log");
    if (!absl::StrContains(last_error, "Address already in use")) break;
  }
  return absl::UnavailableError(absl::StrCat("nginx did not start: ", last_error));
}

NginxServer::~NginxServer() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  int status = 0;
  waitpid(pid_, &status, 0);
}

std::string NginxServer::url() const {
  return absl::StrCat(tls_ ? "https" : "http", "://127.0.0.1:", port_, "/");
}

}  // namespace caawatch::fakes
