#!/usr/bin/env bash
# An ensemble's peak memory does not grow with its runs: 20 runs and 300 runs (well past the
# 16 MB that summary.csv holds in memory, and 360,000 events that the charts do not hold) at the
# coarsest scale, measured with /usr/bin/time -v (installed with apt-get when missing). The
# bound: 300 runs peak less than 8 MB above 20 runs (holding every row would add about 30 MB of
# values and 40 MB of events). Not timed.
#
# Usage: tests/cluster/memory_bound.sh [REVSIM_BINARY]   (default: target/release/revsim)
set -euo pipefail
cd "$(dirname "$0")/../.."
REVSIM=$(realpath "${1:-${CARGO_TARGET_DIR:-target}/release/revsim}")
WORK=$(mktemp -d /tmp/revsim-memory-XXXXXX)
trap 'rm -rf "$WORK"' EXIT
if [ ! -x /usr/bin/time ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null
fi

peak_kb() {
    /usr/bin/time -f %M "$REVSIM" ensemble scenarios/baseline.ron --runs "$1" --scale 100000 --jobs 2 --quiet \
        --out "$WORK/e$1" 2>&1 >/dev/null | tail -1
}

small=$(peak_kb 20)
large=$(peak_kb 300)
echo "memory_bound: peak memory of an ensemble: 20 runs ${small} kB, 300 runs ${large} kB" >&2
if [ $((large - small)) -ge 8192 ]; then
    echo "memory_bound: 300 runs take $(((large - small) / 1024)) MB more than 20: memory grows with the runs" >&2
    exit 1
fi
