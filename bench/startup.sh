#!/usr/bin/env bash
# Start-up time of commands that run no model (not a test; numbers depend on the machine and its
# load). Each command runs RUNS times, alternating with its peer, and the median wall time is
# printed with the ratio to the peer:
#   --help                     vs  sqlite3 -version       (a small C program that only starts)
#   export --table trials      vs  sqlite3 -csv DB "SELECT * FROM trials"   (the same rows)
#   merge OUT IN               vs  sqlite3 OUT ".restore IN"                (copy one store)
#   report --help, simulate --help, models --names (no peer: their start-up alone)
# Target: every greenbatch command here <= 0.1 s (LibTorch is loaded only when a model runs).
# Usage: bench/startup.sh [BUILD_DIR=build] [RUNS=21]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
runs=${2:-21}
bin=$build/src/greenbatch
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# A small store to read: one synthetic trial of 50 requests.
"$bin" run --backend synthetic:alpha=0.1,tau0=0.1,mode=sleep --policy greedy:8 --arrival poisson:500 \
  --requests 50 --meter none --idle-seconds 0 --db "$work/s.db" >/dev/null 2>&1

seconds() {  # seconds CMD...: wall time of one run, output discarded
  local t0 t1
  t0=$(date +%s%N)
  "$@" >/dev/null 2>&1
  t1=$(date +%s%N)
  echo "scale=6; ($t1 - $t0) / 1000000000" | bc
}
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR + 1) / 2)]}'; }
verdict() { if [[ $(echo "$1 <= 0.1" | bc) == 1 ]]; then echo "within 0.1 s"; else echo "OVER 0.1 s"; fi; }

compare() {  # compare NAME "GREENBATCH CMD" ["PEER CMD"]
  local name=$1 ours=$2 peer=${3:-} a=() b=()
  for _ in $(seq "$runs"); do
    rm -f "$work/m.db" "$work/p.db"
    a+=("$(seconds bash -c "$ours")")
    [[ -n "$peer" ]] && b+=("$(seconds bash -c "$peer")")
  done
  local ma mb
  ma=$(printf '%s\n' "${a[@]}" | median)
  if [[ -n "$peer" ]]; then
    mb=$(printf '%s\n' "${b[@]}" | median)
    printf '%-28s greenbatch %6.3f s   peer %6.3f s   ratio %5.2f   %s\n' "$name" "$ma" "$mb" \
      "$(echo "scale=4; $ma / $mb" | bc)" "$(verdict "$ma")"
  else
    printf '%-28s greenbatch %6.3f s   %s\n' "$name" "$ma" "$(verdict "$ma")"
  fi
}

echo "median of $runs runs each (bash -c included on both sides), load: $(cut -d' ' -f1-3 /proc/loadavg)"
compare "--help" "$bin --help" "sqlite3 -version"
compare "export --table trials" "$bin export --db $work/s.db --table trials" \
  "sqlite3 -csv -header $work/s.db 'SELECT * FROM trials'"
compare "merge (one store)" "$bin merge $work/m.db $work/s.db" "sqlite3 $work/p.db '.restore $work/s.db'"
compare "report --help" "$bin report --help"
compare "simulate --help" "$bin simulate --help"
compare "models --names" "$bin models --names"
