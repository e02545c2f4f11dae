#!/usr/bin/env bash
# Quick start: installs what is missing, builds the `caawatch` program, and runs `caawatch run`
# with the given flags on the embedded defaults (log list built in, system resolver, DNSSEC on,
# gRPC on loopback). Only the program's own packages and the program: no test tool, no test
# (scripts/test.sh installs and builds those).
#   scripts/run.sh --watch example.com
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --product
CAAWATCH_TARGETS=caawatch scripts/build.sh -DBUILD_TESTING=OFF
exec build/cli/caawatch run "$@"
