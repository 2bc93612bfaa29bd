"""The peer for benches/forecast.rs: statsmodels' Holt-Winters fit on the same series.

Run: python3 benches/forecast_peer.py FILE.csv DATE_COLUMN VALUE_COLUMN
Fits ExponentialSmoothing(trend="add", seasonal="mul" and "add", seasonal_periods=12,
initialization_method="estimated") on the first 120 values, best of 20.
"""
import sys
import time
import warnings

import pandas as pd
from statsmodels.tsa.holtwinters import ExponentialSmoothing

warnings.simplefilter("ignore")
path, date, value = sys.argv[1:4]
df = pd.read_csv(path, parse_dates=[date]).sort_values(date)
y = df[value].to_numpy(dtype=float)[:120]
for seasonal in ["mul", "add"]:
    best = float("inf")
    for _ in range(20):
        t = time.perf_counter()
        fit = ExponentialSmoothing(y, trend="add", seasonal=seasonal, seasonal_periods=12,
                                   initialization_method="estimated").fit()
        best = min(best, time.perf_counter() - t)
    print(f"statsmodels add/{seasonal}: fit on {len(y)} points {best * 1e3:.2f} ms (best of 20), SSE {fit.sse:.1f}")
