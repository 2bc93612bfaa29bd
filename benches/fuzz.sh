#!/usr/bin/env bash
# A longer fuzz campaign than the test suite's: seeded mutations of small CSV files through
# the loader and of model files through model loading and `score`, counting panics (must be 0).
#   bash benches/fuzz.sh            # CASES (default 100000) can be overridden
set -euo pipefail
cd "$(dirname "$0")/.."
export MARKETLENS_FUZZ_CASES=${CASES:-100000}
start=$(date +%s)
cargo test --release --locked --test fuzz_load --test fuzz_models -- --nocapture
echo "fuzz: $MARKETLENS_FUZZ_CASES cases per target in $(( $(date +%s) - start )) s"
