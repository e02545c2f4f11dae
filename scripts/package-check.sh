#!/usr/bin/env bash
# Builds the Debian package from a product build tree and checks it as a user gets it:
#   scripts/package-check.sh [BUILD_DIR]     (default: build-release, the user's Release build)
#  1. points the tree at the Debian prefix (/usr: only install paths change, nothing is
#     recompiled), builds the program and its generated pages if they are stale, and runs
#     `cpack -G DEB` (dependencies from the linked libraries: dpkg-shlibdeps);
#  2. lintian: no error and no warning (packaging/README.md explains any tag kept);
#  3. unpacks the .deb with `dpkg -x` into a temporary root and runs the packaged binary:
#     `--version` (names the revision) and `inspect` on a corpus certificate (the SHA-256 it
#     reports is openssl's); man renders the packaged pages; the packaged bash completion offers
#     every command; systemd-analyze verifies the packaged unit.
# Needs dpkg-dev, lintian, man-db and systemd (scripts/install-deps.sh installs them).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-release}
shared=${CAAWATCH_SHARED_DIR:-../shared}
step() { echo "== package-check: $1"; }
fail() { echo "package-check: FAIL: $*" >&2; exit 1; }
[[ -f "$build/CMakeCache.txt" ]] || fail "$build is not a configured build tree"

step "cpack -G DEB in $build"
cmake -S . -B "$build" -DCMAKE_INSTALL_PREFIX=/usr >/dev/null
cmake --build "$build" -j"$(nproc)" --target caawatch caawatch_docs >/dev/null
rm -f "$build"/caawatch_*.deb
(cd "$build" && cpack -G DEB >/dev/null)
version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build/CMakeCache.txt")
deb="$build/caawatch_${version}_$(dpkg --print-architecture).deb"
[[ -f "$deb" ]] || fail "cpack made no $deb: $(ls "$build"/*.deb 2>/dev/null)"
echo "$deb: $(dpkg-deb -f "$deb" Depends)"

step "lintian"
# Root is warned about, not refused; the package's own tags are what counts.
tags=$(lintian --pedantic --info "$deb" 2>&1 | grep -v "running with root privileges" || true)
[[ -z "$tags" ]] || echo "$tags"
if grep -qE '^[EW]: ' <<<"$tags"; then fail "lintian reports errors or warnings"; fi

step "dpkg -x and run the packaged program"
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
dpkg -x "$deb" "$root"
packaged="$root/usr/bin/caawatch"
"$packaged" --version | grep -qE '^caawatch [0-9.]+ \(revision ([0-9a-f]{12}(-dirty)?|unknown)\)$' ||
  fail "--version: $("$packaged" --version 2>&1)"
"$packaged" --version
cert="$shared/corpus/x509/google-ct-python/google_chain.pem"
[[ -f "$cert" ]] || fail "no corpus certificate $cert (CAAWATCH_SHARED_DIR)"
want=$(openssl x509 -in "$cert" -outform DER | sha256sum | cut -d' ' -f1)
json=$("$packaged" inspect --json "$cert" | head -1)
grep -q "\"sha256\":\"$want\"" <<<"$json" || fail "inspect $cert: $json (want sha256 $want)"
grep -q '"names":\["www.google.com"\]' <<<"$json" || fail "inspect $cert: $json"
echo "inspect: www.google.com, sha256 $want"
for page in "$root"/usr/share/man/man*/*; do
  warnings=$(MANWIDTH=80 LC_ALL=C man --warnings -P cat -l "$page" 2>&1 >/dev/null)
  [[ -z "$warnings" ]] || fail "man -l $page: $warnings"
done
completion="$root/usr/share/bash-completion/completions/caawatch"
offered=$(bash -c 'source "$1" && COMP_WORDS=(caawatch "") COMP_CWORD=1 && _caawatch &&
  echo "${COMPREPLY[*]}"' _ "$completion") || fail "bash completion: $offered"
for command in $("$packaged" --help | awk '/^Subcommands:/ {s = 1; next} s && /^  [a-z]/ {print $1}'); do
  [[ " $offered " == *" $command "* ]] || fail "the bash completion does not offer $command"
done
echo "bash completion: $offered"
unit="$root/lib/systemd/system/caawatch.service"
[[ -f "$unit" ]] || fail "no /lib/systemd/system/caawatch.service in the package"
command -v systemd-analyze >/dev/null || fail "systemd-analyze is missing (scripts/install-deps.sh)"
sed "s|^ExecStart=/usr/bin/caawatch |ExecStart=$packaged |" "$unit" >"$root/caawatch.service"
out=$(MANPATH="$root/usr/share/man" systemd-analyze verify "$root/caawatch.service" 2>&1) ||
  fail "systemd-analyze verify: $out"
[[ -z "$out" ]] || fail "systemd-analyze verify: $out"
echo "systemd-analyze verify: ok"
step "ok: $deb"
