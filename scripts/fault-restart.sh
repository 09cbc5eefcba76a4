#!/usr/bin/env bash
# Faults in the middle of a 300 MB download, on loopback, with the real jar:
#   1. master killed (kill -9) while a worker downloads over gRPC, then restarted: the worker's sync
#      (the CLI, retrying) resumes from its .part offset and completes;
#   2. the same over HTTP (--http-only: Range resume);
#   3. the worker (the CLI process) killed (kill -9) mid-download, then run again: the next sync
#      keeps the verified-in-temp prefix, resumes, and cleans the temp area.
# For each: where the download was cut, where it resumed, bytes received in total, bytes re-sent
# (received more than once), and whether the copy verifies (bytes lost must be 0). While the
# download runs the script also checks that no partial file ever appears at the final path.
# Every process is stopped by its PID; the run is bounded (MAX_TIME per sync).
#
# usage: scripts/fault-restart.sh
# env:   SIZE_MB=300 KILL_AT_MB=100 MAX_TIME=300 KEEP=1 (keep the temp dir)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

SIZE_MB="${SIZE_MB:-300}"
KILL_AT_MB="${KILL_AT_MB:-100}"
MAX_TIME="${MAX_TIME:-300}"
require_jar
for tool in curl python3 sha256sum; do command -v "$tool" >/dev/null || { echo "$tool is required" >&2; exit 2; }; done
cd "$ROOT"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/syncnode-fault.XXXXXX")"
CLI_PID=""
MASTER_PID=""
cleanup() {
  [[ -n "$CLI_PID" ]] && kill "$CLI_PID" 2>/dev/null || true
  [[ -n "$MASTER_PID" ]] && kill "$MASTER_PID" 2>/dev/null || true
  [[ -n "$CLI_PID" ]] && wait "$CLI_PID" 2>/dev/null || true
  [[ -n "$MASTER_PID" ]] && wait "$MASTER_PID" 2>/dev/null || true
  if [[ "${KEEP:-0}" == 1 ]]; then echo "kept $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

SPIDER=big-spider
mkdir -p "$WORK/ws/$SPIDER"
python3 - "$WORK/ws/$SPIDER/big.bin" "$SIZE_MB" <<'PY'
import sys, random
path, mb = sys.argv[1], int(sys.argv[2])
rnd = random.Random(42)
with open(path, "wb") as f:
    for _ in range(mb):
        f.write(rnd.randbytes(1 << 20))
PY
echo "small" > "$WORK/ws/$SPIDER/small.txt"
SIZE=$(stat -c %s "$WORK/ws/$SPIDER/big.bin")
SUM=$(sha256sum "$WORK/ws/$SPIDER/big.bin" | cut -d' ' -f1)
TOTAL=$(( SIZE + $(stat -c %s "$WORK/ws/$SPIDER/small.txt") )) # every byte of the spider
HTTP_PORT="$(free_port)"; GRPC_PORT="$(free_port)"
cat > "$WORK/master.yml" <<YML
node: { role: master, key: master-1, workspace: "$WORK/ws" }
http: { host: 127.0.0.1, port: $HTTP_PORT }
grpc: { host: 127.0.0.1, port: $GRPC_PORT }
YML

start_master() {
  java -Xmx256m -jar "$JAR" -conf "$WORK/master.yml" >> "$WORK/master.log" 2>&1 &
  MASTER_PID=$!
  wait_http "http://127.0.0.1:$HTTP_PORT/health" 60
}

# part_size DEST: size of the .part of big.bin (0 when none)
part_size() {
  local p="$1/.syncnode/tmp/$SUM.part"
  [[ -f "$p" ]] && stat -c %s "$p" || echo 0
}

# start_cli NAME DEST ARGS...: a one-shot sync with generous retries, in the background
start_cli() {
  local name="$1" dest="$2"; shift 2
  # env execs java: $! is the JVM itself, so kill -9 hits the worker and not a wrapper
  env SYNCNODE_SYNC_RETRY_MAXATTEMPTS=20 SYNCNODE_SYNC_RETRY_MAXBACKOFF=2s \
    java -Xmx256m -jar "$JAR" sync --spider "$SPIDER" --dest "$dest" --json "$@" \
    > "$WORK/$name.out" 2> "$WORK/$name.log" &
  CLI_PID=$!
}

# watch_until_mb DEST MB: waits until the .part holds MB megabytes (or the CLI ended); checks that
# big.bin never shows up at its final path unfinished
PARTIAL_SEEN=0
watch_until_mb() {
  local dest="$1" mb="$2" i=0
  while kill -0 "$CLI_PID" 2>/dev/null; do
    if [[ -e "$dest/big.bin" && "$(stat -c %s "$dest/big.bin")" != "$SIZE" ]]; then PARTIAL_SEEN=1; fi
    (( $(part_size "$dest") >= mb * 1024 * 1024 )) && return 0
    i=$((i + 1)); (( i > MAX_TIME * 50 )) && return 1
    sleep 0.02
  done
  return 1
}

# finish_cli NAME DEST: waits for the CLI, checks the final path while it runs, prints its report
finish_cli() {
  local name="$1" dest="$2" rc=0 i=0
  while kill -0 "$CLI_PID" 2>/dev/null; do
    if [[ -e "$dest/big.bin" && "$(stat -c %s "$dest/big.bin")" != "$SIZE" ]]; then PARTIAL_SEEN=1; fi
    i=$((i + 1))
    if (( i > MAX_TIME * 20 )); then echo "$name: no result after $MAX_TIME s" >&2; kill "$CLI_PID"; fi
    sleep 0.05
  done
  wait "$CLI_PID" || rc=$?
  CLI_PID=""
  return $rc
}

report_field() { python3 -c 'import json,sys; print(json.loads(sys.argv[1]).get(sys.argv[2], ""))' "$1" "$2"; }
# resumed_at FILE...: the offset of the last "resuming big.bin at byte N" in the files, else 0
resumed_at() { cat "$@" | grep -o "resuming big.bin at byte [0-9]*" | tail -1 | grep -o "[0-9]*$" || echo 0; }

RESULTS=()
verify() {
  local phase="$1" dest="$2" cut="$3" resumed="$4" received="$5"
  local got ok resent
  got=$(sha256sum "$dest/big.bin" | cut -d' ' -f1)
  ok=$([[ "$got" == "$SUM" ]] && echo yes || echo NO)
  resent=$(( received - TOTAL ))
  local left; left=$(find "$dest/.syncnode/tmp" -type f 2>/dev/null | wc -l)
  RESULTS+=("$phase: cut at $cut bytes, resumed at $resumed, received $received bytes in total, re-sent $resent, verified=$ok, bytes lost=$([[ $ok == yes ]] && echo 0 || echo "$SIZE"), temp files left=$left")
}

start_master

# ---- 1. master kill -9 during a gRPC download ----
D1="$WORK/w-grpc"
start_cli cli1 "$D1" --master "127.0.0.1:$GRPC_PORT"
watch_until_mb "$D1" "$KILL_AT_MB" || { echo "phase 1: the download ended before the kill point; raise SIZE_MB" >&2; exit 1; }
kill -9 "$MASTER_PID"; wait "$MASTER_PID" 2>/dev/null || true
CUT1=$(part_size "$D1")
echo "phase 1: master killed with $CUT1 bytes in the worker's .part; restarting it" >&2
start_master
finish_cli cli1 "$D1" || { echo "phase 1: sync failed: $(tail -1 "$WORK/cli1.out")" >&2; exit 1; }
R1=$(tail -1 "$WORK/cli1.out")
verify "1 master kill -9, gRPC" "$D1" "$CUT1" "$(resumed_at "$WORK/cli1.log" "$WORK/cli1.out")" "$(report_field "$R1" bytes)"

# ---- 2. master kill -9 during an HTTP download ----
D2="$WORK/w-http"
start_cli cli2 "$D2" --master-http "http://127.0.0.1:$HTTP_PORT" --http-only
watch_until_mb "$D2" "$KILL_AT_MB" || { echo "phase 2: the download ended before the kill point; raise SIZE_MB" >&2; exit 1; }
kill -9 "$MASTER_PID"; wait "$MASTER_PID" 2>/dev/null || true
CUT2=$(part_size "$D2")
echo "phase 2: master killed with $CUT2 bytes in the worker's .part; restarting it" >&2
start_master
finish_cli cli2 "$D2" || { echo "phase 2: sync failed: $(tail -1 "$WORK/cli2.out")" >&2; exit 1; }
R2=$(tail -1 "$WORK/cli2.out")
verify "2 master kill -9, HTTP" "$D2" "$CUT2" "$(resumed_at "$WORK/cli2.log" "$WORK/cli2.out")" "$(report_field "$R2" bytes)"

# ---- 3. worker kill -9 during a gRPC download, then a new sync ----
D3="$WORK/w-restart"
SENT_BEFORE=$(curl -s "http://127.0.0.1:$HTTP_PORT/metrics" | awk 'index($0, "syncnode_bytes_sent_total") == 1 { s += $NF } END { printf "%.0f", s }')
start_cli cli3a "$D3" --master "127.0.0.1:$GRPC_PORT"
watch_until_mb "$D3" "$KILL_AT_MB" || { echo "phase 3: the download ended before the kill point; raise SIZE_MB" >&2; exit 1; }
kill -9 "$CLI_PID"; wait "$CLI_PID" 2>/dev/null || true; CLI_PID=""
CUT3=$(part_size "$D3")
echo "phase 3: worker killed with $CUT3 bytes in its .part; junk added to its temp area; syncing again" >&2
echo junk > "$D3/.syncnode/tmp/stale-junk"
[[ -e "$D3/big.bin" ]] && PARTIAL_SEEN=1
start_cli cli3b "$D3" --master "127.0.0.1:$GRPC_PORT"
finish_cli cli3b "$D3" || { echo "phase 3: sync failed: $(tail -1 "$WORK/cli3b.out")" >&2; exit 1; }
R3=$(tail -1 "$WORK/cli3b.out")
SENT_AFTER=$(curl -s "http://127.0.0.1:$HTTP_PORT/metrics" | awk 'index($0, "syncnode_bytes_sent_total") == 1 { s += $NF } END { printf "%.0f", s }')
# the master stayed up in phase 3: its own counter says what went over the wire in both runs
verify "3 worker kill -9, gRPC" "$D3" "$CUT3" "$(resumed_at "$WORK/cli3b.log" "$WORK/cli3b.out")" "$(( SENT_AFTER - SENT_BEFORE ))"

echo
echo "== fault-restart: $SIZE_MB MiB file, kills at ~$KILL_AT_MB MiB =="
for r in "${RESULTS[@]}"; do echo "$r"; done
echo "partial file ever seen at the final path: $([[ $PARTIAL_SEEN == 0 ]] && echo no || echo YES)"
echo "faults survived: $(printf '%s\n' "${RESULTS[@]}" | grep -c 'verified=yes') of 3"
[[ $PARTIAL_SEEN == 0 ]] && ! printf '%s\n' "${RESULTS[@]}" | grep -q 'verified=NO'
