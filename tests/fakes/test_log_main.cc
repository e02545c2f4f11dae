// caawatch_test_log: a standalone RFC 6962 test log on 127.0.0.1 for end-to-end tests and
// benchmarks. Serves until SIGTERM/SIGINT; SIGUSR1 publishes every pending entry.
//
//   --port N             listen port (default 0: any free port)
//   --port-file FILE     write the chosen port (atomically, via rename)
//   --loglist-out FILE   write a v3 log list describing this log (atomically)
//   --seed N             keys, serials, noise names and CA choice derive from it (default 1)
//   --noise N            N noise certificates under noise.test from assorted CAs
//   --plant NAME:CA      a precert/final pair for NAME from CA (letsencrypt|google|digicert|
//                        unknown); repeatable
//   --plant-on-signal NAME:CA  planted (precert/final pair) and published on the first SIGUSR1
//   --plant-per-signal NAME:CA  planted and published on every SIGUSR1, '#' in NAME replaced by
//                        the signal's number (1, 2, ...): a stream of new certificates
//   --publish            publish the initial entries at start (else the STH starts at size 0)
//   --grow-every-ms N    every N ms add one noise certificate and publish everything pending
//   --batch-cap N        get-entries cap (default 256)
#include <signal.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "base/clock.h"
#include "base/status_macros.h"
#include "tests/fakes/test_log_server.h"
#include "tests/fakes/test_population.h"

namespace caawatch::fakes {
namespace {

struct Flags {
  uint16_t port = 0;
  std::string port_file;
  std::string loglist_out;
  uint64_t seed = 1;
  uint64_t noise = 0;
  std::vector<std::pair<std::string, CaBrand>> plants;
  std::vector<std::pair<std::string, CaBrand>> plants_on_signal;
  std::vector<std::pair<std::string, CaBrand>> plants_per_signal;
  bool publish = false;
  int64_t grow_every_ms = 0;
  uint64_t batch_cap = 256;
};

absl::StatusOr<Flags> ParseFlags(int argc, char** argv) {
  Flags flags;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--publish") {
      flags.publish = true;
      continue;
    }
    if (i + 1 >= argc) return absl::InvalidArgumentError(absl::StrCat(arg, " needs a value"));
    const std::string value = argv[++i];
    bool ok = true;
    uint64_t n = 0;
    if (arg == "--port") {
      ok = absl::SimpleAtoi(value, &n) && n <= 65535;
      flags.port = static_cast<uint16_t>(n);
    } else if (arg == "--port-file") {
      flags.port_file = value;
    } else if (arg == "--loglist-out") {
      flags.loglist_out = value;
    } else if (arg == "--seed") {
      ok = absl::SimpleAtoi(value, &flags.seed);
    } else if (arg == "--noise") {
      ok = absl::SimpleAtoi(value, &flags.noise);
    } else if (arg == "--grow-every-ms") {
      ok = absl::SimpleAtoi(value, &flags.grow_every_ms) && flags.grow_every_ms >= 0;
    } else if (arg == "--batch-cap") {
      ok = absl::SimpleAtoi(value, &flags.batch_cap) && flags.batch_cap > 0;
    } else if (arg == "--plant" || arg == "--plant-on-signal" || arg == "--plant-per-signal") {
      std::pair<std::string, std::string> parts = absl::StrSplit(value, absl::MaxSplits(':', 1));
      CAAWATCH_ASSIGN_OR_RETURN(const CaBrand brand, ParseCaBrand(parts.second));
      ok = !parts.first.empty();
      (arg == "--plant"             ? flags.plants
       : arg == "--plant-on-signal" ? flags.plants_on_signal
                                    : flags.plants_per_signal)
          .emplace_back(parts.first, brand);
    } else {
      return absl::InvalidArgumentError(absl::StrCat("unknown flag ", arg));
    }
    if (!ok) return absl::InvalidArgumentError(absl::StrCat("bad value for ", arg, ": ", value));
  }
  return flags;
}

absl::Status WriteAtomically(const std::string& path, const std::string& contents) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << contents;
    if (!out.flush()) return absl::UnavailableError(absl::StrCat("cannot write ", tmp));
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    return absl::UnavailableError(absl::StrCat("cannot rename to ", path));
  }
  return absl::OkStatus();
}

// Everything the log issues from: one chain per brand, one factory, one noise sequence.
struct Issuers {
  CertificateFactory factory;
  std::map<CaBrand, CaChain> chains;
  std::mt19937_64 rng;
  uint64_t noise_issued = 0;
};

absl::Status AddNoise(TestLog* log, Issuers* issuers, absl::Time now) {
  const CaChain& chain = issuers->chains.at(static_cast<CaBrand>(issuers->rng() % 4));
  const std::string name =
      absl::StrCat("h", issuers->noise_issued++, "-", issuers->rng() % 100000, ".noise.test");
  if (issuers->rng() % 2 == 0) {
    return PlantCertificate(log, &issuers->factory, chain, LeafFor(name, now)).status();
  }
  CAAWATCH_ASSIGN_OR_RETURN(const Der cert,
                            issuers->factory.MakeLeaf(chain.intermediate, LeafFor(name, now)));
  return log->AddX509(cert, {chain.intermediate.der, chain.root.der}).status();
}

absl::Status Plant(const std::vector<std::pair<std::string, CaBrand>>& plants, TestLog* log,
                   Issuers* issuers, absl::Time now) {
  for (const auto& [name, brand] : plants) {
    CAAWATCH_ASSIGN_OR_RETURN(
        const PlantedEntries planted,
        PlantCertificate(log, &issuers->factory, issuers->chains.at(brand), LeafFor(name, now)));
    std::cout << "planted " << name << " ca=" << CaBrandName(brand)
              << " precert_index=" << planted.precert_index
              << " final_index=" << planted.final_index << std::endl;
  }
  return absl::OkStatus();
}

absl::Status Run(const Flags& flags, const sigset_t& signals) {
  RealClock clock;  // main() is where the wall clock enters.
  CAAWATCH_ASSIGN_OR_RETURN(std::unique_ptr<TestLog> log, TestLog::Create(&clock, flags.seed));
  Issuers issuers{CertificateFactory(flags.seed), {}, std::mt19937_64(flags.seed), 0};
  for (CaBrand brand :
       {CaBrand::kLetsEncrypt, CaBrand::kGoogle, CaBrand::kDigiCert, CaBrand::kUnknown}) {
    CAAWATCH_ASSIGN_OR_RETURN(CaChain chain, MakeCaChain(&issuers.factory, brand, clock.Now()));
    log->AddRoot(chain.root.der);
    issuers.chains.emplace(brand, std::move(chain));
  }
  for (uint64_t i = 0; i < flags.noise; ++i) {
    CAAWATCH_RETURN_IF_ERROR(AddNoise(log.get(), &issuers, clock.Now()));
  }
  CAAWATCH_RETURN_IF_ERROR(Plant(flags.plants, log.get(), &issuers, clock.Now()));
  if (flags.publish) CAAWATCH_RETURN_IF_ERROR(log->PublishSth().status());

  TestLogServerOptions options;
  options.port = flags.port;
  options.batch_cap = flags.batch_cap;
  CAAWATCH_ASSIGN_OR_RETURN(std::unique_ptr<TestLogServer> server,
                            TestLogServer::Start(log.get(), options));
  if (!flags.loglist_out.empty()) {
    CAAWATCH_RETURN_IF_ERROR(WriteAtomically(flags.loglist_out, server->LogListJson()));
  }
  if (!flags.port_file.empty()) {
    CAAWATCH_RETURN_IF_ERROR(WriteAtomically(flags.port_file, absl::StrCat(server->port(), "\n")));
  }
  std::cout << "serving " << server->url() << " entries=" << log->appended_size()
            << " published=" << log->published_size() << std::endl;

  bool planted_on_signal = false;
  uint64_t signals_received = 0;
  while (true) {
    siginfo_t info;
    int sig;
    if (flags.grow_every_ms > 0) {
      const timespec timeout = {flags.grow_every_ms / 1000, (flags.grow_every_ms % 1000) * 1000000};
      sig = sigtimedwait(&signals, &info, &timeout);
    } else {
      sig = sigwaitinfo(&signals, &info);
    }
    if (sig == SIGTERM || sig == SIGINT) break;
    if (sig < 0 && errno != EAGAIN) continue;  // EINTR.
    if (sig < 0) CAAWATCH_RETURN_IF_ERROR(AddNoise(log.get(), &issuers, clock.Now()));
    if (sig == SIGUSR1 && !planted_on_signal) {
      CAAWATCH_RETURN_IF_ERROR(Plant(flags.plants_on_signal, log.get(), &issuers, clock.Now()));
      planted_on_signal = true;
    }
    if (sig == SIGUSR1) {
      ++signals_received;
      std::vector<std::pair<std::string, CaBrand>> numbered = flags.plants_per_signal;
      for (auto& [name, brand] : numbered) {
        name = absl::StrReplaceAll(name, {{"#", absl::StrCat(signals_received)}});
      }
      CAAWATCH_RETURN_IF_ERROR(Plant(numbered, log.get(), &issuers, clock.Now()));
    }
    CAAWATCH_RETURN_IF_ERROR(log->PublishSth().status());
    std::cout << "published " << log->published_size() << std::endl;
  }
  std::cout << "stopping" << std::endl;
  return absl::OkStatus();
}

}  // namespace
}  // namespace caawatch::fakes

int main(int argc, char** argv) {
  // Block the signals before any thread exists so only sigwait sees them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGUSR1);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  absl::StatusOr<caawatch::fakes::Flags> flags = caawatch::fakes::ParseFlags(argc, argv);
  if (!flags.ok()) {
    std::cerr << "caawatch_test_log: " << flags.status() << std::endl;
    return 2;
  }
  const absl::Status status = caawatch::fakes::Run(*flags, signals);
  if (!status.ok()) {
    std::cerr << "caawatch_test_log: " << status << std::endl;
    return 1;
  }
  return 0;
}
