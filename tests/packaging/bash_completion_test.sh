#!/usr/bin/env bash
# The generated bash completion offers what the built program takes: its commands (as --help
# lists them), a command's subcommands, a command's flags, a flag's fixed values and file names.
#   bash_completion_test.sh build/cli/caawatch build/packaging/caawatch.bash-completion
set -uo pipefail
caawatch=$1
# shellcheck source=/dev/null
source "$2" || { echo "cannot source $2"; exit 1; }
failures=0

# complete_line WORD...: what the completion offers for the last word.
complete_line() {
  COMP_WORDS=("$@")
  COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  COMPREPLY=()
  _caawatch
  printf '%s\n' "${COMPREPLY[@]}" | sort
}

expect() {
  local want=$1 got
  shift
  got=$(complete_line "$@")
  if [[ "$got" != "$want" ]]; then
    echo "FAIL: completing '$*': got [${got//$'\n'/ }], want [${want//$'\n'/ }]"
    failures=$((failures + 1))
  fi
}

[[ "$(complete -p caawatch 2>&1)" == "complete -F _caawatch caawatch" ]] ||
  { echo "FAIL: not registered: $(complete -p caawatch 2>&1)"; failures=$((failures + 1)); }

# The commands are those of --help.
commands=$("$caawatch" --help | awk '/^Subcommands:/ {in_list = 1; next}
  in_list && /^  [a-z]/ {print $1; next} in_list && /^[^ ]/ {in_list = 0}' | sort)
[[ -n "$commands" ]] || { echo "FAIL: no commands in caawatch --help"; exit 1; }
expect "$commands" caawatch ""
expect "$(printf 'caa\ncert')" caawatch "c"
expect "$(printf 'check\nhistory\nsuggest')" caawatch caa ""
expect "$(printf 'check\nhistory\nsuggest')" caawatch --version caa ""  # a flag before the command
# A command's flags, each of --help's.
for flag in $("$caawatch" run --help | grep -oE '^  (-[a-z],)?--[a-z-]+' | sed 's/.*,//'); do
  complete_line caawatch run -- | grep -qx -- "$flag" ||
    { echo "FAIL: caawatch run -- does not offer $flag"; failures=$((failures + 1)); }
done
expect "$(printf -- '--watch\n--watchlist\n--webhook')" caawatch run --w
expect "$(printf -- '--issuer')" caawatch caa check --is
# A flag's fixed values, and its value is not taken for a command.
expect "$(printf 'off\non')" caawatch run --dnssec ""
expect "$(printf 'critical\nwarning')" caawatch run --once --fail-on ""
expect "$(printf -- '--watch\n--watchlist\n--webhook')" caawatch run --data-dir watch --w
# File names where a file goes.
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
touch "$dir/cert.pem" "$dir/certs.txt"
expect "$(printf '%s\n' "$dir/cert.pem" "$dir/certs.txt")" caawatch inspect "$dir/ce"
expect "$dir/cert.pem" caawatch run --config "$dir/cert."

if ((failures)); then
  echo "$failures failures"
  exit 1
fi
echo "bash completion: ok"
