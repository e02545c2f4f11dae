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
//   --plant-truncated NAME:CA  an x509_entry of a certificate for NAME from CA cut short inside
//                        its TBSCertificate (CN still readable, no TBS hash); repeatable
//   --plant-with-crl NAME:CA:URL  an x509_entry for NAME from CA whose CRL distribution point
//                        is URL ("-": none, for CCADB-disclosed CRLs) (revocation follow-up
//                        tests), planted and published on the
//                        first SIGUSR1; with --crl-ca-out DIR, written at start: the
//                        issuing CA's certificate (ca.der), private key (ca.key, PKCS#8 DER)
//                        and the leaf (leaf.der) are written to DIR, for the test to sign CRLs
//   --plant-garbage N    N x509_entries whose certificate is garbage from the first byte
//   --plant-unreadable N N entries whose MerkleTreeLeaf itself is garbage (no name readable)
//   --publish            publish the initial entries at start (else the STH starts at size 0)
//   --grow-every-ms N    every N ms add one noise certificate and publish everything pending
//   --batch-cap N        get-entries cap (default 256)
//   --delay-ms N         every RFC 6962 answer is sent N ms late: a slow log, or with a large N
//                        one that accepts connections and never answers in time
//   --realistic N        N more entries of a realistic mix (tests/fakes/realistic_population.h),
//                        published at once, their get-entries JSON encoded up front; prints
//                        generation figures
//   --gen-threads N      threads generating the realistic entries (default 2)
//   --names-out FILE     with --realistic: a sample of names present in the log, one per line
//   --tiles-dir DIR      also publish the log as static-ct-api files under DIR/log/, at start
//                        and at every later publication (tiles first, checkpoint last), and
//                        serve DIR with nginx (no gzip)
//   --tiled-loglist-out FILE  with --tiles-dir: a v3 log list naming that tiled log
//   --forge-entry INDEX:NAME:CA  a hostile log (issue 15): get-entries answers, and the data
//                        tiles with --tiles-dir, carry a certificate for NAME from CA in place
//                        of entry INDEX, while the signed tree heads, consistency proofs and
//                        hash tiles stay honest; until SIGUSR2, which makes every answer honest
//                        again (prints "honest")
#include <signal.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "base/clock.h"
#include "base/status_macros.h"
#include "nlohmann/json.hpp"
#include "tests/fakes/damaged_certificates.h"
#include "tests/fakes/nginx_server.h"
#include "tests/fakes/realistic_population.h"
#include "tests/fakes/static_ct_files.h"
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
  std::vector<std::pair<std::string, CaBrand>> plants_truncated;
  uint64_t plant_garbage = 0;
  uint64_t plant_unreadable = 0;
  bool publish = false;
  int64_t grow_every_ms = 0;
  uint64_t batch_cap = 256;
  int64_t delay_ms = 0;
  uint64_t realistic = 0;
  int gen_threads = 2;
  std::string names_out;
  std::string tiles_dir;
  std::string tiled_loglist_out;
  std::optional<uint64_t> forge_index;
  std::pair<std::string, CaBrand> forge_plant;
  std::string crl_plant_name;  // --plant-with-crl; empty = none.
  CaBrand crl_plant_brand = CaBrand::kLetsEncrypt;
  std::string crl_plant_url;
  std::string crl_ca_out;
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
    } else if (arg == "--realistic") {
      ok = absl::SimpleAtoi(value, &flags.realistic);
    } else if (arg == "--gen-threads") {
      ok = absl::SimpleAtoi(value, &flags.gen_threads) && flags.gen_threads > 0;
    } else if (arg == "--names-out") {
      flags.names_out = value;
    } else if (arg == "--tiles-dir") {
      flags.tiles_dir = value;
    } else if (arg == "--tiled-loglist-out") {
      flags.tiled_loglist_out = value;
    } else if (arg == "--delay-ms") {
      ok = absl::SimpleAtoi(value, &flags.delay_ms) && flags.delay_ms >= 0;
    } else if (arg == "--batch-cap") {
      ok = absl::SimpleAtoi(value, &flags.batch_cap) && flags.batch_cap > 0;
    } else if (arg == "--forge-entry") {
      std::vector<std::string> parts = absl::StrSplit(value, absl::MaxSplits(':', 2));
      uint64_t index = 0;
      ok = parts.size() == 3 && absl::SimpleAtoi(parts[0], &index) && !parts[1].empty();
      if (ok) {
        CAAWATCH_ASSIGN_OR_RETURN(const CaBrand brand, ParseCaBrand(parts[2]));
        flags.forge_index = index;
        flags.forge_plant = {parts[1], brand};
      }
    } else if (arg == "--plant-with-crl") {
      std::vector<std::string> parts = absl::StrSplit(value, absl::MaxSplits(':', 2));
      ok = parts.size() == 3 && !parts[0].empty() && !parts[2].empty();
      if (ok) {
        CAAWATCH_ASSIGN_OR_RETURN(flags.crl_plant_brand, ParseCaBrand(parts[1]));
        flags.crl_plant_name = parts[0];
        flags.crl_plant_url = parts[2];
      }
    } else if (arg == "--crl-ca-out") {
      flags.crl_ca_out = value;
    } else if (arg == "--plant-garbage") {
      ok = absl::SimpleAtoi(value, &flags.plant_garbage);
    } else if (arg == "--plant-unreadable") {
      ok = absl::SimpleAtoi(value, &flags.plant_unreadable);
    } else if (arg == "--plant" || arg == "--plant-on-signal" || arg == "--plant-per-signal" ||
               arg == "--plant-truncated") {
      std::pair<std::string, std::string> parts = absl::StrSplit(value, absl::MaxSplits(':', 1));
      CAAWATCH_ASSIGN_OR_RETURN(const CaBrand brand, ParseCaBrand(parts.second));
      ok = !parts.first.empty();
      (arg == "--plant"             ? flags.plants
       : arg == "--plant-on-signal" ? flags.plants_on_signal
       : arg == "--plant-truncated" ? flags.plants_truncated
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

// The --plant-with-crl certificate (planted on the first SIGUSR1, so that it is logged after
// the monitor looked at CAA), and, at once, what a test needs to sign its CRLs.
struct CrlPlant {
  Der cert;
  std::vector<Der> chain;
};
absl::StatusOr<std::optional<CrlPlant>> MakeCrlPlant(const Flags& flags, Issuers* issuers,
                                                     absl::Time now) {
  if (flags.crl_plant_name.empty()) return std::nullopt;
  const CaChain& chain = issuers->chains.at(flags.crl_plant_brand);
  LeafSpec spec = LeafFor(flags.crl_plant_name, now);
  if (flags.crl_plant_url != "-") {
    spec.extra_extensions.push_back(
        {NID_crl_distribution_points, absl::StrCat("URI:", flags.crl_plant_url)});
  }
  CAAWATCH_ASSIGN_OR_RETURN(Der cert, issuers->factory.MakeLeaf(chain.intermediate, spec));
  if (!flags.crl_ca_out.empty()) {
    unsigned char* key = nullptr;
    const int key_len = i2d_PrivateKey(chain.intermediate.key.get(), &key);
    if (key_len <= 0) return absl::InternalError("i2d_PrivateKey");
    const std::string key_der(reinterpret_cast<const char*>(key), static_cast<size_t>(key_len));
    OPENSSL_free(key);
    const std::string& dir = flags.crl_ca_out;
    CAAWATCH_RETURN_IF_ERROR(WriteAtomically(dir + "/ca.key", key_der));
    CAAWATCH_RETURN_IF_ERROR(
        WriteAtomically(dir + "/ca.der",
                        std::string(chain.intermediate.der.begin(), chain.intermediate.der.end())));
    CAAWATCH_RETURN_IF_ERROR(
        WriteAtomically(dir + "/leaf.der", std::string(cert.begin(), cert.end())));
  }
  return CrlPlant{std::move(cert), {chain.intermediate.der, chain.root.der}};
}

// Damaged certificates in the signed tree (damaged_certificates.h): cut short, then garbage.
absl::Status PlantDamaged(const Flags& flags, TestLog* log, Issuers* issuers, absl::Time now) {
  for (const auto& [name, brand] : flags.plants_truncated) {
    const CaChain& chain = issuers->chains.at(brand);
    CAAWATCH_ASSIGN_OR_RETURN(const Der cert,
                              issuers->factory.MakeLeaf(chain.intermediate, LeafFor(name, now)));
    CAAWATCH_ASSIGN_OR_RETURN(const Der cut, TruncatedInsideTbs(cert));
    CAAWATCH_ASSIGN_OR_RETURN(const uint64_t index,
                              log->AddX509(cut, {chain.intermediate.der, chain.root.der}));
    std::cout << "planted truncated " << name << " ca=" << CaBrandName(brand) << " index=" << index
              << std::endl;
  }
  for (uint64_t i = 0; i < flags.plant_garbage; ++i) {
    CAAWATCH_ASSIGN_OR_RETURN(const uint64_t index,
                              log->AddX509(GarbageDer(flags.seed * 1000 + i, 700), {}));
    std::cout << "planted garbage index=" << index << std::endl;
  }
  for (uint64_t i = 0; i < flags.plant_unreadable; ++i) {
    // A MerkleTreeLeaf of an unknown version (RFC 6962 §3.4 defines v1 = 0 only).
    Der leaf = GarbageDer(flags.seed * 2000 + i, 300);
    leaf[0] = 0x7f;
    const uint64_t index = log->AddRawLeaf(leaf);
    std::cout << "planted unreadable index=" << index << std::endl;
  }
  return absl::OkStatus();
}

// Generators that sign in parallel, each with its own factory and population (own keys,
// names and serials); the CA keys are only read. Entry order interleaves nondeterministically.
struct Generators {
  std::vector<std::unique_ptr<CertificateFactory>> factories;
  std::vector<std::unique_ptr<RealisticPopulation>> populations;  // Use the factories above.
};

absl::StatusOr<Generators> GenerateInParallel(const Flags& flags, const Issuers& issuers,
                                              TestLog* log, const Clock& clock) {
  std::vector<const CaChain*> chains;
  for (const auto& [brand, chain] : issuers.chains) chains.push_back(&chain);
  const int workers = std::max(1, flags.gen_threads);
  Generators g;
  for (int i = 0; i < workers; ++i) {
    g.factories.push_back(std::make_unique<CertificateFactory>(flags.seed * 1000 + 100 + i));
    RealisticMix mix;
    mix.seed = flags.seed * 1000 + i;
    CAAWATCH_ASSIGN_OR_RETURN(std::unique_ptr<RealisticPopulation> population,
                              RealisticPopulation::Create(g.factories.back().get(), chains, mix));
    g.populations.push_back(std::move(population));
  }
  std::vector<absl::Status> results(workers);
  std::vector<std::thread> threads;
  for (int i = 0; i < workers; ++i) {
    const uint64_t share = flags.realistic / workers + (i == 0 ? flags.realistic % workers : 0);
    threads.emplace_back(
        [&, i, share] { results[i] = g.populations[i]->AppendExactly(log, share, clock.Now()); });
  }
  for (std::thread& t : threads) t.join();
  for (const absl::Status& r : results) CAAWATCH_RETURN_IF_ERROR(r);
  return g;
}

// Appends and publishes flags.realistic entries; reports what was generated (sizes, names,
// time) and writes the sampled names to --names-out.
absl::Status AddRealistic(const Flags& flags, TestLog* log, const Issuers& issuers,
                          const Clock& clock) {
  const absl::Time start = clock.Now();
  const uint64_t before = log->appended_size();
  CAAWATCH_ASSIGN_OR_RETURN(const Generators g, GenerateInParallel(flags, issuers, log, clock));
  const uint64_t added = log->appended_size() - before;
  CAAWATCH_RETURN_IF_ERROR(log->PublishSth().status());
  CAAWATCH_ASSIGN_OR_RETURN(const std::vector<ctlog::RawEntry> entries,
                            log->GetEntries(before, before + added - 1, added));
  uint64_t leaf_bytes = 0, extra_bytes = 0, certificates = 0, san_names = 0;
  for (const ctlog::RawEntry& e : entries) {
    leaf_bytes += e.leaf_input.size();
    extra_bytes += e.extra_data.size();
  }
  std::string names;
  for (const auto& population : g.populations) {
    certificates += population->certificates();
    san_names += population->san_names();
    for (const std::string& n : population->sampled_names()) absl::StrAppend(&names, n, "\n");
  }
  std::cout << "realistic entries=" << added << " certificates=" << certificates
            << " mean_sans=" << static_cast<double>(san_names) / static_cast<double>(certificates)
            << " mean_leaf_input_bytes=" << leaf_bytes / added
            << " mean_extra_data_bytes=" << extra_bytes / added
            << " seconds=" << absl::ToDoubleSeconds(clock.Now() - start) << std::endl;
  if (flags.names_out.empty()) return absl::OkStatus();
  return WriteAtomically(flags.names_out, names);
}

// A v3 log list with the tiled log served by nginx (submission prefix as the origin says).
std::string TiledLogListJson(const TestLog& log, const std::string& monitoring_url) {
  nlohmann::json entry = {{"description", "caawatch tiled test log"},
                          {"log_id", Base64Encode(log.log_id())},
                          {"key", Base64Encode(log.public_key_der())},
                          {"monitoring_url", monitoring_url},
                          {"submission_url", "https://tiled.caawatch.test/log/"},
                          {"mmd", 60},
                          {"state", {{"usable", {{"timestamp", "2026-01-01T00:00:00Z"}}}}}};
  nlohmann::json list = {
      {"version", "1.0"},
      {"log_list_timestamp", "2026-01-01T00:00:00Z"},
      {"operators", nlohmann::json::array({{{"name", "caawatch tiled test operator"},
                                            {"email", nlohmann::json::array({"ct@caawatch.test"})},
                                            {"logs", nlohmann::json::array()},
                                            {"tiled_logs", nlohmann::json::array({entry})}}})}};
  return list.dump(2);
}

// The get-entries element of an x509_entry for `name` from `chain` that is in no tree of `log`
// (--forge-entry): logged by a scratch log of its own.
absl::StatusOr<ctlog::RawEntry> ForgedEntry(const std::string& name, const CaChain& chain,
                                            CertificateFactory* factory, const Clock& clock) {
  CAAWATCH_ASSIGN_OR_RETURN(std::unique_ptr<TestLog> scratch, TestLog::Create(&clock, 999));
  CAAWATCH_ASSIGN_OR_RETURN(const Der cert,
                            factory->MakeLeaf(chain.intermediate, LeafFor(name, clock.Now())));
  CAAWATCH_RETURN_IF_ERROR(
      scratch->AddX509(cert, {chain.intermediate.der, chain.root.der}).status());
  CAAWATCH_RETURN_IF_ERROR(scratch->PublishSth().status());
  CAAWATCH_ASSIGN_OR_RETURN(std::vector<ctlog::RawEntry> entries, scratch->GetEntries(0, 0, 1));
  return std::move(entries[0]);
}

// Writes (or rewrites, after the log grew) the published log as static-ct-api files, with
// `forged` in its data tiles.
absl::Status WriteTiles(const Flags& flags, const TestLog& log,
                        const std::map<uint64_t, ctlog::RawEntry>& forged) {
  const std::string dir = std::filesystem::absolute(flags.tiles_dir).string() + "/log";
  std::filesystem::create_directories(dir);
  StaticCtFilesOptions options;
  options.origin = "tiled.caawatch.test/log";
  options.forged_entries = forged;
  return WriteStaticCtFiles(log, dir, options);
}

// Writes the published log as static-ct-api files and serves them with nginx.
absl::StatusOr<std::unique_ptr<NginxServer>> ServeTiles(
    const Flags& flags, const TestLog& log, const std::map<uint64_t, ctlog::RawEntry>& forged) {
  const std::string root = std::filesystem::absolute(flags.tiles_dir).string();
  CAAWATCH_RETURN_IF_ERROR(WriteTiles(flags, log, forged));
  NginxOptions nginx_options;
  nginx_options.gzip = false;
  CAAWATCH_ASSIGN_OR_RETURN(std::unique_ptr<NginxServer> nginx,
                            NginxServer::Start(root, root + "/nginx", nginx_options));
  std::cout << "tiles " << nginx->url() << "log/" << std::endl;
  if (!flags.tiled_loglist_out.empty()) {
    CAAWATCH_RETURN_IF_ERROR(
        WriteAtomically(flags.tiled_loglist_out, TiledLogListJson(log, nginx->url() + "log/")));
  }
  return nginx;
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
  if (flags.realistic > 0) CAAWATCH_RETURN_IF_ERROR(AddRealistic(flags, log.get(), issuers, clock));
  CAAWATCH_RETURN_IF_ERROR(Plant(flags.plants, log.get(), &issuers, clock.Now()));
  CAAWATCH_RETURN_IF_ERROR(PlantDamaged(flags, log.get(), &issuers, clock.Now()));
  CAAWATCH_ASSIGN_OR_RETURN(std::optional<CrlPlant> crl_plant,
                            MakeCrlPlant(flags, &issuers, clock.Now()));
  if (flags.publish) CAAWATCH_RETURN_IF_ERROR(log->PublishSth().status());
  std::map<uint64_t, ctlog::RawEntry> forged;  // Served until SIGUSR2.
  if (flags.forge_index) {
    CAAWATCH_ASSIGN_OR_RETURN(
        forged[*flags.forge_index],
        ForgedEntry(flags.forge_plant.first, issuers.chains.at(flags.forge_plant.second),
                    &issuers.factory, clock));
    std::cout << "forged " << flags.forge_plant.first << " at index " << *flags.forge_index
              << std::endl;
  }
  std::unique_ptr<NginxServer> nginx;
  if (!flags.tiles_dir.empty()) {
    CAAWATCH_ASSIGN_OR_RETURN(nginx, ServeTiles(flags, *log, forged));
  }

  TestLogServerOptions options;
  options.port = flags.port;
  options.batch_cap = flags.batch_cap;
  options.fault_delay = absl::Milliseconds(flags.delay_ms);
  CAAWATCH_ASSIGN_OR_RETURN(std::unique_ptr<TestLogServer> server,
                            TestLogServer::Start(log.get(), options));
  // Every answer, for as long as this process lives, is the delayed kind of fault.
  if (flags.delay_ms > 0) server->InjectFault(Fault::kDelay, std::numeric_limits<int>::max());
  if (!forged.empty()) server->ForgeEntry(*forged.begin());
  if (!flags.loglist_out.empty()) {
    CAAWATCH_RETURN_IF_ERROR(WriteAtomically(flags.loglist_out, server->LogListJson()));
  }
  if (!flags.port_file.empty()) {
    CAAWATCH_RETURN_IF_ERROR(WriteAtomically(flags.port_file, absl::StrCat(server->port(), "\n")));
  }
  if (flags.realistic > 0) {
    const absl::Time start = clock.Now();
    server->PrepareEntries();
    std::cout << "encoded get-entries JSON in " << absl::ToDoubleSeconds(clock.Now() - start)
              << " s" << std::endl;
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
    if (sig == SIGUSR2) {
      forged.clear();
      server->ForgeEntry(std::nullopt);
      if (nginx != nullptr) CAAWATCH_RETURN_IF_ERROR(WriteTiles(flags, *log, forged));
      std::cout << "honest" << std::endl;
      continue;
    }
    if (sig < 0) CAAWATCH_RETURN_IF_ERROR(AddNoise(log.get(), &issuers, clock.Now()));
    if (sig == SIGUSR1 && !planted_on_signal) {
      CAAWATCH_RETURN_IF_ERROR(Plant(flags.plants_on_signal, log.get(), &issuers, clock.Now()));
      if (crl_plant.has_value()) {
        CAAWATCH_ASSIGN_OR_RETURN(const uint64_t index,
                                  log->AddX509(crl_plant->cert, crl_plant->chain));
        std::cout << "planted with CRL " << flags.crl_plant_name << " index=" << index << std::endl;
      }
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
    // The tiled copy grows with the log, so that a tiled reader sees it grow too; "published"
    // is printed once both copies show the new size.
    if (nginx != nullptr) CAAWATCH_RETURN_IF_ERROR(WriteTiles(flags, *log, forged));
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
  sigaddset(&signals, SIGUSR2);
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
