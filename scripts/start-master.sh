#!/usr/bin/env bash
# Starts a master node in the foreground on conf/config.yml (override any key with SYNCNODE_* env vars).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
require_jar
cd "$ROOT"
exec env SYNCNODE_NODE_ROLE=master "$ROOT/scripts/syncnode" -conf "${CONF:-conf/config.yml}" "$@"
