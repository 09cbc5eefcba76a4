#!/usr/bin/env bash
# Start-up times, two ways of launching side by side (runs alternate):
#   scripts/startup.sh [ROUNDS]        (default 5; needs target/node.jar and target/node.jsa)
# Per round and launcher: a master on conf/config.yml (fresh ports) until /health answers 200, then
# a one-shot `sync` of example-spider into a fresh directory. Prints wall ms and CPU ms (user + system,
# from /proc and time) of each, then the medians. Launchers: `java -jar target/node.jar` and
# `scripts/syncnode` (the same, with the class-data sharing archive); STARTUP_OLD_JAR=FILE adds
# `java -jar FILE` (e.g. an older build) as a third.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
require_jar
cd "$ROOT"
ROUNDS="${1:-5}"
WORK="$(mktemp -d)"
trap 'for p in "${PIDS[@]:-}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"' EXIT
LAUNCHERS=("java -jar $ROOT/target/node.jar" "$ROOT/scripts/syncnode")
NAMES=("java -jar" "scripts/syncnode")
if [[ -n "${STARTUP_OLD_JAR:-}" ]]; then LAUNCHERS+=("java -jar $STARTUP_OLD_JAR"); NAMES+=("old jar"); fi

ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
for round in $(seq "$ROUNDS"); do
  for i in "${!LAUNCHERS[@]}"; do
    http=$(free_port); grpc=$(free_port)
    t0=$(date +%s%N)
    SYNCNODE_HTTP_PORT=$http SYNCNODE_GRPC_PORT=$grpc ${LAUNCHERS[$i]} -conf conf/config.yml >"$WORK/master.log" 2>&1 &
    pid=$!; PIDS+=("$pid")
    until curl -fsS -o /dev/null "http://127.0.0.1:$http/health" 2>/dev/null; do sleep 0.01; done
    healthy=$(ms "$t0")
    master_cpu=$(awk '{print ($14 + $15) * 10}' "/proc/$pid/stat")
    rm -rf "$WORK/dest"
    t1=$(date +%s%N)
    /usr/bin/time -o "$WORK/time" -f "%U %S" ${LAUNCHERS[$i]} sync --master "127.0.0.1:$grpc" --spider example-spider \
      --dest "$WORK/dest" --quiet >"$WORK/sync.log" 2>&1
    sync=$(ms "$t1")
    sync_cpu=$(awk '{printf "%d", ($1 + $2) * 1000}' "$WORK/time")
    kill "$pid"; wait "$pid" 2>/dev/null || true
    echo "${NAMES[$i]}|$healthy|$master_cpu|$sync|$sync_cpu"
    printf '%-17s round %d: master healthy %5d ms (CPU %5d ms), CLI sync %5d ms (CPU %5d ms)\n' \
      "${NAMES[$i]}" "$round" "$healthy" "$master_cpu" "$sync" "$sync_cpu" >&2
  done
done >"$WORK/rows"
echo
echo "medians of $ROUNDS rounds ($(nproc) CPUs, $(java -version 2>&1 | head -1)):"
for name in "${NAMES[@]}"; do
  grep "^$name|" "$WORK/rows" | python3 -c '
import sys, statistics as st
rows = [list(map(int, l.strip().split("|")[1:])) for l in sys.stdin]
m = [int(st.median(c)) for c in zip(*rows)]
print(f"  {sys.argv[1]:<17} master healthy {m[0]:5d} ms (CPU {m[1]:5d}), CLI sync {m[2]:5d} ms (CPU {m[3]:5d})")' "$name"
done
