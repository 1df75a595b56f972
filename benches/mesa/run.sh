#!/usr/bin/env bash
# Cross-check of revsim's reference Epstein model against Mesa's example, and their speed side by
# side on this machine. Not part of CI (it installs Mesa with pip and takes tens of minutes).
#
#   benches/mesa/run.sh                 # the full run (README and docs/EPSTEIN.md figures)
#   SEEDS=4 STEPS=200 MESA_SIZES="40" benches/mesa/run.sh   # a quick look
#   CROSSCHECK=0 benches/mesa/run.sh    # the timing only (about 25 minutes: Mesa at 600×600 is most of it)
#
# Environment: SEEDS (Mesa seeds per configuration, default 10; revsim runs 10 times as many),
# STEPS (steps per cross-check run, default 300), MESA_SIZES (grids Mesa is timed on, default
# "40 100 200 400 600"; Mesa's neighbourhood cache needs several GB at 400×400 and more than this
# machine has at 1000×1000; revsim is timed on 40, 100, 200, 400, 600 and 1000), VENV (default
# target/mesa-venv), OUT (default target/mesa-bench), CROSSCHECK (default 1; 0 skips the
# cross-check, which takes most of the time).
# The last line reads: revsim is N× faster than Mesa per step (40×40)
set -euo pipefail
cd "$(dirname "$0")/../.."
SEEDS=${SEEDS:-10}
STEPS=${STEPS:-300}
MESA_SIZES=${MESA_SIZES:-40 100 200 400 600}
CROSSCHECK=${CROSSCHECK:-1}
VENV=${VENV:-target/mesa-venv}
OUT=${OUT:-target/mesa-bench}
HERE=benches/mesa
mkdir -p "$OUT"

[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
# networkx: Mesa's examples package imports it; scipy: the Mann-Whitney test.
"$VENV/bin/pip" install --quiet mesa==3.3.1 networkx scipy
PY="$VENV/bin/python"
cargo build --release --quiet --example epstein
REVSIM="${CARGO_TARGET_DIR:-target}/release/examples/epstein"

# Cross-check: Mesa's seeds in two processes (two cores), revsim's in one.
status=0
configs="mesa run1"
[ "$CROSSCHECK" = 0 ] && configs=""
for config in $configs; do
    half=$(( (SEEDS + 1) / 2 ))
    "$PY" "$HERE/mesa_epstein.py" counts "$config" 40 "$STEPS" $(seq 1 "$half") > "$OUT/mesa-$config-a.csv" &
    a=$!
    "$PY" "$HERE/mesa_epstein.py" counts "$config" 40 "$STEPS" $(seq $((half + 1)) "$SEEDS") > "$OUT/mesa-$config-b.csv" &
    b=$!
    wait $a $b
    { cat "$OUT/mesa-$config-a.csv"; tail -n +2 "$OUT/mesa-$config-b.csv"; } > "$OUT/mesa-$config.csv"
    "$REVSIM" counts "$config" 40 "$STEPS" $(seq 1001 $((1000 + 10 * SEEDS))) > "$OUT/revsim-$config.csv"
    "$PY" "$HERE/compare.py" crosscheck "$config" "$OUT/mesa-$config.csv" "$OUT/revsim-$config.csv" || status=1
done

# Speed: same configuration (Mesa's defaults), same machine, one after the other. revsim goes
# first: timed right after Mesa's 10 GB process at 600×600 had exited, revsim's 1000×1000 grid
# once measured twice as slow as when timed alone (docs/EPSTEIN.md).
echo "seed,size,agents,steps,seconds,cpu_seconds" > "$OUT/revsim-timing.csv"
for size in 40 100 200 400 600 1000; do
    case $size in 40) steps=5000 ;; 100) steps=500 ;; 200) steps=120 ;; 400) steps=30 ;; 600) steps=30 ;; *) steps=20 ;; esac
    "$REVSIM" timing mesa "$size" $steps 1 2 3 | tail -n +2 >> "$OUT/revsim-timing.csv"
done
echo "seed,size,agents,steps,seconds,cpu_seconds" > "$OUT/mesa-timing.csv"
for size in $MESA_SIZES; do
    # Mesa takes about 40 s a step at 600×600 after a longer warm-up step: two steps, of six seeds
    # there (two seeds could not say whether its cost per agent still grows past 400×400; six
    # showed that it falls a little), two seeds elsewhere.
    case $size in 40) steps=30 seeds="1 2 3" ;; 100) steps=5 seeds="1 2 3" ;; 600) steps=2 seeds="1 2 3 4 5 6" ;; *) steps=2 seeds="1 2" ;; esac
    "$PY" "$HERE/mesa_epstein.py" timing mesa "$size" $steps $seeds | tail -n +2 >> "$OUT/mesa-timing.csv"
done
[ $status -eq 0 ] || echo "warning: the models differ on some statistic (see above)"
"$PY" "$HERE/compare.py" timing "$OUT/mesa-timing.csv" "$OUT/revsim-timing.csv"
