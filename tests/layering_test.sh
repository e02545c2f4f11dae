#!/usr/bin/env bash
# The layering check passes on the tree and fails on each wrong include planted in a copy of it,
# so that it cannot pass by checking nothing. Given the build tree, also checks that the include
# path of each room's target leaves out the rooms it does not link.
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
  "watch/label_trie.cc store/store.h"
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
  "cli/caa_command.cc judge/caa_check.h"
  "cli/status_command.cc tail/log_worker.h"
  "cli/watch_command.cc judge/watch_source.h"
  "cli/alert_subscriber.cc server/grpc_server.h"
  "cli/subscribe_command.cc server/finding_convert.h"
  "cli/run_command.cc watch/watchlist.h"
  "cli/watch_command.cc watch/watchlist_index_file.h"
  "cli/notify_command.cc notify/sink.h"
  "cli/status_command.cc ctlog/log_list.h"
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
# With the build tree (ctest passes it): the include path enforces the same, so a header of a
# room that a target does not link cannot even be found. Each case preprocesses one #include
# with the flags of a source file of a room, as compile_commands.json records them.
binary_dir="${1:-}"
if [ -n "$binary_dir" ]; then
  commands="$binary_dir/compile_commands.json"
  [ -f "$commands" ] || { echo "FAIL: no $commands" >&2; exit 1; }
  # source file of the room, include, "found" or "missing"
  includes=(
    "watch/label_trie.cc watch/watchlist.h found"
    "watch/label_trie.cc base/clock.h found"
    "watch/label_trie.cc store/finding_store.h missing"
    "watch/label_trie.cc judge/alert_hub.h missing"
    "watch/label_trie.cc caa/policy.h missing"
    "ctlog/merkle.cc caa/policy.h missing"
    "ctlog/merkle.cc store/keys.h missing"
    "caa/policy.cc ctlog/merkle.h missing"
    "store/keys.cc ctlog/merkle.h missing"
    "store/keys.cc store/records.pb.h found"
    "judge/alert_hub.cc tail/log_worker.h missing"
    "judge/alert_hub.cc server/service.h missing"
    "judge/alert_hub.cc monitor/config.h missing"
    "server/service.cc tail/log_worker.h missing"
    "server/service.cc cli/table.h missing"
    "base/clock.cc ctlog/merkle.h missing"
    "base/clock.cc proto/caawatch/v1/monitor.pb.h missing"
    "cli/run_command.cc monitor/config.h found"
    "cli/run_command.cc proto/finding_convert.h found"
    "cli/run_command.cc server/grpc_server.h missing"
    "cli/run_command.cc server/finding_convert.h missing"
    "cli/alert_subscriber.cc caawatch/v1/monitor.grpc.pb.h found"
    "cli/alert_subscriber.cc server/alert_stream.h missing"
  )
  # The compiler and the include, definition and standard flags of each source, one a line,
  # into $tmp/flags/<source with / as _>.
  mkdir -p "$tmp/flags" "$tmp/empty"
  python3 - "$commands" "$root" "$tmp/flags" "${includes[@]}" <<'PY'
import json, os, shlex, sys
commands, root, out = sys.argv[1:4]
wanted = {os.path.realpath(os.path.join(root, c.split()[0])): c.split()[0] for c in sys.argv[4:]}
for entry in json.load(open(commands)):
    source = wanted.get(os.path.realpath(os.path.join(entry["directory"], entry["file"])))
    if source is None:
        continue
    args = entry.get("arguments") or shlex.split(entry["command"])
    args = [a for a in args if not a.endswith("ccache")]
    keep, i = [args[0]], 1
    while i < len(args):
        a = args[i]
        if a in ("-I", "-isystem", "-D", "-iquote"):
            keep += args[i:i + 2]
            i += 2
            continue
        if a.startswith(("-I", "-isystem", "-D", "-std=", "-iquote")):
            keep.append(a)
        i += 1
    with open(os.path.join(out, source.replace("/", "_")), "w") as f:
        f.write("\n".join(keep) + "\n")
PY
  for case in "${includes[@]}"; do
    read -r source include expected <<<"$case"
    flags="$tmp/flags/${source//\//_}"
    if [ ! -f "$flags" ]; then
      echo "FAIL: $source is not in $commands" >&2
      failures=$((failures + 1))
      continue
    fi
    mapfile -t cc <"$flags"
    # From an empty directory: a quoted include looks in the current one first.
    if (cd "$tmp/empty" && echo "#include \"$include\"" |
          "${cc[@]}" -E -x c++ - -o /dev/null 2>/dev/null); then
      found=found
    else
      found=missing
    fi
    if [ "$found" != "$expected" ]; then
      echo "FAIL: #include \"$include\" is $found with the flags of $source, not $expected" >&2
      failures=$((failures + 1))
    fi
  done
  echo "include path: ${#includes[@]} cases checked"
fi
[ "$failures" -eq 0 ]
