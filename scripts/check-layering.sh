#!/usr/bin/env bash
# Fails when an #include crosses a forbidden edge of the layering (STYLE.md "Layout and direction"):
#   cli -> monitor -> {server, tail} -> judge -> {watch, ctlog, caa, store} -> base
# ctlog, caa and store never include each other; watch includes only base (and, until names/
# lands, ctlog for the IDN and DER helpers); judge, tail and server never include the composition
# root; judge includes no room that runs it (tail, server).
# With a folder argument, checks that tree instead of the repository (the test plants a wrong
# include in a copy).
set -euo pipefail
cd "${1:-$(dirname "$0")/..}"
status=0
check() {  # folder, forbidden include prefixes (regex)
  local folder=$1 forbidden=$2 hits
  [ -d "$folder" ] || return 0
  hits=$(grep -rnE "#include \"(${forbidden})/" "$folder" --include='*.h' --include='*.cc' || true)
  if [ -n "$hits" ]; then
    echo "layering violation: $folder must not include ${forbidden//|/, }:" >&2
    echo "$hits" >&2
    status=1
  fi
}
above_mechanism='watch|judge|tail|server|monitor|cli|proto|caawatch'
check base "ctlog|caa|store|${above_mechanism}"
check ctlog "caa|store|${above_mechanism}"
check caa "ctlog|store|${above_mechanism}"
check store "ctlog|caa|${above_mechanism}"
check watch "caa|store|judge|tail|server|monitor|cli|proto|caawatch|grpcpp|rocksdb"
check judge 'tail|server|monitor|cli|caawatch|grpcpp'
check tail 'server|monitor|cli|caawatch|grpcpp'
check server 'tail|monitor|cli'
check monitor 'cli'
exit $status
