#!/usr/bin/env bash
# Fails when an #include crosses a forbidden edge of the layering (STYLE.md "Layout and direction"):
#   cli -> monitor -> {server, tail} -> judge -> {watch, ctlog, caa, store} -> names -> base
# revoke (CRLs) sits beside ctlog and may use its HTTP fetcher;
# names and metrics (the exposition format) include only base; evidence (bundles) includes
# only the mechanism it checks (ctlog, caa, names, base); ctlog, caa and store never
# include each other; watch includes only names and base (and, until names/ takes the IDN and DER helpers, ctlog); judge, tail and server
# never include the composition root; judge includes no room that runs it (tail, server); cli
# reaches the layers below only through monitor/ and the public API (proto/, plus base/ and
# names/ value types), never into server, watch, judge, tail, store, caa or notify, nor ctlog
# (except `inspect`, which decodes a file with ctlog/).
# With a folder argument, checks that tree instead of the repository (the test plants a wrong
# include in a copy).
set -euo pipefail
cd "${1:-$(dirname "$0")/..}"
status=0
check() {  # folder, forbidden include prefixes (regex), files exempt (regex on the path; optional)
  local folder=$1 forbidden=$2 exempt=${3:-} hits
  [ -d "$folder" ] || return 0
  hits=$(grep -rnE "#include \"(${forbidden})/" "$folder" --include='*.h' --include='*.cc' || true)
  if [ -n "$exempt" ] && [ -n "$hits" ]; then
    hits=$(grep -vE "^(${exempt}):" <<<"$hits" || true)
  fi
  if [ -n "$hits" ]; then
    echo "layering violation: $folder must not include ${forbidden//|/, }:" >&2
    echo "$hits" >&2
    status=1
  fi
}
above_mechanism='evidence|watch|judge|tail|server|monitor|cli|proto|caawatch'
check base "names|metrics|ctlog|revoke|caa|store|${above_mechanism}"
check metrics "names|ctlog|revoke|caa|store|${above_mechanism}|grpcpp|rocksdb"
check names "ctlog|revoke|caa|store|${above_mechanism}|grpcpp|rocksdb"
check ctlog "revoke|caa|store|${above_mechanism}"
check revoke "caa|store|${above_mechanism}"
check caa "ctlog|revoke|store|${above_mechanism}"
check evidence "revoke|store|watch|judge|tail|server|notify|monitor|cli|proto|caawatch|grpcpp|rocksdb"
check store "ctlog|revoke|caa|${above_mechanism}"
check watch "caa|store|evidence|revoke|judge|tail|server|monitor|cli|proto|caawatch|grpcpp|rocksdb"
check judge 'tail|server|monitor|cli|caawatch|grpcpp'
check tail 'server|monitor|cli|caawatch|grpcpp'
check server 'tail|monitor|cli'
check notify 'caa|judge|tail|server|monitor|cli|caawatch|grpcpp'
check monitor 'cli'
check cli 'server|watch|judge|tail|store|caa|notify|evidence|revoke'
check cli 'ctlog' 'cli/inspect_command\.cc'
exit $status
