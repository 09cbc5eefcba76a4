#!/usr/bin/env bash
# Demo: starts a master (example workspace) and a worker on loopback, syncs the example spider
# through the worker's API, prints the report, checks the copy and stops both nodes by PID.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
require_jar
cd "$ROOT"
WORK="$(mktemp -d)"
trap 'stop_all; rm -rf "$WORK"' EXIT

M_HTTP=$(free_port); M_GRPC=$(free_port); W_HTTP=$(free_port)
start_node master "$WORK/master.log" \
  SYNCNODE_NODE_ROLE=master SYNCNODE_NODE_KEY=master-1 SYNCNODE_NODE_WORKSPACE="$ROOT/data/workspace" \
  SYNCNODE_HTTP_HOST=127.0.0.1 SYNCNODE_HTTP_PORT="$M_HTTP" SYNCNODE_GRPC_HOST=127.0.0.1 SYNCNODE_GRPC_PORT="$M_GRPC" \
  -- -conf conf/config.yml
start_node worker "$WORK/worker.log" \
  SYNCNODE_NODE_ROLE=worker SYNCNODE_NODE_KEY=worker-1 SYNCNODE_NODE_WORKSPACE="$WORK/mirror" \
  SYNCNODE_HTTP_HOST=127.0.0.1 SYNCNODE_HTTP_PORT="$W_HTTP" \
  SYNCNODE_MASTER_GRPC="127.0.0.1:$M_GRPC" SYNCNODE_MASTER_HTTP="http://127.0.0.1:$M_HTTP" \
  -- -conf conf/config.yml
mkdir -p "$WORK/mirror"
wait_http "http://127.0.0.1:$M_HTTP/health" 60 || { cat "$WORK/master.log"; exit 1; }
wait_http "http://127.0.0.1:$W_HTTP/health" 60 || { cat "$WORK/worker.log"; exit 1; }

echo "== sync example-spider through the worker (POST /api/sync/example-spider)"
curl -fsS -X POST "http://127.0.0.1:$W_HTTP/api/sync/example-spider"
echo
echo "== second sync (nothing changed)"
curl -fsS -X POST "http://127.0.0.1:$W_HTTP/api/sync/example-spider"
echo
if diff -r --exclude=.syncnode "$ROOT/data/workspace/example-spider" "$WORK/mirror/example-spider" >/dev/null; then
  echo "== copy is identical to the master's spider"
else
  echo "== copy differs!" >&2
  exit 1
fi
echo "== master metrics"
curl -fsS "http://127.0.0.1:$M_HTTP/metrics" | grep -E '^syncnode_(scans_total|scan_requests_total)' || true
