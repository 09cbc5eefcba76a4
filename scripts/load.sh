#!/usr/bin/env bash
# Load check of the master's HTTP fallback, on loopback only.
#
# Starts a master from target/node.jar on a temp workspace (a generated spider, plus a copy of the
# example spider when the tree has one), fires N concurrent requests with curl, prints how they were
# answered (complete 200s, 503s with/without Retry-After, other errors, cut or invalid bodies) and
# the scans the master actually performed, then stops the master by its PID.
#
# usage: scripts/load.sh [N]
# env:   N=50 (max 500)  MODE=scan|sync  FILES (scan: 2000, sync: 30)  SPIDER=load-spider
#        SCAN_MAX=2 DOWNLOAD_MAX=4 QUEUE=10 (the master's sync.http limits for the run)
#        RETRIES=20 (sync mode: attempts per request on 503)
#        REQ_TIMEOUT=30 (seconds per curl)  MAX_TIME=120 (seconds for the whole firing phase)
#        KEEP=1 keeps the temp directory (logs, bodies)
# MODE=scan: every request is one GET /api/sync/{spider}/scan.
# MODE=sync: every request is a curl-only sync: scan, then download every file and check its
#            SHA-256 against the manifest; a 503 is retried after Retry-After plus up to 1 s of
#            jitter, up to RETRIES (20) times per request.
# Exit code: 0 when every answer was a complete 200 or a 503 with Retry-After (and, in sync mode,
# every sync ended with verified files), 1 otherwise, 2 on a usage error.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

N="${1:-${N:-50}}"
MODE="${MODE:-scan}"
SPIDER="${SPIDER:-load-spider}"
SCAN_MAX="${SCAN_MAX:-2}"
DOWNLOAD_MAX="${DOWNLOAD_MAX:-4}"
QUEUE="${QUEUE:-10}"
REQ_TIMEOUT="${REQ_TIMEOUT:-30}"
RETRIES="${RETRIES:-20}"
MAX_TIME="${MAX_TIME:-120}"
if [[ "$MODE" == sync ]]; then FILES="${FILES:-30}"; else FILES="${FILES:-2000}"; fi

usage() { sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
[[ "$N" =~ ^[0-9]+$ ]] && (( N >= 1 && N <= 500 )) || { echo "N must be 1..500" >&2; usage; }
[[ "$MODE" == scan || "$MODE" == sync ]] || { echo "MODE must be scan or sync" >&2; usage; }
[[ "$FILES" =~ ^[0-9]+$ ]] && (( FILES <= 20000 )) || { echo "FILES must be 0..20000" >&2; usage; }
for tool in curl java python3 sha256sum; do
  command -v "$tool" >/dev/null || { echo "$tool is required" >&2; exit 2; }
done
require_jar
cd "$ROOT"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/syncnode-load.XXXXXX")"
cleanup() {
  stop_all
  if [[ "${KEEP:-0}" == 1 ]]; then echo "kept $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

# ---- workspace: a generated spider (+ the example spider when present) ----
WS="$WORK/workspace"
mkdir -p "$WS/$SPIDER" "$WORK/results"
python3 - "$WS/$SPIDER" "$FILES" <<'PY'
import os, sys
root, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    d = os.path.join(root, "pkg%02d" % (i % 50))
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "mod%05d.py" % i), "w") as f:
        f.write("# generated module %d\n" % i + "X = %d\n" % i * (1 + i % 40))
PY
[[ -d data/workspace/example-spider ]] && cp -r data/workspace/example-spider "$WS/"

# ---- config: conf/config.yml when the tree has one, else a minimal YAML; env vars win anyway ----
CONF="conf/config.yml"
if [[ ! -f "$CONF" ]]; then
  CONF="$WORK/config.yml"
  printf 'node:\n  role: master\n  workspace: %s\nhttp:\n  host: 127.0.0.1\ngrpc:\n  host: 127.0.0.1\n' "$WS" >"$CONF"
fi
HTTP_PORT=$(free_port); GRPC_PORT=$(free_port)
BASE="http://127.0.0.1:$HTTP_PORT"
start_node master "$WORK/master.log" \
  SYNCNODE_NODE_ROLE=master SYNCNODE_NODE_KEY=load-master SYNCNODE_NODE_WORKSPACE="$WS" \
  SYNCNODE_HTTP_HOST=127.0.0.1 SYNCNODE_HTTP_PORT="$HTTP_PORT" \
  SYNCNODE_GRPC_HOST=127.0.0.1 SYNCNODE_GRPC_PORT="$GRPC_PORT" \
  SYNCNODE_AUTH_TOKEN= \
  SYNCNODE_SYNC_HTTP_SCANMAXCONCURRENT="$SCAN_MAX" SYNCNODE_SYNC_HTTP_DOWNLOADMAXCONCURRENT="$DOWNLOAD_MAX" \
  SYNCNODE_SYNC_HTTP_QUEUESIZE="$QUEUE" \
  -- -conf "$CONF"
if ! wait_http "$BASE/health" 60; then
  echo "master did not come up; last log lines:" >&2
  tail -n 30 "$WORK/master.log" >&2
  exit 1
fi
if ! curl -fsS --max-time 10 "$BASE/api/spiders" | grep -q "\"$SPIDER\""; then
  echo "master does not list $SPIDER (workspace override not honoured?)" >&2
  tail -n 30 "$WORK/master.log" >&2
  exit 1
fi

# ---- one request / one sync, each writing one result line: "<kind> <detail>" ----
# kinds: ok | busy | busy-no-retry-after | error | truncated | corrupt

# get URL BODY HEADERS -> prints the status code (000 when curl failed)
get() {
  curl -sS --max-time "$REQ_TIMEOUT" -o "$2" -D "$3" -w '%{http_code}' "$1" 2>>"$WORK/curl.err" || true
}

check_manifest() { # BODY -> 0 when it is complete JSON whose entries match its total
  python3 -c '
import json, sys
m = json.load(open(sys.argv[1]))
sys.exit(0 if isinstance(m.get("entries"), list) and len(m["entries"]) == m.get("total") else 1)' "$1" 2>/dev/null
}

classify() { # STATUS HEADERS BODY -> prints a kind
  local status="$1" headers="$2" body="$3"
  case "$status" in
    200) echo ok ;;
    503) if grep -qi '^retry-after:' "$headers"; then echo busy; else echo busy-no-retry-after; fi ;;
    *) echo "error"; echo "status $status: $(head -c 200 "$body" 2>/dev/null)" >>"$WORK/errors.txt" ;;
  esac
}

one_scan() { # I
  local i="$1" b="$WORK/results/$1.body" h="$WORK/results/$1.head" status kind
  status=$(get "$BASE/api/sync/$SPIDER/scan" "$b" "$h")
  kind=$(classify "$status" "$h" "$b")
  if [[ "$kind" == ok ]] && ! check_manifest "$b"; then kind=truncated; fi
  echo "$kind scan" >"$WORK/results/$i.res"
}

# A curl-only sync: scan, then every file, verified; 503s retried after Retry-After.
# pause HEADERS: sleeps Retry-After seconds plus 0-1 s of jitter (so retries do not come in lockstep)
pause() {
  local s
  s=$(grep -i '^retry-after:' "$1" | tr -dc '0-9')
  sleep "$(( ${s:-1} )).$(( RANDOM % 10 ))"
}

one_sync() { # I
  local i="$1" dir="$WORK/results/$i.d" status kind attempt url qpath hash
  mkdir -p "$dir"
  : >"$WORK/results/$i.res"
  for attempt in $(seq 1 "$RETRIES"); do
    status=$(get "$BASE/api/sync/$SPIDER/scan" "$dir/manifest" "$dir/head")
    kind=$(classify "$status" "$dir/head" "$dir/manifest")
    echo "$kind scan" >>"$WORK/results/$i.res"
    [[ "$kind" == busy ]] || break
    pause "$dir/head"
  done
  if [[ "$kind" != ok ]] || ! check_manifest "$dir/manifest"; then
    [[ "$kind" == ok ]] && echo "truncated scan" >>"$WORK/results/$i.res"
    echo "sync-failed" >>"$WORK/results/$i.res"; return
  fi
  python3 -c '
import json, sys, urllib.parse
for e in json.load(open(sys.argv[1]))["entries"]:
    if e["type"] == "file":
        print(e["hash"], urllib.parse.quote(e["path"]))' "$dir/manifest" >"$dir/files"
  while read -r hash qpath; do
    url="$BASE/api/sync/$SPIDER/download?path=$qpath"
    for attempt in $(seq 1 "$RETRIES"); do
      status=$(get "$url" "$dir/file" "$dir/head")
      kind=$(classify "$status" "$dir/head" "$dir/file")
      [[ "$kind" == ok && "$(sha256sum "$dir/file" | cut -d' ' -f1)" != "$hash" ]] && kind=corrupt
      echo "$kind download" >>"$WORK/results/$i.res"
      [[ "$kind" == busy ]] || break
      pause "$dir/head"
    done
    if [[ "$kind" != ok ]]; then echo "sync-failed" >>"$WORK/results/$i.res"; return; fi
  done <"$dir/files"
  echo "sync-ok" >>"$WORK/results/$i.res"
}

echo "== $N concurrent HTTP ${MODE}s of $SPIDER ($FILES generated files) against $BASE"
echo "   master limits: scanMaxConcurrent=$SCAN_MAX downloadMaxConcurrent=$DOWNLOAD_MAX queueSize=$QUEUE"
START=$(date +%s%N)
JOBS=()
for i in $(seq 1 "$N"); do
  if [[ "$MODE" == scan ]]; then one_scan "$i" & else one_sync "$i" & fi
  JOBS+=("$!")
done
# bounded: every curl has --max-time; past MAX_TIME the remaining jobs (ours, by PID) are stopped
DEADLINE=$(( $(date +%s) + MAX_TIME ))
for pid in "${JOBS[@]}"; do
  while kill -0 "$pid" 2>/dev/null && (( $(date +%s) < DEADLINE )); do sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then kill "$pid" 2>/dev/null || true; fi
  wait "$pid" 2>/dev/null || true
done
ELAPSED_MS=$(( ($(date +%s%N) - START) / 1000000 ))

count() { cat "$WORK"/results/*.res 2>/dev/null | grep -c "^$1\$" || true; }
count_prefix() { cat "$WORK"/results/*.res 2>/dev/null | grep -c "^$1 " || true; }
OK=$(count_prefix ok); BUSY=$(count_prefix busy); NORA=$(count_prefix busy-no-retry-after)
ERR=$(count_prefix error); CUT=$(count_prefix truncated); BAD=$(count_prefix corrupt)
METRICS="$(curl -fsS --max-time 10 "$BASE/metrics" || true)"
SCANS=$(grep -E '^syncnode_scans_total' <<<"$METRICS" | awk '{print $2}' | head -1)

echo "requests answered 200 (complete):   $OK"
echo "requests answered 503 + Retry-After: $BUSY"
echo "503 without Retry-After:             $NORA"
echo "other errors (non-200/503, curl):    $ERR"
echo "truncated or invalid manifests:      $CUT"
if [[ "$MODE" == sync ]]; then
  echo "downloads failing their SHA-256:     $BAD"
  echo "syncs complete and verified:         $(count sync-ok) of $N"
  echo "syncs failed:                        $(count sync-failed)"
  echo "syncs unfinished at MAX_TIME:        $(( N - $(count sync-ok) - $(count sync-failed) ))"
fi
echo "scans performed (syncnode_scans_total): ${SCANS:-?}"
grep -E '^syncnode_(http_rejected_total|scan_requests_total)|^syncnode_http_inflight_max' <<<"$METRICS" | sed 's/^/  /' || true
echo "wall time: ${ELAPSED_MS} ms"
if [[ -s "$WORK/errors.txt" ]]; then echo "first errors:"; head -n 5 "$WORK/errors.txt" | sed 's/^/  /'; fi
if grep -qE '(ERROR|Exception)' "$WORK/master.log"; then
  echo "master log has errors:"; grep -E '(ERROR|Exception)' "$WORK/master.log" | head -n 5 | sed 's/^/  /'
fi

FAILED=$(( NORA + ERR + CUT + BAD ))
if [[ "$MODE" == sync ]]; then FAILED=$(( FAILED + N - $(count sync-ok) )); fi
(( FAILED == 0 ))
