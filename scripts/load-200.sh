#!/usr/bin/env bash
# 200 concurrent syncs of one spider against one master, over gRPC and over HTTP, on loopback.
#
# Starts a master from target/node.jar (default limits: 10 scans, 16 downloads, queue 100) on a
# generated spider, then, at the same moment: LoadDriver (one JVM, from target/test-classes) runs
# N_DRIVER worker syncs, half over gRPC and half over HTTP, each with its own connections and
# destination; and N_CLI separate `java -jar target/node.jar sync` processes (half --http-only).
# Back-pressure (HTTP 503 + Retry-After) must be overcome by the clients' retries. While it runs,
# /health of the master is polled. Prints: syncs ok/failed per transport, identical copies,
# 503s answered by the master, scans performed, /health answers and their worst latency.
# Every process is stopped by its PID; all ports are on 127.0.0.1; the whole run is bounded.
#
# usage: scripts/load-200.sh
# env:   N_DRIVER=190 N_CLI=10 FILES=200 FILE_KB=8 RETRIES=30 MAX_TIME=300 KEEP=1 (keep temp dir)
#        SCAN_MAX=10 DOWNLOAD_MAX=16 QUEUE=100 (the master's sync.http limits)
# needs: mvn -B verify (target/node.jar and target/test-classes), curl, python3
set -euo pipefail
source "$(dirname "$0")/lib.sh"

N_DRIVER="${N_DRIVER:-190}"
N_CLI="${N_CLI:-10}"
FILES="${FILES:-200}"
FILE_KB="${FILE_KB:-8}"
RETRIES="${RETRIES:-30}"
MAX_TIME="${MAX_TIME:-300}"
SCAN_MAX="${SCAN_MAX:-10}"
DOWNLOAD_MAX="${DOWNLOAD_MAX:-16}"
QUEUE="${QUEUE:-100}"
require_jar
[[ -d "$ROOT/target/test-classes/dev/syncnode/load" ]] || { echo "target/test-classes missing: run 'mvn -B verify' first" >&2; exit 2; }
for tool in curl python3; do command -v "$tool" >/dev/null || { echo "$tool is required" >&2; exit 2; }; done
cd "$ROOT"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/syncnode-load200.XXXXXX")"
EXTRA_PIDS=()
cleanup() {
  rm -f "$WORK/polling"
  for pid in "${EXTRA_PIDS[@]:-}"; do [[ -n "$pid" ]] && kill "$pid" 2>/dev/null || true; done
  for pid in "${EXTRA_PIDS[@]:-}"; do [[ -n "$pid" ]] && wait "$pid" 2>/dev/null || true; done
  stop_all
  if [[ "${KEEP:-0}" == 1 ]]; then echo "kept $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

SPIDER=load-spider
SRC="$WORK/ws/$SPIDER"
python3 - "$SRC" "$FILES" "$FILE_KB" <<'PY'
import os, sys, random
root, n, kb = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rnd = random.Random(7)
for i in range(n):
    d = os.path.join(root, "pkg%02d" % (i % 20))
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "mod%04d.py" % i), "wb") as f:
        f.write(rnd.randbytes(kb * 1024))
os.makedirs(os.path.join(root, "empty"), exist_ok=True)
PY
HTTP_PORT="$(free_port)"; GRPC_PORT="$(free_port)"
cat > "$WORK/master.yml" <<YML
node: { role: master, key: master-1, workspace: "$WORK/ws" }
http: { host: 127.0.0.1, port: $HTTP_PORT }
grpc: { host: 127.0.0.1, port: $GRPC_PORT }
sync: { http: { scanMaxConcurrent: $SCAN_MAX, downloadMaxConcurrent: $DOWNLOAD_MAX, queueSize: $QUEUE } }
YML
JAVA_OPTS="-Xmx512m" start_node master "$WORK/master.log" -- -conf "$WORK/master.yml"
wait_http "http://127.0.0.1:$HTTP_PORT/health" 60

# /health poller
touch "$WORK/polling"
( while [[ -e "$WORK/polling" ]]; do
    curl -s -o /dev/null -w '%{http_code} %{time_total}\n' --max-time 10 "http://127.0.0.1:$HTTP_PORT/health" || echo "000 10"
    sleep 0.25
  done > "$WORK/health.log" ) &
POLLER=$!
EXTRA_PIDS+=("$POLLER")

CLIENT_ENV=(SYNCNODE_SYNC_RETRY_MAXATTEMPTS="$RETRIES" SYNCNODE_SYNC_RETRY_MAXBACKOFF=5s)
echo "firing $N_DRIVER driver syncs + $N_CLI CLI syncs at once (files: $FILES x ${FILE_KB} KiB)" >&2
G=$(( N_DRIVER / 2 )); H=$(( N_DRIVER - G ))
timeout "$MAX_TIME" env "${CLIENT_ENV[@]}" java -Xmx1g --add-opens java.base/sun.nio.fs=ALL-UNNAMED -cp "$JAR:$ROOT/target/test-classes" dev.syncnode.load.LoadDriver \
  "127.0.0.1:$GRPC_PORT" "http://127.0.0.1:$HTTP_PORT" "$SPIDER" "$SRC" "$WORK/driver" "$G" "$H" \
  > "$WORK/driver.out" 2> "$WORK/driver.log" &
DRIVER=$!
EXTRA_PIDS+=("$DRIVER")
CLI_PIDS=()
for i in $(seq 1 "$N_CLI"); do
  if (( i % 2 == 0 )); then mode=(--master-http "http://127.0.0.1:$HTTP_PORT" --http-only); else mode=(--master "127.0.0.1:$GRPC_PORT"); fi
  timeout "$MAX_TIME" env "${CLIENT_ENV[@]}" java -Xmx128m -XX:TieredStopAtLevel=1 -jar "$JAR" sync "${mode[@]}" \
    --spider "$SPIDER" --dest "$WORK/cli/c$i" --json > "$WORK/cli$i.out" 2> "$WORK/cli$i.log" &
  CLI_PIDS+=($!)
  EXTRA_PIDS+=($!)
done

driver_rc=0; wait "$DRIVER" || driver_rc=$?
cli_ok=0; cli_fail=0; cli_identical=0
tree_sum() { (cd "$1" && find . -path ./.syncnode -prune -o -type f -print0 | sort -z | xargs -0 sha256sum) | sha256sum | cut -d' ' -f1; }
SRC_SUM="$(tree_sum "$SRC")"
for i in $(seq 1 "$N_CLI"); do
  if wait "${CLI_PIDS[$((i-1))]}"; then
    cli_ok=$((cli_ok + 1))
    [[ "$(tree_sum "$WORK/cli/c$i")" == "$SRC_SUM" ]] && cli_identical=$((cli_identical + 1))
  else
    cli_fail=$((cli_fail + 1)); echo "CLI $i failed: $(tail -1 "$WORK/cli$i.out")" >&2
  fi
done
rm -f "$WORK/polling"; wait "$POLLER" 2>/dev/null || true

METRICS="$(curl -s "http://127.0.0.1:$HTTP_PORT/metrics")"
metric() { echo "$METRICS" | awk -v m="$1" 'index($0, m) == 1 { s += $NF } END { printf "%.0f", s }'; }
echo
echo "== load-200: $((N_DRIVER + N_CLI)) concurrent syncs of $FILES files against one master =="
echo "driver (exit $driver_rc): $(tail -1 "$WORK/driver.out")"
echo "CLI processes: ok=$cli_ok failed=$cli_fail identical=$cli_identical"
echo "master: 503s sent (syncnode_http_rejected_total)=$(metric syncnode_http_rejected_total)" \
     "scans performed=$(metric syncnode_scans_total)" \
     "scan requests=$(metric syncnode_scan_requests_total)" \
     "bytes sent=$(metric syncnode_bytes_sent_total)"
python3 - "$WORK/health.log" <<'PY'
import sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
codes = {}
for c, _ in rows: codes[c] = codes.get(c, 0) + 1
lat = sorted(float(t) for _, t in rows) or [0]
print("master /health during the load: %d polls, codes %s, latency p50 %.0f ms, max %.0f ms"
      % (len(rows), codes, 1000 * lat[len(lat) // 2], 1000 * lat[-1]))
PY
[[ "$driver_rc" == 0 && "$cli_fail" == 0 && "$cli_identical" == "$N_CLI" ]]
