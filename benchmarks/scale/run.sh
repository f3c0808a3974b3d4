#!/usr/bin/env bash
# Issue 15: the metadata store at a year's scale, measured. Run ALONE on the machine (nothing else building).
#
#   benchmarks/scale/run.sh DIR [RECORDS] [DAYS]        default 100000000 records over 365 days
#   KEEP=1 benchmarks/scale/run.sh ...                  keep DIR afterwards (default: deleted at the end)
#   SKIP_GENERATE=1 benchmarks/scale/run.sh DIR ...     measure a DIR generated before (with KEEP=1)
#
# Steps: build; generate RECORDS records over DAYS daily cycles ending yesterday (UTC) through the store's own
# appender (benchmarks/.../scale/YearStore.java); disk per record by file kind (du); MetadataStore.open alone;
# gateway start-up (process launch to its "Ebb is up" log line) twice; JMH queries by MSISDN
# and by message id over the year (sample mode); `ebb verify` of one day and of the year (progress bar on a
# terminal); append throughput idle and under year-wide queries; pruning the oldest day while appending. Prints a
# markdown table at the end (also in DIR.results.md) and deletes DIR.
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=${1:?usage: benchmarks/scale/run.sh DIR [RECORDS] [DAYS]}
records=${2:-100000000}
days=${3:-365}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
out="$dir.results.md"
log="$dir.log"
: > "$log"

need=$((records * 300))
free=$(df -B1 --output=avail "$dir" | tail -1)
if [ -z "${SKIP_GENERATE:-}" ] && [ "$free" -lt "$need" ]; then
  echo "need about $((need / 1000000000)) GB free in $dir, have $((free / 1000000000)) GB" >&2
  exit 1
fi
for port in 2775 8080 8081 9464; do
  if (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; then
    echo "port $port is in use: stop the gateway running there first" >&2
    exit 1
  fi
done

echo "== build" >&2
mvn -B -q -DskipTests -pl benchmarks -am package >&2
jvm=(java @gateway/target/jvm.args -Dlogback.configurationFile=config/logback.xml)
tool=("${jvm[@]}" -Xmx2g -cp benchmarks/target/benchmarks.jar dev.ebb.bench.scale.YearStore)
ebb=("${jvm[@]}" -cp "gateway/target/ebb-gateway.jar:gateway/target/lib/*" dev.ebb.gateway.Main)
declare -A r
collect() { # runs a year-store step, keeps its RESULT lines
  "${tool[@]}" "$@" 2>>"$log" | tee -a "$log" | while read -r tag name value unit; do
    [ "$tag" = RESULT ] && echo "$name $value $unit"
  done > "$dir.step"
  while read -r name value unit; do r[$name]="$value $unit"; done < "$dir.step"
  rm -f "$dir.step"
}
started=$(date +%s)
echo "start $(date -u +%FT%TZ), commit $(git rev-parse --short HEAD), load $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$log" >&2

if [ -z "${SKIP_GENERATE:-}" ]; then
  echo "== generate $records records over $days days into $dir (progress every 10 s)" >&2
  collect generate --dir "$dir" --records "$records" --days "$days"
fi

echo "== disk" >&2
total=0
for kind in queue index heads keys; do
  b=$(du -sB1 "$dir/metadata/$kind" | cut -f1)
  r[disk.$kind]=$b
  total=$((total + b))
done
r[disk.leaves]=$(find "$dir/metadata/index" -name '*.leaves' -print0 | du -cB1 --files0-from=- | tail -1 | cut -f1)
r[disk.segments]=$(find "$dir/metadata/index" -name '*.idx' -print0 | du -cB1 --files0-from=- | tail -1 | cut -f1)
r[disk.total]=$(du -sB1 "$dir/metadata" | cut -f1)
per() { awk -v b="$1" -v n="$records" 'BEGIN { printf "%.1f", b / n }'; }

echo "== MetadataStore.open" >&2
collect open --dir "$dir" --times 3

echo "== gateway start-up" >&2
sed "s|^dataDir: .*|dataDir: $dir|" config/ebb.yaml > "$dir.yaml"
for i in 1 2; do
  t0=$(date +%s%N)
  "${ebb[@]}" --config "$dir.yaml" > "$dir.gateway.log" 2>&1 &
  pid=$!
  until grep -q "Ebb is up" "$dir.gateway.log"; do
    kill -0 "$pid" 2>/dev/null || { cat "$dir.gateway.log" >&2; echo "gateway died" >&2; exit 1; }
    sleep 0.02
  done
  t1=$(date +%s%N)
  kill "$pid"; wait "$pid" || true
  r[startup.ms]=$(( (t1 - t0) / 1000000 ))
  echo "  start $i: 'Ebb is up' ${r[startup.ms]} ms after the launch" | tee -a "$log" >&2
done

echo "== JMH queries over the year" >&2
java @gateway/target/jvm.args -jar benchmarks/target/benchmarks.jar YearStoreQueryBenchmark -f 1 -wi 2 -w 5s -i 3 -r 10s \
  -jvmArgsAppend "-Debb.scale.dir=$dir" -jvmArgsAppend -Dlogback.configurationFile=config/logback.xml \
  | tee -a "$log" | grep -E '^YearStoreQueryBenchmark\.[A-Za-z]+:p0\.(50|99) ' > "$dir.jmh" || true
while read -r name _ score unit; do r[$name]="$score $unit"; done < <(awk '{print $1, $2, $3, $4}' "$dir.jmh")
rm -f "$dir.jmh"

echo "== ebb verify: one day, then the year" >&2
first=$(grep '^firstDay=' "$dir/scale-manifest.properties" | cut -d= -f2)
last=$(date -u -d "$first + $((days - 1)) days" +%F)
t0=$(date +%s%N); "${ebb[@]}" verify --config "$dir.yaml" --from "$last" --to "$last"; t1=$(date +%s%N)
r[verify.day.s]=$(awk -v n=$((t1 - t0)) 'BEGIN { printf "%.1f", n / 1e9 }')
t0=$(date +%s%N); "${ebb[@]}" verify --config "$dir.yaml" --from "$first" --to "$last"; t1=$(date +%s%N)
r[verify.year.s]=$(awk -v n=$((t1 - t0)) 'BEGIN { printf "%.1f", n / 1e9 }')

echo "== append while year-wide queries run" >&2
collect append-under-query --dir "$dir" --seconds 20

echo "== prune the oldest day while appending" >&2
collect prune --dir "$dir"

minutes=$(( ($(date +%s) - started) / 60 ))
{
  echo "Issue 15, $records records over $days days, $(date -u +%F), commit $(git rev-parse --short HEAD), $minutes min in all"
  echo
  echo "| what | goal | measured |"
  echo "|---|---|---|"
  echo "| generate (store's own appender) | — | ${r[generate.seconds]:-?} for ${r[generate.records]:-?} (${r[generate.rate]:-?}) |"
  echo "| query by MSISDN over the year, ≤ 1,000 hits (destination) | p99 ≤ 50 ms | p50 ${r[YearStoreQueryBenchmark.byMsisdnOverTheYear:p0.50]:-?}, p99 ${r[YearStoreQueryBenchmark.byMsisdnOverTheYear:p0.99]:-?} |"
  echo "| the same, source or destination | — | p50 ${r[YearStoreQueryBenchmark.byMsisdnEitherRoleOverTheYear:p0.50]:-?}, p99 ${r[YearStoreQueryBenchmark.byMsisdnEitherRoleOverTheYear:p0.99]:-?} |"
  echo "| query by message id over the year | p99 ≤ 10 ms | p50 ${r[YearStoreQueryBenchmark.byMessageIdOverTheYear:p0.50]:-?}, p99 ${r[YearStoreQueryBenchmark.byMessageIdOverTheYear:p0.99]:-?} |"
  echo "| gateway start-up, process launch to "Ebb is up" (2nd start, JVM start included) | ≤ 5 s | ${r[startup.ms]} ms |"
  echo "| MetadataStore.open alone (3rd open) | — | ${r[open.ms]:-?} |"
  echo "| ebb verify, one day / the year | report | ${r[verify.day.s]} s / ${r[verify.year.s]} s |"
  echo "| pruning the oldest day (key destroyed, files gone) | ≤ 100 ms | ${r[prune.ms]:-?}; ${r[prune.appendsDuring]:-?} appends meanwhile, max ${r[prune.appendMaxDuring.ms]:-?}, p99 ${r[prune.appendP99During.ms]:-?} |"
  echo "| disk per record, all files (du) | ≤ 200 B | $(per "${r[disk.total]}") B: queue $(per "${r[disk.queue]}"), index segments $(per "${r[disk.segments]}"), leaves $(per "${r[disk.leaves]}"), heads $(per "${r[disk.heads]}"), keys $(per "${r[disk.keys]}") |"
  echo "| append throughput while a year-wide query runs | ≥ 80 % of idle | ${r[append.underQuery]:-?} against ${r[append.idle]:-?} idle = ${r[append.ratio]:-?} (${r[append.queriesDuring]:-?}) |"
} | tee "$out"

if [ -z "${KEEP:-}" ]; then
  echo "== deleting $dir" >&2
  rm -rf "$dir" "$dir.yaml" "$dir.gateway.log"
fi
echo "table in $out, log in $log" >&2
