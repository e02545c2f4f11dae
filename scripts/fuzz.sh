#!/usr/bin/env bash
# A short, bounded libFuzzer run of every fuzz target (ctlog/fuzz, caa/fuzz, watch/fuzz, judge/fuzz,
# evidence/fuzz) under ASan and UBSan, seeded from the shared corpus (and a real evidence bundle);
# fails on any crash, sanitizer report, leak or timeout.
# CI runs it after the tests (.ci/run). Builds with clang-14 into ./build-fuzz (ccache helps).
#   FUZZ_SECONDS   time per target (default 20)
#   CAAWATCH_SHARED_DIR   where corpus/ is (default ../shared beside the clone)
# A crashing input is left in build-fuzz/artifacts/<target>/; reproduce it with
#   build-fuzz/<folder>/fuzz/<target> build-fuzz/artifacts/<target>/crash-...
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${FUZZ_SECONDS:-20}"
shared="${CAAWATCH_SHARED_DIR:-}"
if [[ -z "$shared" ]]; then
  shared=../shared
fi
[[ -d "$shared/corpus" ]] || { echo "fuzz.sh: no corpus at $shared/corpus" >&2; exit 1; }

targets=(ctlog/fuzz/base64_fuzz ctlog/fuzz/der_fuzz ctlog/fuzz/leaf_fuzz ctlog/fuzz/tile_fuzz ctlog/fuzz/checkpoint_fuzz
         ctlog/fuzz/log_json_fuzz ctlog/fuzz/get_entries_json_fuzz caa/fuzz/dns_message_fuzz
         caa/fuzz/zone_notify_fuzz caa/fuzz/zone_records_fuzz watch/fuzz/watchlist_fuzz
         watch/fuzz/watchlist_index_fuzz judge/fuzz/zone_rdata_fuzz evidence/fuzz/bundle_files_fuzz)

CC=clang-14 CXX=clang++-14 cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCAAWATCH_FUZZ=ON >/dev/null
cmake --build build-fuzz -j"$(nproc)" --target "${targets[@]##*/}"

rm -rf build-fuzz/seeds build-fuzz/found build-fuzz/artifacts
python3 scripts/fuzz_seeds.py "$shared/corpus" build-fuzz/seeds

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
for target in "${targets[@]}"; do
  name="${target##*/}"
  mkdir -p "build-fuzz/found/$name" "build-fuzz/artifacts/$name"
  echo "== $name: ${seconds}s"
  # New inputs go to found/ (first directory); the seeds are read only.
  if ! "build-fuzz/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="build-fuzz/artifacts/$name/" \
      "build-fuzz/found/$name" "build-fuzz/seeds/$name" >"build-fuzz/$name.log" 2>&1; then
    tail -n 60 "build-fuzz/$name.log" >&2
    echo "fuzz.sh: $name failed; input in build-fuzz/artifacts/$name/" >&2
    exit 1
  fi
  grep -E '^stat::number_of_executed_units|^stat::new_units_added' "build-fuzz/$name.log" |
    tr '\n' ' '
  echo
done
echo "fuzz.sh: no crash in ${#targets[@]} targets"
