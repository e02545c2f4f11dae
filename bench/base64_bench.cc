// Base64 decoding of get-entries fields (ctlog/base64.h): the table decoder against the AVX2
// one on the same inputs, at the sizes a log sends (leaf_input ~1 KiB, extra_data ~2-6 KiB).
#include <random>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "benchmark/benchmark.h"
#include "ctlog/base64.h"

namespace caawatch::ctlog {
namespace {

std::string Encoded(size_t bytes) {
  std::mt19937 rng(1);
  std::string raw(bytes, '\0');
  for (char& c : raw) c = static_cast<char>(rng());
  return absl::Base64Escape(raw);
}

void Decode(benchmark::State& state, bool (*decoder)(absl::string_view, std::vector<uint8_t>*)) {
  const std::string in = Encoded(static_cast<size_t>(state.range(0)));
  std::vector<uint8_t> out;
  for (auto _ : state) {
    out.clear();
    benchmark::DoNotOptimize(decoder(in, &out));
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * in.size()));
}

void BM_Scalar(benchmark::State& state) { Decode(state, base64_internal::AppendDecodedScalar); }
void BM_Avx2(benchmark::State& state) {
  if (!base64_internal::HaveAvx2()) {
    state.SkipWithError("this CPU has no AVX2");
    return;
  }
  Decode(state, base64_internal::AppendDecodedAvx2);
}
BENCHMARK(BM_Scalar)->Arg(900)->Arg(1500)->Arg(4500);
BENCHMARK(BM_Avx2)->Arg(900)->Arg(1500)->Arg(4500);

}  // namespace
}  // namespace caawatch::ctlog

BENCHMARK_MAIN();
