#!/usr/bin/env bash
# Records the classes a start loads from the jar or from the JDK outside its shared archive, in the
# order they load, for Main's preload thread (dev.syncnode.ClassPreload):
#   scripts/startup-classes.sh      (needs target/node.jar; rewrites the two lists, then rebuild the jar)
# node: a master on conf/config.yml until /health answers 200, then a worker until /health answers,
# each killed right then (SIGKILL: a SIGTERM would run the shutdown hooks, whose classes the log would
# record too; classes only the worker loads are appended); sync: a one-shot `sync` of
# example-spider from a third master. Run it after a change of dependencies or of what a start does; a
# stale list only loads less ahead (names that no longer exist are skipped).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
require_jar
cd "$ROOT"
OUT="$ROOT/src/main/resources/dev/syncnode"
mkdir -p "$OUT"
WORK="$(mktemp -d)"
trap 'for p in "${PIDS[@]:-}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"' EXIT

# start_recorded NAME LOG CURLFLAGS [ENV=VALUE...]: a node on conf/config.yml (fresh ports), class loading
# logged to LOG, killed once /health answers (-sS: at all, 200 or 503; -fsS: 200, i.e. both ports serve)
start_recorded() {
  local name="$1" log="$2" flags="$3"; shift 3
  local http; http=$(free_port)
  env "$@" SYNCNODE_HTTP_PORT="$http" SYNCNODE_GRPC_PORT="$(free_port)" java -Dsyncnode.preload=false \
    -Xlog:class+load:file="$log":none -jar "$JAR" -conf conf/config.yml >"$WORK/$name.out" 2>&1 &
  local pid=$!
  PIDS+=("$pid")
  until curl "$flags" -o /dev/null "http://127.0.0.1:$http/health" 2>/dev/null; do sleep 0.01; done
  kill -KILL "$pid"; wait "$pid" 2>/dev/null || true
}
start_recorded master "$WORK/master.log" -fsS
start_recorded worker "$WORK/worker.log" -sS SYNCNODE_NODE_ROLE=worker SYNCNODE_NODE_WORKSPACE="$WORK/w"

http=$(free_port); grpc=$(free_port)
SYNCNODE_HTTP_PORT=$http SYNCNODE_GRPC_PORT=$grpc java -jar "$JAR" -conf conf/config.yml >"$WORK/serving.out" 2>&1 &
PIDS+=("$!")
until curl -fsS -o /dev/null "http://127.0.0.1:$http/health" 2>/dev/null; do sleep 0.01; done
java -Dsyncnode.preload=false -Xlog:class+load:file="$WORK/sync.log":none -jar "$JAR" sync \
  --master "127.0.0.1:$grpc" --spider example-spider --dest "$WORK/dest" --quiet >/dev/null

# lines: "name source: where"; hidden classes (lambdas, lambda forms) cannot be loaded by name
names() {
  sed -nE 's/^([^ ]+) source: (jrt:|file:).*/\1/p' "$@" \
    | grep -v -e '\$\$Lambda' -e '^java\.lang\.invoke\.LambdaForm\$' -e '^dev\.syncnode\.Main$' | awk '!seen[$0]++'
}
names "$WORK/master.log" "$WORK/worker.log" >"$OUT/preload-node.txt"
names "$WORK/sync.log" >"$OUT/preload-sync.txt"
for list in node sync; do echo "preload-$list.txt: $(wc -l <"$OUT/preload-$list.txt") classes"; done
