#!/bin/sh
# Redraws the images of docs/CHARTS.md and the README from a comparison folder's CSV files.
#
#   docs/gallery.sh [DIR]
#
# DIR defaults to the README's comparison, made by
#   cargo run --release -- compare scenarios/baseline.ron scenarios/kronstadt_early_thaw.ron --runs 50
# Run from the repository root. Nothing is simulated: only `revsim chart` runs (twice: once on
# screen, once in the print style, on a copy so that DIR keeps its screen charts).
set -eu
DIR=${1:-output/compare-baseline-vs-kronstadt_early_thaw}
REVSIM=${REVSIM:-target/release/revsim}
[ -x "$REVSIM" ] || cargo build --release --quiet
"$REVSIM" chart "$DIR" --png
for chart in outcomes events dashboard effects end_states compare_red_army history; do
    cp "$DIR/charts/$chart.png" "docs/charts/$chart.png"
done
cp "$DIR/baseline/charts/red_army.png" docs/charts/red_army.png
PRINT=$(mktemp -d)
trap 'rm -rf "$PRINT"' EXIT
cp -r "$DIR" "$PRINT/comparison"
"$REVSIM" chart "$PRINT/comparison" --png --style print
cp "$PRINT/comparison/charts/compare_red_army.png" docs/charts/print_compare_red_army.png
cp "$PRINT/comparison/charts/outcomes.png" docs/charts/print_outcomes.png
# The README's images.
cp docs/charts/outcomes.png docs/kronstadt-outcomes.png
cp docs/charts/dashboard.png docs/kronstadt-dashboard.png
cp docs/charts/history.png docs/history.png
echo "docs/charts/ and the README's images redrawn from $DIR"
