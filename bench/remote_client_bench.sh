#!/usr/bin/env bash
# Benchmarks the open-loop remote client (not a test; numbers depend on the machine and its load).
# Against a zero-cost synthetic `greenbatch serve` (greedy:256) on the same machine:
#  1. `greenbatch run --target` at rising open-loop rates: send lateness (sent − scheduled) p50,
#     p99 and max, requests/s answered, the client's CPU time per request (user + system, startup
#     and probe included), and the highest rate whose lateness p99 is <= 1 ms;
#  2. closed-loop throughput of Debian's `hey` (-c 64) and `wrk` (-c 64) on the same server, for
#     scale (closed loop: they send when an answer comes back, so they have no send lateness).
# Usage: bench/remote_client_bench.sh [BUILD_DIR=build] [SECONDS=3] [RATES="1000 2000 4000 8000 16000"]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
seconds=${2:-3}
rates=${3:-"1000 2000 4000 8000 16000"}
bin=$build/src/greenbatch
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

"$bin" serve --backend synthetic:alpha=0,tau0=0,mode=sleep --policy greedy:256 --io-threads 1 --port 0 \
  --meter none --idle-seconds 0 --warmup-batches 0 >"$work/serve.log" 2>&1 &
server=$!
port=
for _ in $(seq 600); do
  port=$(grep -o 'http://127.0.0.1:[0-9]*' "$work/serve.log" | cut -d: -f3 || true)
  [[ -n "$port" ]] && break
  sleep 0.1
done
[[ -n "$port" ]] || { cat "$work/serve.log" >&2; exit 1; }
url=http://127.0.0.1:$port

echo "== open loop: greenbatch run --target $url (jitter, no spread, ${seconds} s per rate)"
printf '%8s %10s %12s %12s %12s %12s %10s\n' rate answered/s late_p50_ms late_p99_ms late_max_ms cpu_us/req faults
best=none
for rate in $rates; do
  db=$work/rate$rate.db
  TIMEFORMAT='%U %S'
  { time "$bin" run --target "$url" --model synthetic --payload tensor --arrival "jitter:$rate,spread=0" \
    --duration "$seconds" --meter none --idle-seconds 0 --db "$db" >/dev/null 2>"$work/run.log"; } 2>"$work/cpu" || true
  line=$(python3 - "$db" "$work/cpu" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
cpu = sum(float(x) for x in open(sys.argv[2]).read().split()[-2:])
late = sorted(s - q for s, q in db.execute("SELECT sent_s, scheduled_s FROM remote_requests WHERE sent_s IS NOT NULL"))
served, duration, faults = db.execute("SELECT served, duration_s, request_faults FROM trials").fetchone()
q = lambda p: late[min(len(late) - 1, int(p * len(late)))] * 1e3
print(f"{served / duration:.0f} {q(0.5):.3f} {q(0.99):.3f} {late[-1] * 1e3:.3f} {cpu / len(late) * 1e6:.1f} {faults or 'none'}")
PY
)
  read -r rps p50 p99 max cpu faults <<<"$line"
  printf '%8s %10s %12s %12s %12s %12s %10s\n' "$rate" "$rps" "$p50" "$p99" "$max" "$cpu" "$faults"
  if python3 -c "import sys; sys.exit(0 if float('$p99') <= 1.0 and '$faults' == 'none' else 1)"; then best=$rate; fi
done
echo "highest rate with send lateness p99 <= 1 ms: $best requests/s"

echo '{"inputs":[{"name":"input","datatype":"FP32","shape":[1,1,1,4],"data":[1,2,3,4]}]}' >"$work/fp32.json"
echo "== closed loop: hey -c 64, ${seconds} s"
hey -z "${seconds}s" -c 64 -m POST -T application/json -D "$work/fp32.json" "$url/v2/models/synthetic/infer" |
  grep -E 'Requests/sec|^ *\[[0-9]{3}\]'
if command -v wrk >/dev/null; then
  cat >"$work/post.lua" <<LUA
wrk.method = "POST"
wrk.body = '$(cat "$work/fp32.json")'
wrk.headers["Content-Type"] = "application/json"
LUA
  echo "== closed loop: wrk -t 1 -c 64, ${seconds} s"
  wrk -t 1 -c 64 -d "${seconds}s" -s "$work/post.lua" "$url/v2/models/synthetic/infer" | grep -E 'Requests/sec|Non-2xx'
fi
kill -TERM "$server"
wait "$server" || true
