#!/usr/bin/env bash
# Fails when an #include crosses a forbidden edge of the layering (STYLE.md):
# cli -> monitor -> {ctlog, caa, store, proto}; ctlog, caa and store never include each other.
set -euo pipefail
cd "$(dirname "$0")/.."
status=0
check() {  # folder, forbidden include prefixes (regex)
  local folder=$1 forbidden=$2 hits
  hits=$(grep -rnE "#include \"(${forbidden})/" "$folder" --include='*.h' --include='*.cc' || true)
  if [ -n "$hits" ]; then
    echo "layering violation: $folder must not include ${forbidden//|/, }:" >&2
    echo "$hits" >&2
    status=1
  fi
}
check base 'ctlog|caa|store|proto|monitor|cli'
check ctlog 'caa|store|proto|monitor|cli'
check caa 'ctlog|store|proto|monitor|cli'
check store 'ctlog|caa|proto|monitor|cli'
check monitor 'cli'
exit $status
