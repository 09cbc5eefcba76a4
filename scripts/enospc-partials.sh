#!/usr/bin/env bash
# A worker destination on a disk that fills up mid-download (a small tmpfs), with the real jar:
# the sync fails with "No space left on device" and leaves no partial download in
# .syncnode/tmp, so the disk is not kept full until that spider syncs again. Then, with room made
# (a larger tmpfs), the same sync succeeds. Needs root (mount -t tmpfs); skips otherwise.
#
# usage: sudo scripts/enospc-partials.sh
# env:   SIZE_MB=24 (the spider's big file) FS_MB=8 (the small disk) KEEP=1 (keep the temp dir)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

SIZE_MB="${SIZE_MB:-24}"
FS_MB="${FS_MB:-8}"
require_jar
if [[ "$(id -u)" != 0 ]]; then echo "SKIP: needs root to mount a tmpfs" >&2; exit 0; fi
cd "$ROOT"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/syncnode-enospc.XXXXXX")"
MOUNTED=""
cleanup() {
  stop_all
  [[ -n "$MOUNTED" ]] && umount "$MOUNTED" 2>/dev/null || true
  if [[ "${KEEP:-0}" == 1 ]]; then echo "kept $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

SPIDER=big-spider
mkdir -p "$WORK/ws/$SPIDER" "$WORK/disk"
head -c $((SIZE_MB * 1024 * 1024)) /dev/urandom > "$WORK/ws/$SPIDER/big.bin"
echo "small" > "$WORK/ws/$SPIDER/small.txt"
HTTP_PORT="$(free_port)"; GRPC_PORT="$(free_port)"
cat > "$WORK/master.yml" <<YML
node: { role: master, key: master-1, workspace: "$WORK/ws" }
http: { host: 127.0.0.1, port: $HTTP_PORT }
grpc: { host: 127.0.0.1, port: $GRPC_PORT }
YML
start_node master "$WORK/master.log" -- -conf "$WORK/master.yml"
wait_http "http://127.0.0.1:$HTTP_PORT/health" 60

mount -t tmpfs -o size="${FS_MB}m" tmpfs "$WORK/disk"
MOUNTED="$WORK/disk"
DEST="$WORK/disk/$SPIDER"

set +e
java -Xmx256m -jar "$JAR" sync --master "127.0.0.1:$GRPC_PORT" --spider "$SPIDER" --dest "$DEST" --json \
  > "$WORK/full.out" 2> "$WORK/full.log"
RC=$?
set -e
LEFT=$(find "$DEST/.syncnode/tmp" -type f 2>/dev/null | wc -l)
USED=$(du -sk "$DEST/.syncnode/tmp" 2>/dev/null | cut -f1 || echo 0)
echo "sync on a ${FS_MB} MB disk: exit $RC; temp files left: $LEFT (${USED:-0} KiB)"
grep -q "No space left on device" "$WORK/full.log" "$WORK/full.out" || { echo "FAIL: no ENOSPC reported"; exit 1; }
[[ "$RC" == 1 ]] || { echo "FAIL: expected exit 1"; exit 1; }
[[ "$LEFT" == 0 ]] || { echo "FAIL: partial downloads kept on a full disk"; exit 1; }

umount "$WORK/disk"
mount -t tmpfs -o size="$((SIZE_MB * 3))m" tmpfs "$WORK/disk"
java -Xmx256m -jar "$JAR" sync --master "127.0.0.1:$GRPC_PORT" --spider "$SPIDER" --dest "$DEST" --json \
  > "$WORK/room.out" 2> "$WORK/room.log"
cmp "$WORK/ws/$SPIDER/big.bin" "$DEST/big.bin"
echo "with room: synced; PASS"
