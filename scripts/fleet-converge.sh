#!/usr/bin/env bash
# Fleet convergence: a master and WORKERS (default 10) workers as separate processes from
# target/node.jar with -cluster on loopback. Each worker syncs the spider once (a task per worker);
# then, ROUNDS times, a burst of saves changes the spider on the master and nothing else is asked:
# the script polls GET /api/spiders/{id}/nodes until every worker is in_sync with the master's new
# digest, and prints the seconds from the last save to the last worker in sync (sync.prefetch). At
# the end each worker's copy is compared with the master's. Every wait is bounded; nodes are stopped
# by PID.
#   WORKERS=10 ROUNDS=3 scripts/fleet-converge.sh
set -euo pipefail
source "$(dirname "$0")/lib.sh"
require_jar
cd "$ROOT"

WORKERS="${WORKERS:-10}"
ROUNDS="${ROUNDS:-3}"
DEADLINE_S="${DEADLINE_S:-60}"
JAVA_OPTS="${JAVA_OPTS:--Xmx160m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss512k}"
export JAVA_OPTS
WORK="$(mktemp -d)"
SPIDER=fleet-spider
trap 'stop_all; if [[ "${KEEP:-0}" == "1" ]]; then echo "kept $WORK" >&2; else rm -rf "$WORK"; fi' EXIT

fail() {
  echo "FAILED: $*" >&2
  for f in "$WORK"/*.log; do echo "---- $f (tail)" >&2; tail -n 20 "$f" >&2; done
  exit 1
}

mkdir -p "$WORK/master"
cp -r "$ROOT/data/workspace/example-spider" "$WORK/master/$SPIDER"
python3 - "$WORK/master/$SPIDER" <<'PY'
import os, sys, random
root, rnd = sys.argv[1], random.Random(7)
for i in range(200):
    d = os.path.join(root, "pages", "p%02d" % (i % 10))
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "page-%03d.html" % i), "wb") as f:
        f.write(rnd.randbytes(1000 + rnd.randrange(20000)))
PY

CLUSTER="syncnode-fleet-$$-$RANDOM"
HZ_PORT=$(free_port)
M_HTTP=$(free_port); M_GRPC=$(free_port)
cluster_files "$WORK" "$CLUSTER" "$HZ_PORT"

start_master() {
  env SYNCNODE_NODE_ROLE=master SYNCNODE_NODE_KEY=master-1 SYNCNODE_NODE_WORKSPACE="$WORK/master" \
    SYNCNODE_HTTP_HOST=127.0.0.1 SYNCNODE_HTTP_PORT="$M_HTTP" SYNCNODE_GRPC_HOST=127.0.0.1 SYNCNODE_GRPC_PORT="$M_GRPC" \
    java $JAVA_OPTS -Dvertx.hazelcast.config="$WORK/cluster.xml" -jar "$JAR" -conf "$WORK/config.yml" -cluster \
    >"$WORK/master.log" 2>&1 &
  PIDS+=("$!")
}
start_worker() {
  env SYNCNODE_NODE_ROLE=worker SYNCNODE_NODE_KEY="worker-$1" SYNCNODE_NODE_WORKSPACE="$WORK/worker-$1" \
    SYNCNODE_HTTP_HOST=127.0.0.1 SYNCNODE_HTTP_PORT="$(free_port)" \
    java $JAVA_OPTS -Dvertx.hazelcast.config="$WORK/cluster.xml" -jar "$JAR" -conf "$WORK/config.yml" -cluster \
    >"$WORK/worker-$1.log" 2>&1 &
  PIDS+=("$!")
}

echo "== cluster $CLUSTER: master + $WORKERS workers (JAVA_OPTS=$JAVA_OPTS)"
start_master
wait_http "http://127.0.0.1:$M_HTTP/health" 90 || fail "master did not come up"
for ((w = 1; w <= WORKERS; w++)); do start_worker "$w"; done

python3 - "http://127.0.0.1:$M_HTTP" "$SPIDER" "$WORKERS" "$ROUNDS" "$DEADLINE_S" "$WORK/master/$SPIDER" <<'PY' \
  || fail "convergence run failed"
import json, os, sys, time, urllib.request
base, spider, workers, rounds, deadline_s, root = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), \
    float(sys.argv[5]), sys.argv[6]

def get(path):
    with urllib.request.urlopen(base + path, timeout=10) as r:
        return json.load(r)

def post(path, body):
    req = urllib.request.Request(base + path, json.dumps(body).encode(), {"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.load(r)

def until(what, check, limit=deadline_s, every=0.05):
    end = time.monotonic() + limit
    while True:
        try:
            v = check()
            if v:
                return v
        except Exception:
            pass
        if time.monotonic() > end:
            sys.exit(f"timed out ({limit} s) waiting for {what}")
        time.sleep(every)

until(f"{workers + 1} nodes in the registry", lambda: len(get("/api/nodes")) == workers + 1, 120, 0.2)
print(f"== {workers + 1} nodes up; first sync: one task per worker")
ids = [post("/api/tasks", {"spiderId": spider, "nodeKey": f"worker-{w}"})["id"] for w in range(1, workers + 1)]
for tid in ids:
    t = until(f"task {tid}", lambda: (lambda t: t if t["status"] in ("succeeded", "failed") else None)(
        get(f"/api/tasks/{tid}")), 120, 0.1)
    if t["status"] != "succeeded":
        sys.exit(f"task failed: {t}")

def all_in_sync(old=None):
    a = get(f"/api/spiders/{spider}/nodes")
    ok = len(a["nodes"]) == workers and all(n["state"] == "in_sync" for n in a["nodes"]) \
        and a["digest"] is not None and a["digest"] != old
    return a if ok else None

first = until("every worker in sync after the tasks", all_in_sync)
print(f"   {workers} workers in_sync at digest {first['digest'][:12]}, {first['files']} files, {first['bytes']} bytes")
digest = first["digest"]
results = []
for r in range(1, rounds + 1):
    # a burst of saves: five files rewritten 20 ms apart (an editor saving, a deploy copying)
    for i in range(5):
        with open(os.path.join(root, "pages", "p%02d" % i, "page-%03d.html" % i), "wb") as f:
            f.write(os.urandom(3000 + r * 10 + i))
        time.sleep(0.02)
    last_save = time.monotonic()
    a = until(f"round {r}: every worker in sync with the new digest", lambda: all_in_sync(digest), deadline_s, 0.02)
    took = time.monotonic() - last_save
    digest = a["digest"]
    results.append(took)
    print(f"   round {r}: all {workers} workers in_sync {took:.2f} s after the last save (digest {digest[:12]})")
fleet = get("/api/fleet")
print(f"== convergence (s from last save to all {workers} in_sync): "
      f"min {min(results):.2f}, median {sorted(results)[len(results) // 2]:.2f}, max {max(results):.2f}")
print(f"   recentSyncs kept: {len(fleet['recentSyncs'])}, newest: {json.dumps(fleet['recentSyncs'][0])}")
PY

for ((w = 1; w <= WORKERS; w++)); do
  diff -r --exclude=.syncnode "$WORK/master/$SPIDER" "$WORK/worker-$w/$SPIDER" >/dev/null || fail "worker-$w copy differs"
done
echo "== every worker's copy is identical to the master's"
scans=$(curl -fsS --max-time 5 "http://127.0.0.1:$M_HTTP/metrics" | awk '/^syncnode_scans_total/ {print $2}')
echo "== master syncnode_scans_total: ${scans:-?} (1 + one per round expected)"
echo "== OK"
