#!/usr/bin/env bash
# Fails on what issue 14's "Done when" greps for, so that it stays done (tests/ and bench/ are
# not checked):
# - wall-clock time read outside base/ and cli/: below the command line every timer reads
#   base/clock.h's Clock, so that a test can step it (absl::Now() is for the Clock itself and
#   for a command's "now");
# - a verdict's name as a string literal outside its one spelling, store/verdict.cc: every other
#   file converts the enum (store::VerdictName, the API's enums). "log_misbehaviour" and
#   "malformed_cert" are also finding kinds, spelled once in store/finding_kind.cc, and
#   "indeterminate" is also a DNSSEC status, so those three are not looked for. Comments are.
# With a folder argument, checks that tree instead of the repository (the test plants offenders
# in a copy).
set -euo pipefail
cd "${1:-$(dirname "$0")/..}"
status=0
rooms=()
for d in base names ctlog revoke caa store watch judge tail server notify monitor proto cli; do
  if [ -d "$d" ]; then rooms+=("$d"); fi
done
sources() {  # every line of the C++ sources of the given rooms, as file:line:text, comments cut
  [ "$#" -gt 0 ] || return 0
  grep -rn '' "$@" --include='*.h' --include='*.cc' | sed -E 's#^([^:]+:[0-9]+:)(.*)//.*$#\1\2#'
}
below_cli=()
for d in "${rooms[@]}"; do
  case "$d" in base | cli) ;; *) below_cli+=("$d") ;; esac
done
hits=$(sources "${below_cli[@]}" | grep -F 'absl::Now()' || true)
if [ -n "$hits" ]; then
  echo "convention violation: the wall clock is read through Clock below cli/, not absl::Now():" >&2
  echo "$hits" >&2
  status=1
fi
verdicts='forbidden|likely_forbidden|unknown_issuer|dns_indeterminate|permitted|permitted_conditional|no_data|exempt|unexpected_issuer'
hits=$(sources "${rooms[@]}" | grep -E "\"(${verdicts})\"" | grep -v '^store/verdict\.cc:' || true)
if [ -n "$hits" ]; then
  echo "convention violation: a verdict is spelled by store/verdict.cc only (store::VerdictName):" >&2
  echo "$hits" >&2
  status=1
fi
exit $status
