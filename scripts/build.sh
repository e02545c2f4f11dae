#!/usr/bin/env bash
# Configures and builds caawatch and its tests into ./build, as a developer build: warnings are
# errors (CAAWATCH_WERROR). Extra args go to cmake's configure step.
#   CAAWATCH_TARGETS   targets to build (default: all)
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCAAWATCH_WERROR=ON "$@" >/dev/null
# shellcheck disable=SC2086
cmake --build build -j"$(nproc)" ${CAAWATCH_TARGETS:+--target $CAAWATCH_TARGETS}
