#!/usr/bin/env bash
# The installed caawatch.service is one systemd accepts without a complaint, and stays hardened.
# `systemd-analyze verify` checks every directive, that ExecStart's program exists and that its
# Documentation= pages resolve; it exits 0 even for a directive it ignores, so any output fails.
#   systemd_unit_test.sh BUILD_DIR
set -euo pipefail
build=$1
command -v systemd-analyze >/dev/null || { echo "systemd-analyze is not installed"; exit 1; }
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
DESTDIR=$root cmake --install "$build" >/dev/null
unit=$(find "$root" -name caawatch.service)
[[ -n "$unit" ]] || { echo "FAIL: cmake --install installed no caawatch.service"; exit 1; }
prefix=$(sed -n 's/^CMAKE_INSTALL_PREFIX:PATH=//p' "$build/CMakeCache.txt")
# The unit names the installed program; verify it in the staging root (systemd-analyze's --root
# wants a whole system), where man finds the installed pages.
mkdir "$root/unit"
sed "s|^ExecStart=$prefix/|ExecStart=$root$prefix/|" "$unit" >"$root/unit/caawatch.service"
grep -q "^ExecStart=$root$prefix/bin/caawatch run " "$root/unit/caawatch.service" ||
  { echo "FAIL: ExecStart does not run $prefix/bin/caawatch"; exit 1; }
out=$(MANPATH="$root$prefix/share/man" systemd-analyze verify "$root/unit/caawatch.service" 2>&1) ||
  { echo "FAIL: systemd-analyze verify: $out"; exit 1; }
[[ -z "$out" ]] || { echo "FAIL: systemd-analyze verify complains:"; echo "$out"; exit 1; }
# The options README.md's hardening table lists are in force (a typo would be ignored above).
security=$(systemd-analyze security --offline=true "$root/unit/caawatch.service" 2>&1)
exposure=$(sed -n 's/.*Overall exposure level for caawatch.service: \([0-9.]*\).*/\1/p' <<<"$security")
[[ -n "$exposure" ]] || { echo "FAIL: no exposure level: $security"; exit 1; }
awk -v e="$exposure" 'BEGIN { exit !(e <= 1.5) }' ||
  { echo "FAIL: exposure $exposure > 1.5:"; grep '✗' <<<"$security"; exit 1; }
echo "caawatch.service: verified, exposure $exposure"
