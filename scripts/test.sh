#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite (unit, integration against
# real Knot DNS, RocksDB and gRPC, and the end-to-end test). CI runs exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh -DBUILD_TESTING=ON  # A build dir that scripts/run.sh configured has it OFF.
cd build
ctest --output-on-failure -j"$(nproc)" --timeout 300
