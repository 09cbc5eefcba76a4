#!/usr/bin/env bash
# Records the classes a start loads from the jar or from the JDK outside its shared archive, in the
# order they load, for Main's preload thread (dev.syncnode.ClassPreload):
#   scripts/startup-classes.sh      (needs target/node.jar; rewrites the two lists, then rebuild the jar)
# node: a master on conf/config.yml until /health answers 200; sync: a one-shot `sync` of example-spider
# from that master. Run it after a change of dependencies or of what a start does; a stale list only
# loads less ahead (names that no longer exist are skipped).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
require_jar
cd "$ROOT"
OUT="$ROOT/src/main/resources/dev/syncnode"
mkdir -p "$OUT"
WORK="$(mktemp -d)"
trap 'for p in "${PIDS[@]:-}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"' EXIT
http=$(free_port); grpc=$(free_port)
SYNCNODE_HTTP_PORT=$http SYNCNODE_GRPC_PORT=$grpc java -Dsyncnode.preload=false \
  -Xlog:class+load:file="$WORK/node.log":none -jar "$JAR" -conf conf/config.yml >"$WORK/master.out" 2>&1 &
PIDS+=("$!")
until curl -fsS -o /dev/null "http://127.0.0.1:$http/health" 2>/dev/null; do sleep 0.01; done
java -Dsyncnode.preload=false -Xlog:class+load:file="$WORK/sync.log":none -jar "$JAR" sync \
  --master "127.0.0.1:$grpc" --spider example-spider --dest "$WORK/dest" --quiet >/dev/null
kill "${PIDS[0]}"; wait "${PIDS[0]}" 2>/dev/null || true
# lines: "name source: where"; hidden classes (lambdas, lambda forms) cannot be loaded by name
for list in node sync; do
  sed -nE 's/^([^ ]+) source: (jrt:|file:).*/\1/p' "$WORK/$list.log" \
    | grep -v -e '\$\$Lambda' -e '^java\.lang\.invoke\.LambdaForm\$' -e '^dev\.syncnode\.Main$' >"$OUT/preload-$list.txt"
  echo "preload-$list.txt: $(wc -l <"$OUT/preload-$list.txt") classes"
done
