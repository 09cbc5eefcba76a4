#!/usr/bin/env bash
# Core sync benchmark: one sync vs N concurrent syncs (into N destinations) of a generated
# 1000-file spider (1-64 KiB random files), through a real master + worker on loopback.
#
# Builds nothing: run `mvn -B verify` (or `mvn -B test-compile`) first. The runtime classpath
# is resolved once into target/bench-classpath.txt.
#
#   scripts/bench-core.sh [--files 1000] [--concurrency 10] [--rounds 5]
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ ! -d target/classes || ! -f target/test-classes/dev/syncnode/bench/CoreBench.class ]]; then
  echo "bench-core: target/classes or target/test-classes missing; build first: mvn -B verify" >&2
  exit 2
fi

CP_FILE=target/bench-classpath.txt
if [[ ! -s "$CP_FILE" ]]; then
  mvn -B -q -o dependency:build-classpath -Dmdep.outputFile="$CP_FILE" -Dmdep.includeScope=test >/dev/null \
    || mvn -B -q dependency:build-classpath -Dmdep.outputFile="$CP_FILE" -Dmdep.includeScope=test >/dev/null
fi

# --add-opens: as the jar's manifest, so the master opens spider files by descriptor (dev.syncnode.fs)
exec java -Xmx1g --add-opens java.base/sun.nio.fs=ALL-UNNAMED -cp "target/test-classes:target/classes:$(cat "$CP_FILE")" dev.syncnode.bench.CoreBench "$@"
