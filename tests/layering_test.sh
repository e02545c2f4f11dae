#!/usr/bin/env bash
# The layering check passes on the tree and fails on each wrong include planted in a copy of it,
# so that it cannot pass by checking nothing.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
check="$root/scripts/check-layering.sh"
bash "$check" "$root" || { echo "FAIL: the tree itself violates the layering" >&2; exit 1; }
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
failures=0
# folder/file, include that must be refused there
planted=(
  "watch/watchlist.h judge/alert_hub.h"
  "watch/label_trie.cc store/finding_store.h"
  "ctlog/merkle.h caa/policy.h"
  "caa/policy.cc store/keys.h"
  "store/keys.cc ctlog/merkle.h"
  "judge/alert_hub.cc tail/log_worker.h"
  "judge/caa_poll.cc server/service.h"
  "tail/log_worker.cc monitor/supervisor.h"
  "server/service.cc tail/log_worker.h"
  "monitor/supervisor.cc cli/table.h"
  "base/clock.h watch/watchlist.h"
  "base/hex.h names/domain_name.h"
  "names/domain_name.cc ctlog/punycode.h"
  "names/domain_name.h watch/watchlist.h"
  "watch/watchlist.cc tail/log_worker.h"
  "cli/run_command.cc store/finding_store.h"
  "cli/caa_command.cc caa/relevant_set.h"
  "cli/findings_command.cc ctlog/leaf.h"
  "cli/context.h store/wal_recovery.h"
)
for case in "${planted[@]}"; do
  read -r file include <<<"$case"
  rm -rf "$tmp/tree" && mkdir "$tmp/tree"
  for d in base names ctlog caa store watch judge tail server monitor cli; do
    if [ -d "$root/$d" ]; then cp -r "$root/$d" "$tmp/tree/"; fi
  done
  mkdir -p "$(dirname "$tmp/tree/$file")"  # A room not in this tree yet gets the planted file alone.
  echo "#include \"$include\"" >>"$tmp/tree/$file"
  if bash "$check" "$tmp/tree" 2>/dev/null; then
    echo "FAIL: $include planted in $file passed the check" >&2
    failures=$((failures + 1))
  fi
done
echo "planted includes: $(( ${#planted[@]} - failures )) refused, $failures passed"
[ "$failures" -eq 0 ]
