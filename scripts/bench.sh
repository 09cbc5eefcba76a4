#!/usr/bin/env bash
# Benchmark: syncnode against an rsync daemon, side by side, on loopback, in one run.
#
#   scripts/bench.sh            (needs target/node.jar; installs rsync with apt-get when missing)
#
# Generates the trees, starts a master and BENCH_WORKERS worker nodes from target/node.jar and an
# rsync daemon (`rsync -a` over rsync://127.0.0.1:<port>), and prints wall time and bytes on the
# wire for both, with the ratio syncnode/rsync, for:
#   1. full copy of ~1000 files (1-64 KiB, half text, half random) plus five 5-50 MiB binaries
#   2. no-change re-sync of a 10,000-file tree
#   3. re-sync after 1% of the small files changed
#   4. re-sync after 64 KiB changed inside the 50 MiB file
#   5. BENCH_WORKERS workers pulling one spider at once vs as many rsync clients at once
# syncnode runs through a running worker node (POST /api/sync/{id}), so JVM start-up is not
# counted; rsync runs as a client process per sync (its start-up, a few ms, is counted).
# Bytes: syncnode = TCP payload bytes both ways on the master's gRPC sockets (kernel tcp_info
# counters via `ss`, no proxy in the path); rsync = "Total bytes sent" + "Total bytes received"
# of --stats. Nodes run with the default configuration: the master's scan cache is kept fresh
# by its file watcher (a change invalidates it), so an unchanged spider is not walked again,
# and a changed one is. Worker JVMs are warmed up (BENCH_WARM syncs of a separate spider, until
# their JIT compiler has mostly finished) before measuring; rsync gets a warm-up run too.
# Bounded: each sync has a 300 s limit; processes are stopped by PID; everything is on 127.0.0.1.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

WORKERS="${BENCH_WORKERS:-10}"
CASES_WANTED=" ${BENCH_CASES:-1 2 3 4 5 x} "  # e.g. BENCH_CASES=5 runs only case 5
want() { [[ "$CASES_WANTED" == *" $1 "* ]]; }
REPEAT="${BENCH_REPEAT:-3}"
GEN="java -Xmx512m $ROOT/scripts/bench/GenTree.java"
START=$(date +%s)

if [[ ! -f "$JAR" ]]; then
  echo "building target/node.jar" >&2
  mvn -B -q -o package -DskipTests >&2 || mvn -B -q package -DskipTests >&2
fi
if ! command -v rsync >/dev/null; then
  echo "installing rsync" >&2
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq >&2 && $SUDO apt-get install -y -qq rsync >&2
fi
command -v ss >/dev/null || { echo "ss (iproute2) is needed to count bytes" >&2; exit 2; }

WORK="$(mktemp -d /tmp/syncnode-bench.XXXXXX)"
RSYNCD_PID=""
cleanup() {
  stop_all
  [[ -n "$RSYNCD_PID" ]] && kill "$RSYNCD_PID" 2>/dev/null && wait "$RSYNCD_PID" 2>/dev/null || true
  [[ "${BENCH_KEEP:-0}" == 1 ]] && echo "kept $WORK" >&2 || rm -rf "$WORK"
}
trap cleanup EXIT

M="$WORK/master"
echo "== generating trees in $WORK" >&2
$GEN small "$M/full" 1000 1
$GEN big "$M/full"
$GEN many "$M/many" 10000 2
$GEN small "$M/fan" 1000 5
$GEN python "$M/py" 20 7
$GEN small "$M/warm" 1000 9 16
$GEN blob "$M/warm/data/w.bin" 2 9
# Fresh copies are separate spiders (real copies: a master leaves out files with other hard links,
# whose other names could lie outside the spider), never deleted while measuring:
# deleting thousands of files right before a run makes ext4's inode allocation slow for whoever
# runs next, which would distort the comparison.
for r in $(seq 1 "$REPEAT"); do
  cp -a "$M/full" "$M/full-$r"; cp -a "$M/fan" "$M/fan-$r"; cp -a "$M/py" "$M/py-$r"
done
# Warm-up rounds: every worker syncs a fresh copy of a 1000-file spider (1-16 KiB files) each round.
# A worker JVM's JIT compiler keeps working for about 20 such rounds (its CPU per round falls from
# ~2.4 s to ~0.3 s for 10 workers); a node that has run for a while is past that.
WARM="${BENCH_WARM:-20}"
for r in $(seq 1 "$WARM"); do cp -a "$M/warm" "$M/warm-$r"; done

# ---- rsync daemon ----
R_PORT=$(free_port)
cat >"$WORK/rsyncd.conf" <<EOF
uid = $(id -u)
gid = $(id -g)
use chroot = no
read only = yes
max connections = 0
pid file = $WORK/rsyncd.pid
[ws]
  path = $M
EOF
rsync --daemon --no-detach --address=127.0.0.1 --port="$R_PORT" --config="$WORK/rsyncd.conf" \
  --log-file="$WORK/rsyncd.log" &
RSYNCD_PID=$!

# ---- syncnode nodes ----
M_HTTP=$(free_port); M_GRPC=$(free_port)
JAVA_OPTS="${BENCH_JAVA_OPTS:--Xms32m -Xmx224m -XX:+UseSerialGC}" start_node master "$WORK/master.log" \
  SYNCNODE_NODE_ROLE=master SYNCNODE_NODE_KEY=master SYNCNODE_NODE_WORKSPACE="$M" \
  SYNCNODE_HTTP_HOST=127.0.0.1 SYNCNODE_HTTP_PORT="$M_HTTP" SYNCNODE_GRPC_HOST=127.0.0.1 SYNCNODE_GRPC_PORT="$M_GRPC" \
  -- -conf conf/config.yml
W_PORT=()
for i in $(seq 1 "$WORKERS"); do
  p=$(free_port)
  W_PORT+=("$p")
  mkdir -p "$WORK/w$i"
  wopts="${BENCH_WORKER_JAVA_OPTS:--Xmx384m -XX:+UseSerialGC}"
  JAVA_OPTS="${wopts//%i/$i}" start_node "worker$i" "$WORK/worker$i.log" \
    SYNCNODE_NODE_ROLE=worker SYNCNODE_NODE_KEY="w$i" SYNCNODE_NODE_WORKSPACE="$WORK/w$i" \
    SYNCNODE_HTTP_HOST=127.0.0.1 SYNCNODE_HTTP_PORT="$p" \
    SYNCNODE_MASTER_GRPC="127.0.0.1:$M_GRPC" SYNCNODE_MASTER_HTTP="http://127.0.0.1:$M_HTTP" \
    -- -conf conf/config.yml
done
wait_http "http://127.0.0.1:$M_HTTP/health" 120 || { tail -50 "$WORK/master.log"; exit 1; }
for p in "${W_PORT[@]}"; do
  wait_http "http://127.0.0.1:$p/health" 120 || { echo "worker on $p did not start" >&2; exit 1; }
done

# ---- measuring ----
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# TCP payload bytes sent + received so far on every established socket of the master's gRPC port.
wire_bytes() {
  ss -tinH state established "( sport = :$M_GRPC )" | awk '{
    for (i = 1; i <= NF; i++) if ($i ~ /^bytes_(sent|received):/) { split($i, kv, ":"); s += kv[2] }
  } END { printf "%.0f\n", s }'
}

# sn_sync WORKER_INDEX SPIDER: one sync through the worker's API; fails on an error answer.
sn_sync() {
  local out
  out=$(curl -sS -m 300 -X POST "http://127.0.0.1:${W_PORT[$1]}/api/sync/$2")
  if [[ "$out" != *'"spiderId"'* ]]; then
    echo "syncnode sync failed: $out" >&2
    return 1
  fi
  echo "$out" >>"$WORK/reports.jsonl"
}

# rs_sync MODULE DEST: one rsync client run; appends its byte count to $WORK/rsync.bytes.
rs_sync() {
  mkdir -p "$2"
  rsync -a --stats "rsync://127.0.0.1:$R_PORT/ws/$1/" "$2/" >"$2.stats"
  awk '/^Total bytes (sent|received):/ {gsub(",", "", $4); s += $4} END {printf "%.0f\n", s}' "$2.stats" >>"$WORK/rsync.bytes"
}

declare -a SN_MS SN_B RS_MS RS_B SN_CPU M_CPU D_CPU
# CPU ms (user + system) of the first worker node, which runs every single-worker sync
w1_ms() { awk -v t="$(getconf CLK_TCK)" '{print int(($14 + $15) * 1000 / t)}' "/proc/${PIDS[1]}/stat"; }
# CPU ms of the master, and of the rsync daemon with the children it forked per connection and reaped
master_ms() { awk -v t="$(getconf CLK_TCK)" '{print int(($14 + $15) * 1000 / t)}' "/proc/${PIDS[0]}/stat"; }
daemon_ms() { awk -v t="$(getconf CLK_TCK)" '{print int(($14 + $15 + $16 + $17) * 1000 / t)}' "/proc/$RSYNCD_PID/stat"; }
CASES=()

# measure NAME SN_CMD RS_CMD [PREP_CMD [FLOOR_CMD]]: REPEAT rounds of PREP (unmeasured) then both
# tools, in alternating order (syncnode first in odd rounds); keeps the median time and the median
# bytes of each tool (every round changes the same files for both). $ROUND is set for the commands.
# The optional hooks SN_PRE/SN_POST and RS_PRE/RS_POST run right before and after a tool's command,
# outside the timed region (CPU counters, profilers). FLOOR_CMD, when given, is timed in every round,
# before both tools in odd rounds and after them in even ones; its median goes to FLOOR_MS.
measure() {
  local name="$1" sn="$2" rs="$3" prep="${4:-true}" floor="${5:-}" r
  local -a sn_runs=() rs_runs=() fl_runs=() sn_cpu=() m_cpu=() d_cpu=()
  local k=${#CASES[@]}
  CASES+=("$name")
  for r in $(seq 1 "$REPEAT"); do
    ROUND=$r; eval "$prep"
    sleep 0.5 # let the master's watcher see the change (a sync right after a change may not yet)
    local b0 t0 t1 b1 c0 m0 d0 first fl=""
    if [[ -n "$floor" && $((r % 2)) == 1 ]]; then
      t0=$(now_ms); eval "$floor"; t1=$(now_ms)
      fl_runs+=("$((t1 - t0))"); fl="  floor $((t1 - t0))"
    fi
    for first in sn rs; do
      if [[ $((r % 2)) == 1 && $first == sn || $((r % 2)) == 0 && $first == rs ]]; then
        eval "${SN_PRE:-}"
        c0=$(w1_ms); m0=$(master_ms); b0=$(wire_bytes); t0=$(now_ms)
        eval "$sn"
        t1=$(now_ms); b1=$(wire_bytes); sn_cpu+=("$(( $(w1_ms) - c0 ))"); m_cpu+=("$(( $(master_ms) - m0 ))")
        eval "${SN_POST:-}"
        sn_runs+=("$((t1 - t0)) $((b1 - b0))")
      fi
      if [[ $((r % 2)) == 1 && $first == rs || $((r % 2)) == 0 && $first == sn ]]; then
        : >"$WORK/rsync.bytes"
        eval "${RS_PRE:-}"
        d0=$(daemon_ms); t0=$(now_ms)
        eval "$rs"
        t1=$(now_ms)
        sleep 0.05 # the daemon reaps its last child just after the client exits
        d_cpu+=("$(( $(daemon_ms) - d0 ))")
        eval "${RS_POST:-}"
        rs_runs+=("$((t1 - t0)) $(awk '{s += $1} END {printf "%.0f\n", s}' "$WORK/rsync.bytes")")
      fi
    done
    if [[ -n "$floor" && $((r % 2)) == 0 ]]; then
      t0=$(now_ms); eval "$floor"; t1=$(now_ms)
      fl_runs+=("$((t1 - t0))"); fl="  floor $((t1 - t0))"
    fi
    echo "   $name run $r: syncnode ${sn_runs[-1]}  rsync ${rs_runs[-1]}  (ms bytes)  worker 1 CPU ${sn_cpu[-1]} ms" \
      " master CPU ${m_cpu[-1]} ms  rsync daemon CPU ${d_cpu[-1]} ms$fl" >&2
  done
  local mid=$(( (REPEAT + 1) / 2 ))
  SN_MS[$k]=$(printf '%s\n' "${sn_runs[@]}" | awk '{print $1}' | sort -n | sed -n "${mid}p")
  SN_B[$k]=$(printf '%s\n' "${sn_runs[@]}" | awk '{print $2}' | sort -n | sed -n "${mid}p")
  RS_MS[$k]=$(printf '%s\n' "${rs_runs[@]}" | awk '{print $1}' | sort -n | sed -n "${mid}p")
  RS_B[$k]=$(printf '%s\n' "${rs_runs[@]}" | awk '{print $2}' | sort -n | sed -n "${mid}p")
  SN_CPU[$k]=$(printf '%s\n' "${sn_cpu[@]}" | sort -n | sed -n "${mid}p")
  M_CPU[$k]=$(printf '%s\n' "${m_cpu[@]}" | sort -n | sed -n "${mid}p")
  D_CPU[$k]=$(printf '%s\n' "${d_cpu[@]}" | sort -n | sed -n "${mid}p")
  [[ -z "$floor" ]] || FLOOR_MS=$(printf '%s\n' "${fl_runs[@]}" | sort -n | sed -n "${mid}p")
}

echo "== warm-up (not measured)" >&2
warm_all() { # every worker syncs spider $1, all at once
  local i pids=()
  for i in $(seq 0 $((WORKERS - 1))); do sn_sync "$i" "$1" & pids+=($!); done
  for i in "${pids[@]}"; do wait "$i"; done
}
for r in $(seq 1 "$WARM"); do warm_all "warm-$r"; done
for r in 1 2 3; do
  $GEN patch "$M/warm/data/w.bin" $((500000 + r * 77777)) 65536 $((300 + r))
  $GEN touch "$M/warm" 2 $((400 + r)) >/dev/null
  sleep 0.5
  sn_sync 0 warm
done
for r in $(seq 1 20); do sn_sync 0 warm; done # no-change syncs, the most frequent kind on a running worker
rs_sync warm "$WORK/r1/warm"

echo "== 1. full copy (1000 small files + five 5-50 MiB binaries)" >&2
want 1 && measure "1 full copy (1000 files + 5 binaries, $(du -sm "$M/full" | cut -f1) MiB)" \
  'sn_sync 0 "full-$ROUND"' 'rs_sync "full-$ROUND" "$WORK/r1/full-$ROUND"'

check_copy() { # check_copy SPIDER SYNCNODE_DIR RSYNC_DIR: both copies equal the master's tree
  diff -r --exclude=.syncnode "$M/$1" "$2" >/dev/null || { echo "syncnode copy of $1 differs" >&2; exit 1; }
  [[ -z "${3:-}" ]] || diff -r "$M/$1" "$3" >/dev/null || { echo "rsync copy of $1 differs" >&2; exit 1; }
}
want 1 && check_copy "full-$REPEAT" "$WORK/w1/full-$REPEAT" "$WORK/r1/full-$REPEAT"

if want 2; then
echo "== 2. no-change re-sync of 10,000 files" >&2
sn_sync 0 many
rs_sync many "$WORK/r1/many"
measure "2 no-change re-sync, 10,000 files" 'sn_sync 0 many' 'rs_sync many "$WORK/r1/many"'
fi

if want 3; then
echo "== 3. 1% of the small files changed" >&2
sn_sync 0 full
rs_sync full "$WORK/r1/full"
measure "3 re-sync after 1% of small files changed" \
  'sn_sync 0 full' 'rs_sync full "$WORK/r1/full"' '$GEN touch "$M/full" 1 $((100 + ROUND)) >/dev/null'
fi

if want 4; then
echo "== 4. 64 KiB changed inside the 50 MiB file" >&2
if ! want 3; then # both copies of the spider exist before measuring (case 3 makes them when it runs)
  sn_sync 0 full
  rs_sync full "$WORK/r1/full"
fi
measure "4 re-sync after 64 KiB changed in a 50 MiB file" \
  'sn_sync 0 full' 'rs_sync full "$WORK/r1/full"' \
  '$GEN patch "$M/full/data/blob5.bin" $((20000000 + ROUND * 1000003)) 65536 $((200 + ROUND))'
fi

echo "== 5. $WORKERS workers at once" >&2
TCK=$(getconf CLK_TCK)
# CPU ms (user + system) of processes; with "+children" the reaped children count too
proc_ms() { local s=0 p; for p in "$@"; do s=$((s + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done; echo $((s * 1000 / TCK)); }
sys_ms() { local s=0 p; for p in "$@"; do s=$((s + $(awk '{print $15}' "/proc/$p/stat"))); done; echo $((s * 1000 / TCK)); }
tree_ms() { echo $(( $(awk '{print $14 + $15 + $16 + $17}' "/proc/$1/stat") * 1000 / TCK )); }
# CPU ms of this shell's reaped children (the rsync clients it waited for) into $KIDS_MS; `times`
# must run in this shell, not in a command substitution (a subshell has children of its own)
kids_ms() {
  times >"$WORK/times.txt"
  KIDS_MS=$(tail -1 "$WORK/times.txt" | awk '{ split($1, u, /[ms]/); split($2, s, /[ms]/); printf "%d", (u[1] * 60 + u[2] + s[1] * 60 + s[2]) * 1000 }')
  KIDS_SYS=$(tail -1 "$WORK/times.txt" | awk '{ split($2, s, /[ms]/); printf "%d", (s[1] * 60 + s[2]) * 1000 }')
}
# CPU ms of the JIT compiler threads of processes
jit_ms() {
  local s=0 p t c
  for p in "$@"; do
    for t in /proc/"$p"/task/*; do
      read -r c <"$t/comm" || continue
      [[ "$c" == C1\ * || "$c" == C2\ * ]] && s=$((s + $(awk '{print $14 + $15}' "$t/stat")))
    done
  done
  echo $((s * 1000 / TCK))
}
# CPU ms of the garbage collector's threads (and the VM thread that runs its pauses) of processes
gc_ms() {
  local s=0 p t c
  for p in "$@"; do
    for t in /proc/"$p"/task/*; do
      read -r c <"$t/comm" || continue
      [[ "$c" == GC\ Thread* || "$c" == G1\ * || "$c" == VM\ Thread ]] && s=$((s + $(awk '{print $14 + $15}' "$t/stat")))
    done
  done
  echo $((s * 1000 / TCK))
}
cpu_mark() { # cpu_mark: CPU counters of the master and the workers (user+system, system, JIT) before a run
  M0=$(proc_ms "${PIDS[0]}"); W0=$(proc_ms "${PIDS[@]:1}"); MS0=$(sys_ms "${PIDS[0]}"); WS0=$(sys_ms "${PIDS[@]:1}")
  WJ0=$(jit_ms "${PIDS[@]:1}"); MJ0=$(jit_ms "${PIDS[0]}"); MG0=$(gc_ms "${PIDS[0]}")
}
# kB of a /proc/PID/status field (VmRSS: resident now, VmHWM: the peak since the process started)
status_kb() { awk -v f="$2:" '$1 == f {print $2}' "/proc/$1/status"; }
cpu_note() {
  local mc mj
  mc=$(( $(proc_ms "${PIDS[0]}") - M0 ))
  mj=$(( $(jit_ms "${PIDS[0]}") - MJ0 ))
  echo "$mc $(( $(proc_ms "${PIDS[@]:1}") - W0 )) $(( $(sys_ms "${PIDS[0]}") - MS0 ))" \
    "$(( $(sys_ms "${PIDS[@]:1}") - WS0 )) $(( $(jit_ms "${PIDS[@]:1}") - WJ0 ))" \
    "$(( $(status_kb "${PIDS[0]}" VmRSS) / 1024 )) $(( $(status_kb "${PIDS[0]}" VmHWM) / 1024 )) $((mc - mj))" >>"$WORK/cpu5.sn"
  echo "   case 5 run $ROUND: master $mc CPU-ms (JIT compiler $mj, GC $(( $(gc_ms "${PIDS[0]}") - MG0 ))), RSS $(( $(status_kb "${PIDS[0]}" VmRSS) / 1024 )) MB (peak $(( $(status_kb "${PIDS[0]}" VmHWM) / 1024 )) MB)" >&2
}
perf_start() { # perf_start NAME: with BENCH_PERF=FILE, a system-wide perf profile of the run into FILE.NAME.ROUND
  PERF_PID=""
  [[ -n "${BENCH_PERF:-}" ]] || return 0
  perf record -a -g -q -o "$BENCH_PERF.$1.$ROUND" 2>/dev/null & PERF_PID=$!
  sleep 0.3
}
perf_stop() { [[ -z "$PERF_PID" ]] || { kill -INT "$PERF_PID"; wait "$PERF_PID" || true; }; }
tree_sys_ms() { echo $(( $(awk '{print $15 + $17}' "/proc/$1/stat") * 1000 / TCK )); }
rs_mark() { RD0=$(tree_ms "$RSYNCD_PID"); RDS0=$(tree_sys_ms "$RSYNCD_PID"); kids_ms; RC0=$KIDS_MS; RCS0=$KIDS_SYS; }
rs_note() {
  kids_ms
  echo "   rsync daemon $(( $(tree_ms "$RSYNCD_PID") - RD0 )) CPU-ms (children included)" >&2
  echo "$(( $(tree_ms "$RSYNCD_PID") - RD0 )) $(( KIDS_MS - RC0 )) $(( $(tree_sys_ms "$RSYNCD_PID") - RDS0 )) $(( KIDS_SYS - RCS0 ))" >>"$WORK/cpu5.rs"
}
fan_sn() {
  local i pids=()
  for i in $(seq 0 $((WORKERS - 1))); do sn_sync "$i" "fan-$ROUND" & pids+=($!); done
  for i in "${pids[@]}"; do wait "$i"; done
}
fan_rs() {
  local i pids=()
  for i in $(seq 1 "$WORKERS"); do rs_sync "fan-$ROUND" "$WORK/r5/$ROUND/c$i" & pids+=($!); done
  for i in "${pids[@]}"; do wait "$i"; done
}
# The floor: WORKERS plain local copies at once (`cp -a`, no network, no checksums, no temp files),
# the file-system work any tool that writes WORKERS copies of the tree on this host has to do.
fan_cp() {
  local i pids=()
  mkdir -p "$WORK/cp5/$ROUND"
  for i in $(seq 1 "$WORKERS"); do cp -a "$M/fan-$ROUND" "$WORK/cp5/$ROUND/c$i" & pids+=($!); done
  for i in "${pids[@]}"; do wait "$i"; done
}
SN_PRE='cpu_mark; perf_start syncnode' SN_POST='perf_stop; cpu_note' RS_PRE='rs_mark; perf_start rsync' RS_POST='perf_stop; rs_note'
if want 5; then
  measure "5 $WORKERS workers pull one spider at once (1000 files, $(du -sm "$M/fan" | cut -f1) MiB)" 'fan_sn' 'fan_rs' true 'fan_cp'
  K5=$(( ${#CASES[@]} - 1 ))
fi
SN_PRE='' SN_POST='' RS_PRE='' RS_POST=''

if want x; then
echo "== extra: 20 MiB of Python source (compression)" >&2
measure "x 20 MiB Python source, full copy" 'sn_sync 0 "py-$ROUND"' 'rs_sync "py-$ROUND" "$WORK/r1/py-$ROUND"'
fi

# ---- checks: every copy identical to the master ----
want 2 && check_copy many "$WORK/w1/many" "$WORK/r1/many"
{ want 3 || want 4; } && check_copy full "$WORK/w1/full" "$WORK/r1/full"
want x && check_copy "py-$REPEAT" "$WORK/w1/py-$REPEAT" "$WORK/r1/py-$REPEAT"
want 5 && for i in $(seq 1 "$WORKERS"); do
  check_copy "fan-$REPEAT" "$WORK/w$i/fan-$REPEAT" "$WORK/r5/$REPEAT/c$i"
done

# ---- table ----
human() { awk -v b="$1" 'BEGIN { if (b >= 1048576) printf "%.1f MB", b / 1048576; else if (b >= 1024) printf "%.1f KB", b / 1024; else printf "%d B", b }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
echo
echo "syncnode $(java -jar "$JAR" version 2>/dev/null | tail -1) vs $(rsync --version | head -1 | awk '{print $1, $2, $3}'), $(nproc) CPUs, median of $REPEAT runs, $(date -u +%Y-%m-%d)"
echo "syncnode: worker nodes already running, sync via POST /api/sync/{id} (JVM start-up not counted; each worker JVM warmed up"
echo "  by $WARM syncs of a separate 1000-file spider, as a long-running node is); rsync: one client process per sync."
echo "bytes: syncnode = TCP payload both ways on the master's gRPC sockets; rsync = --stats total bytes sent + received."
echo
printf '| %-58s | %9s | %9s | %6s | %10s | %10s | %6s |\n' "case" "syncnode" "rsync" "time" "syncnode" "rsync" "bytes"
printf '| %-58s | %9s | %9s | %6s | %10s | %10s | %6s |\n' "" "ms" "ms" "ratio" "bytes" "bytes" "ratio"
printf '|%s|%s|%s|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..60})" "-----------" "-----------" "--------" "------------" "------------" "--------"
for k in "${!CASES[@]}"; do
  printf '| %-58s | %9s | %9s | %6s | %10s | %10s | %6s |\n' "${CASES[$k]}" "${SN_MS[$k]}" "${RS_MS[$k]}" \
    "$(ratio "${SN_MS[$k]}" "${RS_MS[$k]}")" "$(human "${SN_B[$k]}")" "$(human "${RS_B[$k]}")" \
    "$(ratio "${SN_B[$k]}" "${RS_B[$k]}")"
done
echo
echo "Serving side: the master's CPU (user + system, JIT and GC threads included) against the rsync daemon's"
echo "(its forked children included), median CPU-ms per sync (case 5: all the workers' syncs of a round):"
echo
printf '| %-58s | %9s | %9s | %6s |\n' "case" "master" "daemon" "CPU"
printf '| %-58s | %9s | %9s | %6s |\n' "" "CPU-ms" "CPU-ms" "ratio"
printf '|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..60})" "-----------" "-----------" "--------"
for k in "${!CASES[@]}"; do
  printf '| %-58s | %9s | %9s | %6s |\n' "${CASES[$k]}" "${M_CPU[$k]}" "${D_CPU[$k]}" "$(ratio "${M_CPU[$k]}" "${D_CPU[$k]}")"
done
echo
printf 'worker 1 CPU (user + system, median ms, JIT threads included):'
for k in "${!CASES[@]}"; do printf ' case %s %s;' "${CASES[$k]%% *}" "${SN_CPU[$k]}"; done
echo
med() { sort -n | sed -n "$(( (REPEAT + 1) / 2 ))p"; }
want 5 && echo "case 5 CPU time (median of $REPEAT runs, user + system): syncnode master $(cut -d' ' -f1 "$WORK/cpu5.sn" | med) ms," \
  "$WORKERS worker nodes $(cut -d' ' -f2 "$WORK/cpu5.sn" | med) ms (system part: master $(cut -d' ' -f3 "$WORK/cpu5.sn" | med) ms, workers $(cut -d' ' -f4 "$WORK/cpu5.sn" | med) ms;" \
  "workers' JIT compiler threads $(cut -d' ' -f5 "$WORK/cpu5.sn" | med) ms); rsync daemon $(cut -d' ' -f1 "$WORK/cpu5.rs" | med) ms," \
  "$WORKERS rsync clients $(cut -d' ' -f2 "$WORK/cpu5.rs" | med) ms (system part: daemon $(cut -d' ' -f3 "$WORK/cpu5.rs" | med) ms," \
  "clients $(cut -d' ' -f4 "$WORK/cpu5.rs" | med) ms)"
want 5 && echo "case 5 master without its JIT compiler threads (still compiling in a young JVM): $(cut -d' ' -f8 "$WORK/cpu5.sn" | med) CPU-ms" \
  "(median) = $(ratio "$(cut -d' ' -f8 "$WORK/cpu5.sn" | med)" "$(cut -d' ' -f1 "$WORK/cpu5.rs" | med)") x the rsync daemon's"
want 5 && echo "case 5 master memory after the runs: resident $(cut -d' ' -f6 "$WORK/cpu5.sn" | tail -1) MB, peak (VmHWM) $(cut -d' ' -f7 "$WORK/cpu5.sn" | tail -1) MB" \
  "(master JVM options: ${BENCH_JAVA_OPTS:--Xms32m -Xmx224m -XX:+UseSerialGC})"
want 5 && echo "case 5 floor: $WORKERS local 'cp -a' copies of the tree at once (no network, no checksums) took ${FLOOR_MS} ms" \
  "(median) = $(ratio "$FLOOR_MS" "${RS_MS[$K5]}") x rsync's time, on the same $(nproc) CPUs that run every node and client."
echo "total bench time: $(( $(date +%s) - START )) s"
