// get-entries JSON parsers side by side on the same bodies (Google Benchmark): the product's
// ctlog::ParseGetEntriesJson (a one-pass scanner) and an nlohmann DOM, each ending with the
// decoded entries. The bodies are built from the real Argon2025h2 answer in the shared corpus
// (one precertificate entry with its chain: 4.2 KB of leaf_input and 9.2 KB of extra_data in
// base64): the file itself, and that entry repeated in the compact form logs send, at the batch
// sizes logs cap get-entries at (32: Google; 256: Let's Encrypt, Sectigo; 1000: DigiCert,
// caawatch's batch_size). simdjson On-Demand was measured against both at commit b18b120
// (bench/README.md has the figures and why the scanner stayed).
//   build/bench/get_entries_json_bench --benchmark_repetitions=5
//     --benchmark_enable_random_interleaving=true
// CAAWATCH_SHARED_DIR says where corpus/ is (default: the build's -DCAAWATCH_SHARED_DIR).
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "benchmark/benchmark.h"
#include "ctlog/base64.h"
#include "ctlog/get_entries_json.h"
#include "nlohmann/json.hpp"

namespace caawatch::ctlog {
namespace {

std::string ReadCorpusFile(const std::string& relative) {
  const char* dir = std::getenv("CAAWATCH_SHARED_DIR");
  const std::string path =
      absl::StrCat(dir == nullptr ? CAAWATCH_DEFAULT_SHARED_DIR : dir, "/corpus/", relative);
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << "get_entries_json_bench: cannot read " << path << "\n";
    std::exit(1);
  }
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

const std::string& RealAnswer() {
  static const std::string* answer = new std::string(
      ReadCorpusFile("ct/rfc6962-argon2025/argon2025h2-get-entries-precert-google.json"));
  return *answer;
}

// The real entry `n` times, compact, as RFC 6962 logs (Trillian, Sunlight's ctlog) send it.
std::string Batch(int n) {
  const nlohmann::json entry = nlohmann::json::parse(RealAnswer())["entries"][0];
  const std::string one =
      absl::StrCat(R"({"leaf_input":")", entry["leaf_input"].get<std::string>(),
                   R"(","extra_data":")", entry["extra_data"].get<std::string>(), R"("})");
  return absl::StrCat(R"({"entries":[)", absl::StrJoin(std::vector<std::string>(n, one), ","),
                      "]}");
}

std::string Body(int64_t n) { return n == 0 ? RealAnswer() : Batch(static_cast<int>(n)); }

// The nlohmann DOM path the scanner fell back to, with the same base64 decoder.
std::vector<RawEntry> ParseWithNlohmann(const std::string& body) {
  const nlohmann::json json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  std::vector<RawEntry> entries;
  const auto it = json.find("entries");
  if (it == json.end() || !it->is_array()) return entries;
  entries.reserve(it->size());
  for (const nlohmann::json& element : *it) {
    RawEntry entry;
    AppendBase64Decoded(element["leaf_input"].get_ref<const std::string&>(), &entry.leaf_input);
    AppendBase64Decoded(element["extra_data"].get_ref<const std::string&>(), &entry.extra_data);
    entries.push_back(std::move(entry));
  }
  return entries;
}

void Finish(benchmark::State& state, const std::string& body, size_t entries) {
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * body.size()));
  state.counters["entries"] = static_cast<double>(entries);
}

// range(0): entries in the body, 0 for the corpus file as it is (one entry, pretty-printed).
void BM_Scanner(benchmark::State& state) {
  const std::string body = Body(state.range(0));
  size_t n = 0;
  for (auto _ : state) {
    auto entries = ParseGetEntriesJson(body);
    if (!entries.ok()) {
      state.SkipWithError(std::string(entries.status().message()).c_str());
      break;
    }
    n = entries->size();
    benchmark::DoNotOptimize(entries);
  }
  Finish(state, body, n);
}

void BM_Nlohmann(benchmark::State& state) {
  const std::string body = Body(state.range(0));
  size_t n = 0;
  for (auto _ : state) {
    auto entries = ParseWithNlohmann(body);
    n = entries.size();
    benchmark::DoNotOptimize(entries);
  }
  Finish(state, body, n);
}

#define CAAWATCH_BODIES Arg(0)->Arg(32)->Arg(256)->Arg(1000)->Unit(benchmark::kMicrosecond)
BENCHMARK(BM_Scanner)->CAAWATCH_BODIES;
BENCHMARK(BM_Nlohmann)->CAAWATCH_BODIES;

}  // namespace
}  // namespace caawatch::ctlog

BENCHMARK_MAIN();
