#!/usr/bin/env bash
# Shared helpers for the scripts: free ports, waiting for /health, stopping by PID.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JAR="${BENCH_JAR:-$ROOT/target/node.jar}"  # BENCH_JAR: another build, e.g. to compare two jars (a SYNCNODE_ name would be read as a config key)
PIDS=()

require_jar() {
  if [[ ! -f "$JAR" ]]; then
    echo "target/node.jar missing: run 'mvn -B package -DskipTests' first" >&2
    exit 2
  fi
}

# Prints a free TCP port on 127.0.0.1.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()' 2>/dev/null \
    || echo $(( 20000 + RANDOM % 20000 ))
}

# wait_http URL [SECONDS]: polls until the URL answers 200 or the time is up.
wait_http() {
  local url="$1" limit="${2:-60}" i=0
  until curl -fsS -o /dev/null "$url" 2>/dev/null; do
    i=$((i + 1))
    if (( i > limit * 5 )); then
      echo "timed out waiting for $url" >&2
      return 1
    fi
    sleep 0.2
  done
}

# start_node NAME LOGFILE [ENV=VALUE...] -- [ARGS...]: starts a node in the background, records its PID.
start_node() {
  local name="$1" log="$2"; shift 2
  local envs=()
  while [[ $# -gt 0 && "$1" != "--" ]]; do envs+=("$1"); shift; done
  [[ "${1:-}" == "--" ]] && shift
  env "${envs[@]}" java ${JAVA_OPTS:-} -jar "$JAR" "$@" >"$log" 2>&1 &
  local pid=$!
  PIDS+=("$pid")
  echo "started $name (pid $pid, log $log)" >&2
}

stop_all() {
  for pid in "${PIDS[@]:-}"; do
    [[ -n "$pid" ]] && kill "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]:-}"; do
    [[ -n "$pid" ]] && wait "$pid" 2>/dev/null || true
  done
  PIDS=()
}
