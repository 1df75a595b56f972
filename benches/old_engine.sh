#!/usr/bin/env bash
# Builds revsim at an earlier commit (default a98c4b8, the engine before issue 9) in a
# temporary worktree and prints the path of its binary, for
#   REVSIM_BENCH_OLD=$(benches/old_engine.sh) cargo bench --bench baseline
set -euo pipefail
cd "$(dirname "$0")/.."
commit="${1:-a98c4b8}"
dir="${TMPDIR:-/tmp}/revsim-old-$commit"
if [ ! -d "$dir" ]; then
    git worktree add --detach "$dir" "$commit" >&2
fi
(cd "$dir" && CARGO_TARGET_DIR="$dir/target" cargo build --release --bin revsim >&2)
echo "$dir/target/release/revsim"
