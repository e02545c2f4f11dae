// Watchlist::MatchName throughput against watchlists of 10 to 1,000,000 names, the memory a
// watchlist takes (RSS delta while building it), and a control: bare hash lookups of the same
// suffixes, the floor of the approach. Figures: bench/README.md.
#include <cstdint>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "benchmark/benchmark.h"
#include "names/domain_name.h"
#include "watch/watchlist.h"

namespace caawatch::watch {
namespace {

// VmRSS of this process in bytes, from /proc/self/status; 0 if unreadable.
int64_t ResidentBytes() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    absl::string_view rest = line;
    int64_t kib = 0;
    if (absl::ConsumePrefix(&rest, "VmRSS:") &&
        absl::SimpleAtoi(absl::StripSuffix(absl::StripAsciiWhitespace(rest), " kB"), &kib)) {
      return kib * 1024;
    }
  }
  return 0;
}

// Names shaped like real registrations: 1-2 random labels under a common public suffix.
class NameGenerator {
 public:
  explicit NameGenerator(uint64_t seed) : rng_(seed) {}
  std::string Label() {
    static constexpr char kChars[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    std::string label(std::uniform_int_distribution<int>(3, 14)(rng_), 'a');
    for (char& c : label) c = kChars[std::uniform_int_distribution<int>(0, 35)(rng_)];
    return label;
  }
  std::string Registered() {
    static constexpr const char* kSuffixes[] = {"com",   "net", "org", "de",  "io",
                                                "co.uk", "fr",  "nl",  "app", "dev"};
    return absl::StrCat(Label(), ".", kSuffixes[std::uniform_int_distribution<int>(0, 9)(rng_)]);
  }
  std::string Name() {
    return Chance(0.5) ? Registered() : absl::StrCat(Label(), ".", Registered());
  }
  double Uniform() { return std::uniform_real_distribution<double>(0, 1)(rng_); }
  bool Chance(double p) { return std::bernoulli_distribution(p)(rng_); }
  size_t Index(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng_); }

 private:
  std::mt19937_64 rng_;
};

struct Fixture {
  std::unique_ptr<Watchlist> list;
  std::vector<std::string> queries;
  int64_t rss_delta_bytes = 0;
  // The control: every suffix of every watched domain in a bare hash set, as the index holds
  // them, without the trie. Built after the RSS measurement.
  std::vector<std::string> domains;  // What `suffixes` views.
  absl::flat_hash_set<absl::string_view> suffixes;
};

// Query mix: 80% misses, 15% hits (a watched name, or a name below a subtree item),
// 5% wildcards: "*." + a watched name or a random registered domain (never "*.com": CAs
// cannot issue those, and its fan-out over every watched .com name would dominate).
std::vector<std::string> MakeQueries(const Watchlist& list, NameGenerator* gen) {
  std::vector<std::string> queries;
  for (int i = 0; i < 10000; ++i) {
    const WatchEntry item = list.entry(gen->Index(list.size()));
    const std::string domain = item.domain();
    const double kind = gen->Uniform();
    if (kind < 0.80) {
      queries.push_back(gen->Chance(0.5) ? gen->Name() : absl::StrCat("www.", gen->Name()));
    } else if (kind < 0.95) {
      queries.push_back(item.subtree() ? absl::StrCat(gen->Label(), ".", domain) : domain);
    } else {
      queries.push_back(absl::StrCat("*.", gen->Chance(0.5) ? domain : gen->Registered()));
    }
  }
  return queries;
}

std::unique_ptr<Fixture> MakeFixture(int64_t names) {
  auto fixture = std::make_unique<Fixture>();
  NameGenerator gen(/*seed=*/names);
  const int64_t before = ResidentBytes();
  {
    Watchlist::Builder builder;  // As `caawatch run` loads a watchlist file: one entry at a time.
    for (int64_t i = 0; i < names; ++i) {
      // The generator's names are normalised (lowercase ASCII labels).
      names::DomainName name = names::DomainName::FromNormalized(gen.Name()).value();
      builder.Add(gen.Chance(0.5) ? WatchItem::ForSubtree(std::move(name))
                                  : WatchItem::ForName(std::move(name)));
    }
    fixture->list = std::make_unique<Watchlist>(std::move(builder).Build());
  }
  fixture->rss_delta_bytes = ResidentBytes() - before;
  fixture->queries = MakeQueries(*fixture->list, &gen);
  fixture->domains.reserve(fixture->list->size());
  for (size_t i = 0; i < fixture->list->size(); ++i) {
    const absl::string_view domain =
        fixture->domains.emplace_back(fixture->list->entry(i).domain());
    for (size_t dot = 0; dot != absl::string_view::npos; dot = domain.find('.', dot + 1)) {
      fixture->suffixes.insert(domain.substr(dot == 0 ? 0 : dot + 1));
    }
  }
  return fixture;
}

void BM_MatchName(benchmark::State& state, const Fixture* fixture) {
  size_t i = 0, hits = 0;
  for (auto _ : state) {
    const std::vector<Match> matches = fixture->list->MatchName(fixture->queries[i]);
    hits += matches.size();
    benchmark::DoNotOptimize(matches.data());
    if (++i == fixture->queries.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["names"] = static_cast<double>(fixture->list->size());
  state.counters["hits_per_query"] =
      benchmark::Counter(static_cast<double>(hits), benchmark::Counter::kAvgIterations);
  state.counters["rss_delta_MiB"] = static_cast<double>(fixture->rss_delta_bytes) / (1 << 20);
  state.counters["index_MiB"] = static_cast<double>(fixture->list->MemoryBytes()) / (1 << 20);
}

// The floor any hash-of-suffixes matcher pays: the same queries, one hash lookup per label
// from the right until a suffix is not watched, nothing else. Its slowdown from 10 to 1M names
// is what the memory hierarchy costs (a bigger table misses the caches), not the algorithm.
void BM_SuffixLookupFloor(benchmark::State& state, const Fixture* fixture) {
  size_t i = 0, lookups = 0;
  for (auto _ : state) {
    const absl::string_view name = fixture->queries[i];
    for (size_t start = name.size(); start > 0;) {
      const size_t dot = name.rfind('.', start - 1);
      start = dot == absl::string_view::npos ? 0 : dot;
      ++lookups;
      if (!fixture->suffixes.contains(name.substr(start == 0 ? 0 : start + 1))) break;
    }
    if (++i == fixture->queries.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["names"] = static_cast<double>(fixture->list->size());
  state.counters["lookups_per_query"] =
      benchmark::Counter(static_cast<double>(lookups), benchmark::Counter::kAvgIterations);
}

}  // namespace
}  // namespace caawatch::watch

// Fixtures are built once, before any timing, and outlive the benchmarks that borrow them.
int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  std::vector<std::unique_ptr<caawatch::watch::Fixture>> fixtures;
  for (int64_t names : {10, 1000, 100000, 1000000}) {
    fixtures.push_back(caawatch::watch::MakeFixture(names));
    benchmark::RegisterBenchmark(absl::StrCat("BM_MatchName/", names).c_str(),
                                 caawatch::watch::BM_MatchName, fixtures.back().get());
    benchmark::RegisterBenchmark(absl::StrCat("BM_SuffixLookupFloor/", names).c_str(),
                                 caawatch::watch::BM_SuffixLookupFloor, fixtures.back().get());
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
