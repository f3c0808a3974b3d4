#!/usr/bin/env bash
# Runs every row of issue 12's table (benchmarks/README.md), one gateway and one load generator at a time, each
# gateway on a fresh data directory; appends the figures, the load average and the commit to FILE. Run it alone on
# the machine, from the repository root:  benchmarks/table.sh [FILE]   (default benchmarks/table.out)
set -u
cd "$(dirname "$0")/.."
out=${1:-benchmarks/table.out}
wait_port() { for _ in $(seq 1 120); do (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return 0; sleep 0.5; done; return 1; }
row() { # name config port load-command...
  local name=$1 config=$2 port=$3; shift 3
  rm -rf data data-bench-full data-bench-ingest
  ./ebb --config "$config" > "/tmp/ebb-table-$name.log" 2>&1 &
  local gw=$!
  wait_port "$port" || { echo "gateway for $name did not start (see /tmp/ebb-table-$name.log)" >> "$out"; kill $gw; return; }
  sleep 3
  echo "== $name: $(date +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg) commit $(git rev-parse --short HEAD)" >> "$out"
  echo "\$ $*" >> "$out"
  "$@" 2>&1 | grep -E "^TOTAL|^submit|refused|Requests per second|Failed requests|Requests/sec|99%" >> "$out"
  kill $gw; wait $gw 2>/dev/null
}
echo "# $(date -u) $(nproc) cores" >> "$out"
row smpp-full config/ebb.yaml 2775 benchmarks/ebb-load --binds 4 --window 256 --rate 15000 --messages 400000
row http-cb benchmarks/full-path.yaml 8080 benchmarks/ebb-load --mode http --connections 32 --messages 200000
row http-nocb config/ebb.yaml 8080 sh -c 'wrk -t1 -c32 -d10s -s benchmarks/http-post.lua http://127.0.0.1:8080/v1/messages >/dev/null; wrk -t1 -c32 -d20s --latency -s benchmarks/http-post.lua http://127.0.0.1:8080/v1/messages'
row ingest benchmarks/ingest.yaml 2775 benchmarks/ebb-load --messages 1000000 --binds 4 --window 256 --no-receipts
row ingest-50k benchmarks/ingest.yaml 2775 benchmarks/ebb-load --messages 500000 --binds 4 --window 256 --no-receipts --rate 50000
row ab config/ebb.yaml 8080 sh -c "ab -n 5000 -c 8 -p benchmarks/message.json -T application/json -H 'Authorization: Bearer demo-api-key' http://127.0.0.1:8080/v1/messages >/dev/null; ab -n 20000 -c 8 -p benchmarks/message.json -T application/json -H 'Authorization: Bearer demo-api-key' http://127.0.0.1:8080/v1/messages"
echo "== done $(date +%H:%M:%S)" >> "$out"
