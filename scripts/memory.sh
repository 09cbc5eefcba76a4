#!/usr/bin/env bash
# Bounded memory with big files, on loopback: a master started with -Xmx256m serves a 1 GiB file to
# 10 workers at once (one-shot CLI syncs, each -Xmx256m too; half over gRPC, half --http-only).
# Every JVM runs with -XX:+ExitOnOutOfMemoryError, so a heap that does not fit ends the run.
# Prints per process: exit, peak RSS (VmHWM, sampled from /proc), the largest heap occupancy
# before a GC (from -Xlog:gc), and whether the copy verifies (SHA-256). Stops everything by PID.
#
# usage: scripts/memory.sh
# env:   SIZE_MB=1024 WORKERS=10 HEAP=256m MAX_TIME=600 KEEP=1 (keep the temp dir)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

SIZE_MB="${SIZE_MB:-1024}"
WORKERS="${WORKERS:-10}"
HEAP="${HEAP:-256m}"
MAX_TIME="${MAX_TIME:-600}"
require_jar
for tool in curl python3 sha256sum; do command -v "$tool" >/dev/null || { echo "$tool is required" >&2; exit 2; }; done
[[ -r /proc/self/status ]] || { echo "needs /proc (Linux) to sample memory" >&2; exit 2; }
cd "$ROOT"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/syncnode-memory.XXXXXX")"
PIDS_ALL=()
cleanup() {
  for pid in "${PIDS_ALL[@]:-}"; do [[ -n "$pid" ]] && kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS_ALL[@]:-}"; do [[ -n "$pid" ]] && wait "$pid" 2>/dev/null || true; done
  if [[ "${KEEP:-0}" == 1 ]]; then echo "kept $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

SPIDER=huge-spider
mkdir -p "$WORK/ws/$SPIDER"
python3 - "$WORK/ws/$SPIDER/huge.bin" "$SIZE_MB" <<'PY'
import sys, random
path, mb = sys.argv[1], int(sys.argv[2])
rnd = random.Random(1)
block = rnd.randbytes(1 << 20)
with open(path, "wb") as f:
    for i in range(mb):
        f.write(block[i % 997:] + block[:i % 997])  # distinct blocks, cheap to make
PY
SUM=$(sha256sum "$WORK/ws/$SPIDER/huge.bin" | cut -d' ' -f1)
HTTP_PORT="$(free_port)"; GRPC_PORT="$(free_port)"
cat > "$WORK/master.yml" <<YML
node: { role: master, key: master-1, workspace: "$WORK/ws" }
http: { host: 127.0.0.1, port: $HTTP_PORT }
grpc: { host: 127.0.0.1, port: $GRPC_PORT }
YML
JVM=(-Xmx"$HEAP" -XX:+ExitOnOutOfMemoryError)
java "${JVM[@]}" -Xlog:gc:file="$WORK/gc-master.log" -jar "$JAR" -conf "$WORK/master.yml" > "$WORK/master.log" 2>&1 &
MASTER=$!
PIDS_ALL+=("$MASTER")
wait_http "http://127.0.0.1:$HTTP_PORT/health" 60

W_PIDS=()
for i in $(seq 1 "$WORKERS"); do
  if (( i % 2 == 0 )); then mode=(--master-http "http://127.0.0.1:$HTTP_PORT" --http-only); else mode=(--master "127.0.0.1:$GRPC_PORT"); fi
  env SYNCNODE_SYNC_TIMEOUT_DOWNLOAD=10m SYNCNODE_SYNC_RETRY_MAXATTEMPTS=10 \
    java "${JVM[@]}" -Xlog:gc:file="$WORK/gc-w$i.log" -jar "$JAR" sync "${mode[@]}" --spider "$SPIDER" \
    --dest "$WORK/w$i" --json > "$WORK/w$i.out" 2> "$WORK/w$i.log" &
  W_PIDS+=($!)
  PIDS_ALL+=($!)
done

# sample peak RSS (VmHWM) of every JVM until the workers are done
declare -A HWM
hwm() { awk '/VmHWM/ { print $2 }' "/proc/$1/status" 2>/dev/null || true; }
t0=$(date +%s)
while :; do
  alive=0
  for pid in "$MASTER" "${W_PIDS[@]}"; do
    v=$(hwm "$pid"); [[ -n "$v" ]] && HWM[$pid]=$v
  done
  for pid in "${W_PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
  (( alive == 0 )) && break
  if (( $(date +%s) - t0 > MAX_TIME )); then echo "workers still running after $MAX_TIME s" >&2; break; fi
  sleep 0.2
done
SECONDS_TAKEN=$(( $(date +%s) - t0 ))

peak_heap() { # largest "before" occupancy in a -Xlog:gc file, in MB
  grep -oE '[0-9]+M->[0-9]+M' "$1" 2>/dev/null | cut -dM -f1 | sort -n | tail -1 || true
}
echo
echo "== memory: ${SIZE_MB} MiB file, master + $WORKERS workers, all -Xmx$HEAP =="
fail=0
for i in $(seq 1 "$WORKERS"); do
  pid=${W_PIDS[$((i-1))]}
  rc=0; wait "$pid" || rc=$?
  ok=no; [[ -f "$WORK/w$i/huge.bin" && "$(sha256sum "$WORK/w$i/huge.bin" | cut -d' ' -f1)" == "$SUM" ]] && ok=yes
  [[ $rc == 0 && $ok == yes ]] || fail=1
  transport=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1]).get("transport","-"))' "$(tail -1 "$WORK/w$i.out")" 2>/dev/null || echo -)
  printf 'worker %2d (%s): exit %d, verified=%s, peak RSS %d MiB, peak heap before GC %s MiB\n' \
    "$i" "$transport" "$rc" "$ok" $(( ${HWM[$pid]:-0} / 1024 )) "$(peak_heap "$WORK/gc-w$i.log")"
done
kill -0 "$MASTER" 2>/dev/null && m_alive=yes || { m_alive=NO; fail=1; }
printf 'master: alive=%s, peak RSS %d MiB, peak heap before GC %s MiB, bytes sent %s\n' "$m_alive" \
  $(( ${HWM[$MASTER]:-0} / 1024 )) "$(peak_heap "$WORK/gc-master.log")" \
  "$(curl -s "http://127.0.0.1:$HTTP_PORT/metrics" | awk 'index($0, "syncnode_bytes_sent_total") == 1 { s += $NF } END { printf "%.0f", s }')"
echo "all $WORKERS copies done in ${SECONDS_TAKEN}s"
exit $fail
