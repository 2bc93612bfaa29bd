#!/usr/bin/env bash
# Benchmark: logistic regression and ROC + AUC on a 1,000,000-row customer CSV, MarketLens
# against scikit-learn (lbfgs; roc_curve + roc_auc_score) on the same file, split and
# preprocessing, in the same run.
#   bash benches/classify_1m.sh           # ROWS, RUNS and BENCH_DIR can be overridden
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${ROWS:-1000000}
RUNS=${RUNS:-3}
DIR=${BENCH_DIR:-/tmp/marketlens-bench}
mkdir -p "$DIR"
cargo build --release --locked --bins
BIN="${CARGO_TARGET_DIR:-target}/release"
FILE="$DIR/customers_${ROWS}.csv"
[ -f "$FILE" ] || "$BIN/marketlens-samples" customers --rows "$ROWS" --seed 7 --out "$FILE"
python3 -c "import sklearn, pandas" 2>/dev/null || pip install --quiet scikit-learn pandas
python3 benches/classify_peer.py "$FILE" "$BIN/marketlens" "$RUNS" "$DIR"
