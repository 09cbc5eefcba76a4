#!/usr/bin/env bash
# Cluster demo: a master and two workers as separate processes from target/node.jar with -cluster on
# loopback (their own cluster name and ports), 50 concurrent POST /api/tasks for one spider, then
# checks that every task succeeded, that the master walked the spider once and that both workers hold
# an exact copy. Prints the time from the first POST to the last success. Every wait is bounded;
# the nodes are stopped by PID (SIGTERM, then SIGKILL after 15 s).
#
# Configuration reaches the nodes as a generated YAML file (-conf) plus SYNCNODE_* variables. The
# same cluster settings are also written as a Hazelcast XML (-Dvertx.hazelcast.config) for a launcher
# that builds its cluster manager from the classpath/system property instead of cluster.* .
set -euo pipefail
source "$(dirname "$0")/lib.sh"
require_jar
cd "$ROOT"

TASKS="${TASKS:-50}"
DEADLINE_S="${DEADLINE_S:-120}"
WORK="$(mktemp -d)"
NODE_PIDS=()

stop_nodes() {
  local pid i
  for pid in "${NODE_PIDS[@]:-}"; do
    [[ -n "$pid" ]] && kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${NODE_PIDS[@]:-}"; do
    [[ -z "$pid" ]] && continue
    for ((i = 0; i < 75; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.2
    done
    if kill -0 "$pid" 2>/dev/null; then
      echo "pid $pid did not stop in 15 s: SIGKILL" >&2
      kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
  done
  NODE_PIDS=()
}
cleanup() {
  stop_nodes
  if [[ "${KEEP:-0}" == "1" ]]; then echo "kept $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

# start NAME ENV=VALUE... : a node in the background, its PID recorded
start() {
  local name="$1"; shift
  env "$@" java ${JAVA_OPTS:-} -Dvertx.hazelcast.config="$WORK/cluster.xml" \
    -jar "$JAR" -conf "$WORK/config.yml" -cluster >"$WORK/$name.log" 2>&1 &
  NODE_PIDS+=("$!")
  echo "started $name (pid $!, log $WORK/$name.log)"
}

fail() {
  echo "FAILED: $*" >&2
  for f in "$WORK"/*.log; do echo "---- $f (tail)" >&2; tail -n 30 "$f" >&2; done
  exit 1
}

# ---- the spider: the example spider plus 300 generated files ----
SPIDER=demo-spider
mkdir -p "$WORK/master" "$WORK/worker-1" "$WORK/worker-2"
cp -r "$ROOT/data/workspace/example-spider" "$WORK/master/$SPIDER"
python3 - "$WORK/master/$SPIDER" <<'PY'
import os, sys, random
root = sys.argv[1]
rnd = random.Random(42)
for i in range(300):
    d = os.path.join(root, "pages", "p%02d" % (i % 20))
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "page-%03d.html" % i), "wb") as f:
        f.write(rnd.randbytes(2000 + rnd.randrange(30000)))
PY

# ---- cluster settings: a name of its own and a free seed port ----
CLUSTER="syncnode-demo-$$-$RANDOM"
HZ_PORT=$(free_port)
M_HTTP=$(free_port); M_GRPC=$(free_port); W1_HTTP=$(free_port); W2_HTTP=$(free_port)
cluster_files "$WORK" "$CLUSTER" "$HZ_PORT" $'sync:\n  grpcCacheTtl: 60s' || fail "could not generate cluster.xml"

echo "== cluster $CLUSTER on 127.0.0.1:$HZ_PORT"
start master SYNCNODE_NODE_ROLE=master SYNCNODE_NODE_KEY=master-1 SYNCNODE_NODE_WORKSPACE="$WORK/master" \
  SYNCNODE_HTTP_HOST=127.0.0.1 SYNCNODE_HTTP_PORT="$M_HTTP" SYNCNODE_GRPC_HOST=127.0.0.1 SYNCNODE_GRPC_PORT="$M_GRPC"
wait_http "http://127.0.0.1:$M_HTTP/health" 60 || fail "master did not come up"
for w in 1 2; do
  port_var="W${w}_HTTP"
  start "worker-$w" SYNCNODE_NODE_ROLE=worker SYNCNODE_NODE_KEY="worker-$w" SYNCNODE_NODE_WORKSPACE="$WORK/worker-$w" \
    SYNCNODE_HTTP_HOST=127.0.0.1 SYNCNODE_HTTP_PORT="${!port_var}"
done

# ---- wait (at most 60 s) until the master's registry lists all three nodes ----
for ((i = 0; ; i++)); do
  nodes=$(curl -fsS --max-time 5 "http://127.0.0.1:$M_HTTP/api/nodes" 2>/dev/null || echo '[]')
  count=$(python3 -c 'import json,sys; print(len(json.loads(sys.argv[1])))' "$nodes" 2>/dev/null || echo 0)
  [[ "$count" == "3" ]] && break
  (( i > 300 )) && fail "registry lists $count nodes after 60 s: $nodes"
  sleep 0.2
done
echo "== GET /api/nodes"
python3 -c 'import json,sys; [print("  ", json.dumps(n)) for n in json.loads(sys.argv[1])]' "$nodes"

# round TITLE: TASKS concurrent POST /api/tasks, then polls every task until all are finished (bounded)
round() {
  echo "== $1: $TASKS concurrent POST /api/tasks {\"spiderId\": \"$SPIDER\"}"
  local t0 i pid
  local post_pids=()
  rm -f "$WORK"/post-*
  t0=$(date +%s%3N)
  for ((i = 1; i <= TASKS; i++)); do
    curl -sS --max-time 30 -o "$WORK/post-$i.json" -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
      -d "{\"spiderId\": \"$SPIDER\"}" "http://127.0.0.1:$M_HTTP/api/tasks" >"$WORK/post-$i.code" &
    post_pids+=("$!")
  done
  for pid in "${post_pids[@]}"; do wait "$pid" || true; done
  python3 - "$WORK" "$TASKS" "http://127.0.0.1:$M_HTTP" "$t0" "$DEADLINE_S" <<'PY' || fail "tasks did not all succeed"
import json, sys, time, urllib.request, collections
work, n, base, t0, deadline_s = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), float(sys.argv[5])
ids = []
for i in range(1, n + 1):
    code = open(f"{work}/post-{i}.code").read().strip()
    body = open(f"{work}/post-{i}.json").read()
    if code != "202":
        sys.exit(f"POST {i} answered {code}: {body}")
    ids.append(json.loads(body)["id"])
print(f"   {len(ids)} x 202 Accepted")
done = {}
deadline = time.monotonic() + deadline_s
while len(done) < len(ids):
    if time.monotonic() > deadline:
        sys.exit(f"only {len(done)}/{len(ids)} tasks finished within {deadline_s} s")
    for tid in ids:
        if tid in done:
            continue
        with urllib.request.urlopen(f"{base}/api/tasks/{tid}", timeout=10) as r:
            t = json.load(r)
        if t["status"] in ("succeeded", "failed"):
            done[tid] = t
    if len(done) < len(ids):
        time.sleep(0.1)
failed = [t for t in done.values() if t["status"] != "succeeded"]
per_worker = collections.Counter(t["nodeKey"] for t in done.values())
print(f"   succeeded: {len(done) - len(failed)}/{len(ids)}, per worker: {dict(sorted(per_worker.items()))}")
if failed:
    for t in failed[:5]:
        print("   failed:", json.dumps(t))
    sys.exit(1)
downloaded = sorted({t["report"]["downloaded"] for t in done.values()})
print(f"   files downloaded per report: {downloaded}")
last = max(t["updated"] for t in done.values())
print(f"   time from first POST to last success: {last - t0} ms")
PY
}

round "round 1 (empty workers)"
round "round 2 (nothing changed)"

scans=$(curl -fsS --max-time 5 "http://127.0.0.1:$M_HTTP/metrics" | awk '/^syncnode_scans_total/ {print $2}')
echo "== master syncnode_scans_total: ${scans:-?}"
[[ "${scans%.*}" == "1" ]] || fail "expected one walk of the spider on the master, got ${scans:-none}"
for w in 1 2; do
  if diff -r --exclude=.syncnode "$WORK/master/$SPIDER" "$WORK/worker-$w/$SPIDER" >/dev/null; then
    echo "== worker-$w: copy identical to the master's spider ($(find "$WORK/worker-$w/$SPIDER" -type f -not -path '*/.syncnode/*' | wc -l) files)"
  else
    fail "worker-$w copy differs"
  fi
done
echo "== stopping nodes by PID: ${NODE_PIDS[*]}"
stop_nodes
echo "== OK"
