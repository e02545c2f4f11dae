#include "tests/fakes/dns/knot_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "absl/memory/memory.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "base/status_macros.h"

extern char** environ;

namespace caawatch::fakes {
namespace {

constexpr auto kStartupLimit = std::chrono::seconds(30);  // Signing keys are made at start.

std::string ReadFileOrEmpty(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

absl::Status WriteFile(const std::string& path, absl::string_view text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) return absl::InternalError(absl::StrCat("cannot write ", path));
  return absl::OkStatus();
}

// A port free for both UDP and TCP on 127.0.0.1 right now (knotd binds both).
absl::StatusOr<int> FindFreePort() {
  for (int tries = 0; tries < 20; ++tries) {
    const int tcp = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    if (tcp < 0 || bind(tcp, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
        getsockname(tcp, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      if (tcp >= 0) close(tcp);
      return absl::InternalError(absl::StrCat("bind: ", std::strerror(errno)));
    }
    const int udp = socket(AF_INET, SOCK_DGRAM, 0);
    const bool udp_free = bind(udp, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
    close(udp);
    close(tcp);
    if (udp_free) return ntohs(addr.sin_port);
  }
  return absl::UnavailableError("no port free for both UDP and TCP");
}

// Sends one query (QTYPE `qtype` at `zone`) and reports whether an answer with records came
// back within 100 ms.
bool ZoneAnswers(int port, const std::string& zone, uint16_t qtype) {
  std::string query = {'\x12', '\x34', '\x00', '\x00', 0, 1, 0, 0, 0, 0, 0, 0};
  for (absl::string_view label : absl::StrSplit(zone, '.', absl::SkipEmpty())) {  // "": root.
    query.push_back(static_cast<char>(label.size()));
    query.append(label.data(), label.size());
  }
  query += {'\0', static_cast<char>(qtype >> 8), static_cast<char>(qtype & 0xff), 0, 1};
  const int fd = socket(AF_INET, SOCK_DGRAM, 0);
  if (fd < 0) return false;
  timeval tv{0, 100000};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  char reply[4096];
  ssize_t n = -1;
  if (sendto(fd, query.data(), query.size(), 0, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) ==
      static_cast<ssize_t>(query.size())) {
    n = recv(fd, reply, sizeof(reply), 0);
  }
  close(fd);
  // RCODE NOERROR (low nibble of octet 3) and ANCOUNT (octets 6-7) > 0, or TC (octet 2): an
  // answer too large for 512 bytes of UDP (an RSA DNSKEY set and its RRSIGs).
  return n >= 12 && (reply[3] & 0x0f) == 0 &&
         (reply[6] != 0 || reply[7] != 0 || (reply[2] & 0x02) != 0);
}

// Spawns argv with stdin/stdout/stderr redirected to files; returns the pid.
absl::StatusOr<pid_t> Spawn(const std::vector<std::string>& argv, const std::string& in,
                            const std::string& out, bool append) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, in.c_str(), O_RDONLY, 0);
  const int flags = O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC);
  posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), flags, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  const int rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return absl::InternalError(absl::StrCat(argv[0], ": ", std::strerror(rc)));
  return pid;
}

}  // namespace

absl::StatusOr<std::unique_ptr<KnotServer>> KnotServer::Start(std::vector<KnotZone> zones) {
  std::string dir = (std::filesystem::temp_directory_path() / "caawatch-knot-XXXXXX").string();
  if (mkdtemp(dir.data()) == nullptr) return absl::InternalError("mkdtemp failed");
  CAAWATCH_ASSIGN_OR_RETURN(const int port, FindFreePort());
  auto server = absl::WrapUnique(new KnotServer(dir, port, std::move(zones)));
  server->trust_anchor_file_ = dir + "/trust-anchors.ds";
  for (const KnotZone& zone : server->zones_) {
    const std::string header =
        absl::StrCat("$ORIGIN ", zone.origin, ".\n$TTL 3600\n@ SOA ns hostmaster 1 ",
                     zone.soa_timers, "\n", "@ NS ns\nns A 127.0.0.1\n");
    CAAWATCH_RETURN_IF_ERROR(WriteFile(server->zone_path(zone), header + zone.records + "\n"));
  }
  bool has_broken = false;
  for (const KnotZone& zone : server->zones_) {
    has_broken |= zone.signing == ZoneSigning::kBrokenCaaSignature;
  }
  if (has_broken) {  // First run: let knotd sign them; then serve the tampered output.
    CAAWATCH_RETURN_IF_ERROR(server->WriteConfig(/*sign_broken_zones=*/true));
    CAAWATCH_RETURN_IF_ERROR(server->Launch());
    for (const KnotZone& zone : server->zones_) {
      if (zone.signing == ZoneSigning::kBrokenCaaSignature) {
        CAAWATCH_RETURN_IF_ERROR(server->BreakCaaSignatures(zone));
      }
    }
    server->Stop();
  }
  CAAWATCH_RETURN_IF_ERROR(server->WriteConfig(/*sign_broken_zones=*/false));
  CAAWATCH_RETURN_IF_ERROR(server->Launch());
  CAAWATCH_RETURN_IF_ERROR(server->ExportTrustAnchors());
  return server;
}

KnotServer::~KnotServer() {
  Stop();
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

std::string KnotServer::address() const { return absl::StrCat("127.0.0.1:", port_); }

std::string KnotServer::log() const { return ReadFileOrEmpty(dir_ + "/knotd.log"); }

namespace {

// {algorithm, name, secret} of "ALGORITHM:NAME:SECRET".
std::vector<std::string> KeyParts(const std::string& key) {
  std::vector<std::string> parts = absl::StrSplit(key, absl::MaxSplits(':', 2));
  parts.resize(3);
  return parts;
}

// The `key:` section: every zone's transfer key, once.
std::string Keys(const std::vector<KnotZone>& zones) {
  std::set<std::string> keys;
  for (const KnotZone& zone : zones) {
    if (!zone.transfer_key.empty()) keys.insert(zone.transfer_key);
  }
  if (keys.empty()) return "";
  std::string out = "key:\n";
  for (const std::string& key : keys) {
    const std::vector<std::string> p = KeyParts(key);
    absl::StrAppend(&out, "  - id: ", p[1], "\n    algorithm: ", p[0], "\n    secret: ", p[2],
                    "\n");
  }
  return out;
}

// The `policy:` section: one signing policy per algorithm in use, named after it.
std::string Policies(const std::vector<KnotZone>& zones) {
  std::set<std::string> algorithms = {"ecdsap256sha256"};
  for (const KnotZone& zone : zones) algorithms.insert(zone.signing_algorithm);
  std::string out = "policy:\n";
  for (const std::string& a : algorithms) {
    absl::StrAppend(&out, "  - id: ", a, "\n    algorithm: ", a, "\n    nsec3: off\n");
  }
  return out;
}

// The `remote:` section: where each zone's NOTIFYs go.
std::string NotifyRemotes(const std::vector<KnotZone>& zones) {
  std::string out;
  for (size_t i = 0; i < zones.size(); ++i) {
    const KnotZone& zone = zones[i];
    if (zone.notify_to.empty()) continue;
    std::string address = zone.notify_to;
    address.replace(address.rfind(':'), 1, "@");
    absl::StrAppend(&out, "  - id: notify_", i, "\n    address: ", address, "\n");
    if (!zone.transfer_key.empty()) {
      absl::StrAppend(&out, "    key: ", KeyParts(zone.transfer_key)[1], "\n");
    }
  }
  return out.empty() ? "" : absl::StrCat("remote:\n", out);
}

// One transfer ACL per key, for 127.0.0.1 (entries of the `acl:` section).
std::string TransferAcls(const std::vector<KnotZone>& zones) {
  std::set<std::string> names;
  for (const KnotZone& zone : zones) {
    if (!zone.transfer_key.empty()) names.insert(KeyParts(zone.transfer_key)[1]);
  }
  std::string out;
  for (const std::string& name : names) {
    absl::StrAppend(&out, "  - id: transfer_", name, "\n    address: 127.0.0.1\n    key: ", name,
                    "\n    action: transfer\n");
  }
  return out;
}

}  // namespace

absl::Status KnotServer::WriteConfig(bool sign_broken_zones) const {
  // zonefile-sync 0 and no journal: the zone file is the whole truth, flushed at once.
  std::string conf = absl::StrCat(
      "server:\n  rundir: \"", dir_, "\"\n  listen: 127.0.0.1@", port_, "\n",
      "database:\n  storage: \"", dir_, "\"\n", "control:\n  listen: \"", dir_, "/knot.sock\"\n",
      "log:\n  - target: stderr\n    any: info\n", Keys(zones_), NotifyRemotes(zones_),
      "acl:\n  - id: local_update\n    address: 127.0.0.1\n    action: update\n",
      TransferAcls(zones_), Policies(zones_), "template:\n  - id: default\n    storage: \"", dir_,
      "\"\n    file: \"%s.zone\"\n", "    zonefile-sync: 0\n    journal-content: none\n",
      "zone:\n");
  for (size_t i = 0; i < zones_.size(); ++i) {
    const KnotZone& zone = zones_[i];
    absl::StrAppend(&conf, "  - domain: ", zone.origin.empty() ? "." : zone.origin, "\n");
    if (zone.origin.empty()) absl::StrAppend(&conf, "    file: \"", zone_path(zone), "\"\n");
    if (!zone.notify_to.empty()) absl::StrAppend(&conf, "    notify: notify_", i, "\n");
    std::vector<std::string> acls;
    if (zone.allow_updates) acls.push_back("local_update");
    if (!zone.transfer_key.empty()) {
      acls.push_back(absl::StrCat("transfer_", KeyParts(zone.transfer_key)[1]));
      absl::StrAppend(&conf, "    journal-content: changes\n");  // IXFR answers from it.
    }
    if (!acls.empty()) absl::StrAppend(&conf, "    acl: [", absl::StrJoin(acls, ", "), "]\n");
    if (zone.signing == ZoneSigning::kSigned ||
        (zone.signing == ZoneSigning::kBrokenCaaSignature && sign_broken_zones)) {
      absl::StrAppend(&conf, "    dnssec-signing: on\n    dnssec-policy: ", zone.signing_algorithm,
                      "\n");
    }
  }
  return WriteFile(config_path(), conf);
}

absl::Status KnotServer::Launch() {
  CAAWATCH_RETURN_IF_ERROR(WriteFile(dir_ + "/empty", ""));
  CAAWATCH_ASSIGN_OR_RETURN(
      pid_, Spawn({"knotd", "-c", config_path()}, dir_ + "/empty", dir_ + "/knotd.log", true));
  return WaitUntilServing();
}

absl::Status KnotServer::WaitUntilServing() const {
  const auto deadline = std::chrono::steady_clock::now() + kStartupLimit;
  for (const KnotZone& zone : zones_) {
    const uint16_t qtype = zone.signing == ZoneSigning::kUnsigned ? 6 : 48;  // SOA : DNSKEY.
    while (!ZoneAnswers(port_, zone.origin, qtype)) {  // Each probe waits up to 100 ms.
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_ || std::chrono::steady_clock::now() > deadline) {
        return absl::UnavailableError(absl::StrCat("knotd not serving ", zone.origin, "; log:\n",
                                                   ReadFileOrEmpty(dir_ + "/knotd.log")));
      }
    }
  }
  return absl::OkStatus();
}

void KnotServer::Stop() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  int status = 0;
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
}

absl::Status KnotServer::RunTool(const std::vector<std::string>& argv, absl::string_view input,
                                 std::string* output) const {
  const std::string in = dir_ + "/tool.in", out = dir_ + "/tool.out";
  CAAWATCH_RETURN_IF_ERROR(WriteFile(in, input));
  CAAWATCH_ASSIGN_OR_RETURN(const pid_t pid, Spawn(argv, in, out, false));
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  *output = ReadFileOrEmpty(out);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return absl::InternalError(absl::StrCat(argv[0], " failed: ", *output));
  }
  return absl::OkStatus();
}

// Knot writes signed zones one RR per line: "owner TTL RRSIG CAA alg labels ... signature".
absl::Status KnotServer::BreakCaaSignatures(const KnotZone& zone) {
  std::string ignored;
  CAAWATCH_RETURN_IF_ERROR(
      RunTool({"knotc", "-c", config_path(), "-b", "zone-flush", zone.origin}, "", &ignored));
  std::string broken;
  int tampered = 0;
  for (absl::string_view line : absl::StrSplit(ReadFileOrEmpty(zone_path(zone)), '\n')) {
    std::vector<absl::string_view> fields =
        absl::StrSplit(line, absl::ByAnyChar(" \t"), absl::SkipEmpty());
    std::string out(line);
    if (fields.size() > 4 && fields[2] == "RRSIG" && fields[3] == "CAA") {
      const size_t signature = out.rfind(std::string(fields.back()));
      out[signature] = out[signature] == 'A' ? 'B' : 'A';
      ++tampered;
    }
    absl::StrAppend(&broken, out, "\n");
  }
  if (tampered == 0) {
    return absl::InternalError(absl::StrCat("no RRSIG over CAA in ", zone.origin));
  }
  return WriteFile(zone_path(zone), broken);
}

absl::Status KnotServer::ExportTrustAnchors() {
  std::string anchors;
  for (const KnotZone& zone : zones_) {
    if (zone.signing == ZoneSigning::kUnsigned) continue;
    std::string ds;
    CAAWATCH_RETURN_IF_ERROR(RunTool({"keymgr", "-c", config_path(), zone.origin, "ds"}, "", &ds));
    anchors += ds;
  }
  return WriteFile(trust_anchor_file_, anchors);
}

absl::Status KnotServer::Update(absl::string_view zone, absl::string_view commands) {
  const std::string script = absl::StrCat("server 127.0.0.1 ", port_, "\nzone ", zone, ".\norigin ",
                                          zone, ".\n", commands, "\nsend\nquit\n");
  std::string output;
  return RunTool({"knsupdate"}, script, &output);
}

absl::Status KnotServer::SetNotifyTo(absl::string_view zone, absl::string_view address) {
  bool found = false;
  for (KnotZone& z : zones_) {
    if (z.origin != zone) continue;
    z.notify_to = std::string(address);
    found = true;
  }
  if (!found) return absl::InvalidArgumentError(absl::StrCat("no zone ", zone));
  CAAWATCH_RETURN_IF_ERROR(WriteConfig(/*sign_broken_zones=*/false));
  // -b: returns once knotd has applied the new configuration, so the next change is notified.
  std::string output;
  return RunTool({"knotc", "-c", config_path(), "-b", "reload"}, "", &output);
}

}  // namespace caawatch::fakes
