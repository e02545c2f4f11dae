#!/usr/bin/env bash
# scripts/check-conventions.sh passes on the tree, fails on each offender planted in a copy of
# it and passes what it allows (so that it cannot pass by checking nothing).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
check="$root/scripts/check-conventions.sh"
bash "$check" "$root" || { echo "FAIL: the tree itself breaks a convention" >&2; exit 1; }
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
failures=0
# file, line appended, "refused" or "allowed"
cases=(
  "judge/caa_poll.cc|const absl::Time now = absl::Now();|refused"
  "tail/log_worker.cc|absl::Time t = absl::Now();|refused"
  "notify/iodef_target.cc|bool f = verdict == \"forbidden\";|refused"
  "server/service.cc|r.set_verdict(\"no_data\");|refused"
  "cli/findings_command.cc|if (v == \"permitted\") return;|refused"
  "cli/run_command.cc|const absl::Time now = absl::Now();|allowed"
  "base/clock.cc|absl::Time t = absl::Now();|allowed"
  "judge/caa_poll.cc|// A \"forbidden\" verdict, said at absl::Now().|allowed"
  "store/finding_kind.cc|r.set_kind(\"malformed_cert\");|allowed"
)
for case in "${cases[@]}"; do
  IFS='|' read -r file line expected <<<"$case"
  rm -rf "$tmp/tree" && mkdir "$tmp/tree"
  for d in base names ctlog caa store watch judge tail server notify monitor proto cli; do
    if [ -d "$root/$d" ]; then cp -r "$root/$d" "$tmp/tree/"; fi
  done
  echo "$line" >>"$tmp/tree/$file"
  if bash "$check" "$tmp/tree" 2>/dev/null; then got=allowed; else got=refused; fi
  if [ "$got" != "$expected" ]; then
    echo "FAIL: '$line' in $file was $got, not $expected" >&2
    failures=$((failures + 1))
  fi
done
echo "planted lines: ${#cases[@]} checked, $failures wrong"
[ "$failures" -eq 0 ]
