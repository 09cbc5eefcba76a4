#!/usr/bin/env bash
# Slow attacks on a real master (issue 12, items 3, 5, 6), each while a worker syncs another spider:
#   1. trickle: thousands of connections sending one header byte every few seconds (HTTP/1.1 headers
#      to the HTTP port, the HTTP/2 preface to the gRPC port), against a master whose descriptor
#      limit is lowered with prlimit;
#   2. stall:   3 HTTP/2 connections x 100 StreamFileDownload streams that never read (window 0),
#      against a master with a small heap;
#   3. slow:    16 HTTP downloads read at about 32 KB/s, then an --http-only sync.
# Each phase passes when the other sync succeeds during the attack and /health stays 200; the master
# runs with -XX:+ExitOnOutOfMemoryError, so running out of memory ends the phase as a failure.
# Prints one PASS/FAIL line per phase; exits 1 if any failed. Stops everything it started by PID.
#
# usage: scripts/attack-limits.sh
# env:   PHASES="trickle-http trickle-grpc stall-grpc slow-http" CONNS=20000 NOFILE=1024 HEAP=256m STREAMS=100 SLOW=16 ATTACK_ADDR=127.0.0.2
#        KEEP=1 (keep the temp dir). The attacker connects from ATTACK_ADDR: the per-address cap
#        (maxConnectionsPerClient) is part of the defence, so attacker and honest client must differ.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

CONNS="${CONNS:-20000}"
NOFILE="${NOFILE:-1024}"
HEAP="${HEAP:-256m}"
STREAMS="${STREAMS:-100}"
SLOW="${SLOW:-16}"
PHASES="${PHASES:-trickle-http trickle-grpc stall-grpc slow-http}"
ATTACK_ADDR="${ATTACK_ADDR:-127.0.0.2}"   # Linux routes all of 127/8 to loopback
require_jar
for tool in curl python3 prlimit; do command -v "$tool" >/dev/null || { echo "$tool is required" >&2; exit 2; }; done
cd "$ROOT"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/syncnode-attack.XXXXXX")"
ATTACK_PID=""
cleanup() {
  [[ -n "$ATTACK_PID" ]] && kill "$ATTACK_PID" 2>/dev/null || true
  stop_all
  if [[ "${KEEP:-0}" == 1 ]]; then echo "kept $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

mkdir -p "$WORK/ws/big" "$WORK/ws/small/sub"
python3 - "$WORK/ws/big" <<'PY'
import sys, os, random
rnd = random.Random(7)
for i in range(4):
    with open(os.path.join(sys.argv[1], f"f{i}.bin"), "wb") as f:
        for _ in range(64):
            f.write(rnd.randbytes(1 << 20))  # incompressible: what a stalled stream holds is real
PY
for i in $(seq 1 50); do echo "file $i" > "$WORK/ws/small/sub/f$i.txt"; done

HTTP_PORT="$(free_port)"; GRPC_PORT="$(free_port)"
# the limited master: prlimit applies to the java process started by start_node (through env)
JAVA_OPTS="-Xmx$HEAP -XX:+ExitOnOutOfMemoryError" start_node master "$WORK/master.log" \
  SYNCNODE_NODE_ROLE=master SYNCNODE_NODE_WORKSPACE="$WORK/ws" \
  SYNCNODE_HTTP_HOST=127.0.0.1 SYNCNODE_HTTP_PORT="$HTTP_PORT" \
  SYNCNODE_GRPC_HOST=127.0.0.1 SYNCNODE_GRPC_PORT="$GRPC_PORT" -- -conf conf/config.yml
MASTER_PID="${PIDS[-1]}"
prlimit --pid "$MASTER_PID" --nofile="$NOFILE:$NOFILE"
wait_http "http://127.0.0.1:$HTTP_PORT/health" 60

# attacker: python with its own (raised, if allowed) descriptor limit
cat > "$WORK/attack.py" <<'PY'
import asyncio, resource, socket, struct, sys
mode, host, port, n = sys.argv[1], "127.0.0.1", int(sys.argv[2]), int(sys.argv[3])
local = (sys.argv[4], 0)  # the attack comes from another loopback address than the honest sync

def connect():
    return asyncio.open_connection(host, port, local_addr=local)
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

async def trickle(request):
    while True:  # reconnect whenever the master closes us
        try:
            r, w = await connect()
            for b in request:
                w.write(bytes([b])); await w.drain()
                await asyncio.sleep(5)
        except Exception:
            await asyncio.sleep(0.5)

def frame(kind, flags, stream, payload=b""):
    return struct.pack(">I", len(payload))[1:] + bytes([kind, flags]) + struct.pack(">I", stream) + payload

def literal(name, value):
    return b"\x00" + bytes([len(name)]) + name + bytes([len(value)]) + value

async def stall():
    msg = b"\x0a\x03big\x12\x06f0.bin"  # FileDownloadRequest{spider_id: big, path: f0.bin}
    block = (literal(b":method", b"POST") + literal(b":scheme", b"http") + literal(b":authority", b"x")
             + literal(b":path", b"/syncnode.v1.SyncService/StreamFileDownload")
             + literal(b"content-type", b"application/grpc") + literal(b"te", b"trailers"))
    r, w = await connect()
    w.write(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + frame(4, 0, 0, struct.pack(">HI", 4, 0)))  # window 0
    for i in range(n):
        sid = 2 * i + 1
        w.write(frame(1, 4, sid, block) + frame(0, 1, sid, b"\x00" + struct.pack(">I", len(msg)) + msg))
    await w.drain()
    while await r.read(65536):  # read frames (never WINDOW_UPDATE): the server stays blocked
        pass

async def slow():
    r, w = await connect()
    w.write(b"GET /api/sync/big/download?path=f1.bin HTTP/1.1\r\nHost: x\r\n\r\n"); await w.drain()
    while await r.read(4096):
        await asyncio.sleep(4096 / 32768)

async def main():
    if mode == "trickle":
        request = b"GET /health HTTP/1.1\r\nHost: x\r\nX-Pad: " + b"a" * 4000
        await asyncio.gather(*(trickle(request) for _ in range(n)))
    elif mode == "trickle-h2":  # never a complete preface: Vert.x has no HTTP connection for these
        await asyncio.gather(*(trickle(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r") for _ in range(n)))
    elif mode == "stall":
        await asyncio.gather(*(stall() for _ in range(3)))
    else:
        await asyncio.gather(*(slow() for _ in range(n)))

asyncio.run(main())
PY

FAILED=0
# phase NAME MODE PORT N SYNC_ARGS...: runs the attack, syncs the small spider meanwhile, checks health
phase() {
  local name="$1" mode="$2" port="$3" n="$4"; shift 4
  rm -rf "$WORK/dest-$name"
  python3 "$WORK/attack.py" "$mode" "$port" "$n" "$ATTACK_ADDR" >"$WORK/attack-$name.log" 2>&1 &
  ATTACK_PID=$!
  sleep 15  # let the attack build up
  local start=$SECONDS ok=1
  if ! timeout 180 java -jar "$JAR" sync --master "127.0.0.1:$GRPC_PORT" --master-http "http://127.0.0.1:$HTTP_PORT" \
      --spider small --dest "$WORK/dest-$name" --quiet "$@" >"$WORK/sync-$name.log" 2>&1; then ok=0; fi
  local took=$((SECONDS - start))
  local health; health="$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$HTTP_PORT/health" || true)"
  kill "$ATTACK_PID" 2>/dev/null || true; wait "$ATTACK_PID" 2>/dev/null || true; ATTACK_PID=""
  if ! kill -0 "$MASTER_PID" 2>/dev/null; then ok=0; echo "master died (see $WORK/master.log)" >&2; fi
  [[ "$health" == 200 ]] || ok=0
  if (( ok )); then echo "PASS $name: sync in ${took}s, /health $health"; else
    echo "FAIL $name: sync exit/log $WORK/sync-$name.log, /health $health"; FAILED=1; fi
  kill -0 "$MASTER_PID" 2>/dev/null || exit 1
}

for p in $PHASES; do
  case "$p" in
    trickle-http) phase trickle-http trickle "$HTTP_PORT" "$CONNS" --http-only ;;
    trickle-grpc) phase trickle-grpc trickle-h2 "$GRPC_PORT" "$CONNS" ;;
    stall-grpc) phase stall-grpc stall "$GRPC_PORT" "$STREAMS" ;;
    slow-http) phase slow-http slow "$HTTP_PORT" "$SLOW" --http-only ;;
    *) echo "unknown phase $p" >&2; exit 2 ;;
  esac
done
exit "$FAILED"
