#!/usr/bin/env bash
# Benchmark: `marketlens inspect` on a 1,000,000-row customer CSV (~55 MB) against
# polars-python and pandas `read_csv` on the same file, in the same run.
#   bash benches/inspect_1m.sh            # ROWS, RUNS and BENCH_DIR can be overridden
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${ROWS:-1000000}
RUNS=${RUNS:-5}
DIR=${BENCH_DIR:-/tmp/marketlens-bench}
mkdir -p "$DIR"
cargo build --release --locked --bins
BIN="${CARGO_TARGET_DIR:-target}/release"
FILE="$DIR/customers_${ROWS}.csv"
[ -f "$FILE" ] || "$BIN/marketlens-samples" customers --rows "$ROWS" --seed 7 --out "$FILE"
python3 -c "import polars, pandas" 2>/dev/null || pip install --quiet polars pandas
python3 benches/peers.py "$FILE" "$BIN/marketlens" "$RUNS"
