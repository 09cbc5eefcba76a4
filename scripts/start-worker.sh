#!/usr/bin/env bash
# Starts a worker node in the foreground. Defaults: HTTP port 8001, mirror root data/worker,
# master at 127.0.0.1:9666 (gRPC) and http://127.0.0.1:8000 (HTTP). Override with SYNCNODE_* env vars.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
require_jar
cd "$ROOT"
exec env SYNCNODE_NODE_ROLE=worker \
  SYNCNODE_NODE_KEY="${SYNCNODE_NODE_KEY:-worker-1}" \
  SYNCNODE_HTTP_PORT="${SYNCNODE_HTTP_PORT:-8001}" \
  SYNCNODE_NODE_WORKSPACE="${SYNCNODE_NODE_WORKSPACE:-data/worker}" \
  "$ROOT/scripts/syncnode" -conf "${CONF:-conf/config.yml}" "$@"
