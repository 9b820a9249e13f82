#!/usr/bin/env bash
# Benchmarks `greenbatch serve` (not a test; numbers depend on the machine and its load):
#  1. synthetic backend at zero cost, greedy batching: sustained requests/s under `hey -c 64`
#     (closed loop: hey has no open-loop mode), and the HTTP overhead per request at an open-loop
#     500 requests/s (client response − the server's queue_ms − service_ms, p50 and p99);
#  2. the same policy and rate in-process with `greenbatch run` for comparison;
#  3. shufflenet_v2_x1_0 (random weights) on JPEG payloads: requests/s under `hey -c 64`.
# Usage: bench/serve_bench.sh [BUILD_DIR=build] [SECONDS=10]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
seconds=${2:-10}
bin=$build/src/greenbatch
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

serve() {  # serve ARGS...: starts the server, sets $port and $server
  "$bin" serve "$@" --port 0 --meter none --idle-seconds 0 >"$work/serve.log" 2>&1 &
  server=$!
  for _ in $(seq 600); do
    port=$(grep -o 'http://127.0.0.1:[0-9]*' "$work/serve.log" | cut -d: -f3 || true)
    [[ -n "$port" ]] && return 0
    sleep 0.1
  done
  cat "$work/serve.log" >&2
  return 1
}
stop() { kill -TERM "$server"; wait "$server"; }

echo '{"inputs":[{"name":"input","datatype":"FP32","shape":[1,1,1,4],"data":[1,2,3,4]}]}' >"$work/fp32.json"

echo "== synthetic zero-cost backend, greedy:256"
serve --backend synthetic:alpha=0,tau0=0,mode=sleep --policy greedy:256 --io-threads 2
hey -z "${seconds}s" -c 64 -m POST -T application/json -D "$work/fp32.json" \
  "http://127.0.0.1:$port/v2/models/synthetic/infer" | grep -E 'Requests/sec|Average|^ *\[[0-9]{3}\]|50% in|99% in'
"$build/bench/greenbatch_serve_overhead" "$port" synthetic "$work/fp32.json" 500 "$seconds" 16
curl -s "http://127.0.0.1:$port/metrics" | grep -E '^greenbatch_batch_size_(sum|count)'
stop

echo "== the same in-process: greenbatch run, poisson:500"
"$bin" run --backend synthetic:alpha=0,tau0=0,mode=sleep --policy greedy:256 --arrival poisson:500 \
  --duration "$seconds" --meter none --idle-seconds 0 2>/dev/null | grep -E 'response_(p50|p99)_ms|throughput|mean_batch'

echo "== shufflenet_v2_x1_0 on JPEG payloads, greedy:32"
# A 500x375 JPEG drawn by gnuplot (a dependency already), base64-encoded into a BYTES request.
gnuplot -e "set terminal jpeg size 500,375; set output '$work/photo.jpg'; set pm3d map; splot sin(x)*cos(y)"
python3 - "$work" <<'PY'
import base64, json, sys
jpeg = open(sys.argv[1] + '/photo.jpg', 'rb').read()
body = {"inputs": [{"name": "input", "datatype": "BYTES", "shape": [1], "data": [base64.b64encode(jpeg).decode()]}],
        "outputs": [{"name": "logits", "parameters": {"classification": 1}}]}
open(sys.argv[1] + '/jpeg.json', 'w').write(json.dumps(body))
PY
serve --model shufflenet_v2_x1_0 --policy greedy:32 --io-threads 2
hey -z "${seconds}s" -c 64 -m POST -T application/json -D "$work/jpeg.json" \
  "http://127.0.0.1:$port/v2/models/shufflenet_v2_x1_0/infer" | grep -E 'Requests/sec|Average|^ *\[[0-9]{3}\]|50% in|99% in'
curl -s "http://127.0.0.1:$port/metrics" | grep -E '^greenbatch_batch_size_(sum|count)'
stop
