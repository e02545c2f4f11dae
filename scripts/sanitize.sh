#!/usr/bin/env bash
# The unit and integration tests under AddressSanitizer and UndefinedBehaviorSanitizer, built
# with clang-14 and -Wthread-safety as errors (the ABSL_GUARDED_BY annotations are checked here).
# The end-to-end binaries (e2e_test, *_e2e_test) stay on the normal build: it drives the built program, whose
# code these tests already cover, and doubles the time. CI runs this after scripts/test.sh.
# Builds into ./build-asan (ccache keeps reruns short).
set -euo pipefail
cd "$(dirname "$0")/.."

# Every test binary but the end-to-end ones, read from the tests' CMake files so that a new one is not missed.
mapfile -t targets < <(grep -rhoE 'caawatch_add_test\((\w+)' tests --include=CMakeLists.txt |
                       sed 's/caawatch_add_test(//' | grep -vE '(^|_)e2e_test$' | sort)

CC=clang-14 CXX=clang++-14 cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCAAWATCH_SANITIZE=ON -DCAAWATCH_WERROR=ON >/dev/null
cmake --build build-asan -j"$(nproc)" --target "${targets[@]}" caawatch_test_log

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
cd build-asan
# The end-to-end binaries are not built here: leave out their tests and the placeholders ctest
# makes for them.
ctest --output-on-failure -j"$(nproc)" --timeout 600 -LE '(^|_)e2e_test$' -E 'e2e_test_NOT_BUILT$'
