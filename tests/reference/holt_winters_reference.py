"""Reference numbers for MarketLens' Holt-Winters forecaster (src/analysis/holt_winters.rs).

What it does
------------
Fits statsmodels' ``ExponentialSmoothing`` (``initialization_method="estimated"``,
default ``fit()``: L-BFGS-B after a brute-force grid over alpha/beta/gamma) on
the same series the Rust tests embed, and prints, for every case:

* the holdout MAPE in percent on the last 12 points (train = everything before),
  twice: from statsmodels' own ``forecast()``, and from the final states of the
  same statsmodels fit propagated with the textbook forecast equation
  (Hyndman & Athanasopoulos, fpp3 section 8.3). The two differ only at steps
  m, 2m, ...: statsmodels 0.15 overwrites the last in-sample seasonal update
  with the stale state from one season earlier when it rolls the seasonals
  forward (statsmodels issue #9538, fixed upstream by PR #10230). The Rust
  implementation forecasts like the textbook, so its tests compare against the
  second ("corrected") figure,
* the in-sample SSE of one-step errors on the training part,
* the fitted smoothing parameters and the 12 forecasts,

then the forecast-variance multipliers ``var_h / sigma^2`` (h = 1..6) of
statsmodels' ``ETSModel`` for ETS(A,Ad,A) with fixed weights (checks the
interval formula; ETSModel's ``smoothing_trend`` is the ETS beta = alpha *
ExponentialSmoothing's beta), followed by statsmodels' fit time (best of 5) for AirPassengers' first 120
points with additive trend and multiplicative seasonality (the Rust bench
``cargo bench --bench forecast`` times the same fit).

The data are embedded below, copied verbatim from
* ``assets/samples/monthly_sales.csv`` column ``sales`` (all 96 rows), and
* ``shared/datasets/air_passengers_monthly.csv`` (AirPassengers, 1949-1960),
so the script needs no files.

How to run
----------
    pip install numpy pandas statsmodels   # tested with statsmodels 0.15.0
    python3 reference/holt_winters_reference.py

Copy the printed MAPE / SSE values into the constants of the Rust tests
(src/holt_winters/tests.rs), which name this script next to each constant.
"""

import os
import time
import warnings

# One BLAS thread: the fit is scalar work, and extra threads only add noise to
# the timing on a busy 2-core machine. Must be set before numpy is imported.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import statsmodels  # noqa: E402
from statsmodels.tsa.holtwinters import ExponentialSmoothing  # noqa: E402

SALES = np.array([
    3929.03, 3864.57, 3479.83, 5371.53, 3921.24, 3864.46, 4113.09, 4686.12,
    4020.22, 4327.22, 6664.58, 6936.04, 4211.33, 4635.67, 4432.63, 4717.02,
    4481.04, 4783.05, 4175.95, 4481.7, 4444.54, 4457.69, 5950.44, 6843.55,
    5257.1, 4622.21, 5043.13, 5128.49, 5670.01, 5038.86, 4586.33, 4964.37,
    4868.61, 5108.11, 6538.28, 9467.94, 5405.91, 5107.29, 5151.3, 5734.49,
    5646.19, 6011.44, 5385.92, 5680.99, 6188.02, 6015.82, 7512.67, 9948.05,
    5950.14, 5442.49, 7245.16, 7161.82, 6479.69, 6411.36, 6456.6, 7372.32,
    6822.38, 7732.71, 7942.36, 9366.59, 6739.28, 6078.75, 6690.37, 8330.87,
    6868.9, 6519.87, 6894.82, 6997.02, 8326.92, 7069.12, 11000.91, 8373.64,
    6529.93, 5901.7, 6466.85, 6157.55, 6344.91, 6836.24, 6253.36, 6742.42,
    7194.96, 6783.54, 7292.21, 8637.41, 6682.7, 6033.57, 6132.82, 6648.33,
    6838.15, 7417.65, 6861.66, 7527.23, 8441.71, 9145.0, 8770.96, 11660.07,
])

AIR = np.array([
    112, 118, 132, 129, 121, 135, 148, 148, 136, 119, 104, 118,
    115, 126, 141, 135, 125, 149, 170, 170, 158, 133, 114, 140,
    145, 150, 178, 163, 172, 178, 199, 199, 184, 162, 146, 166,
    171, 180, 193, 181, 183, 218, 230, 242, 209, 191, 172, 194,
    196, 196, 236, 235, 229, 243, 264, 272, 237, 211, 180, 201,
    204, 188, 235, 227, 234, 264, 302, 293, 259, 229, 203, 229,
    242, 233, 267, 269, 270, 315, 364, 347, 312, 274, 237, 278,
    284, 277, 317, 313, 318, 374, 413, 405, 355, 306, 271, 306,
    315, 301, 356, 348, 355, 422, 465, 467, 404, 347, 305, 336,
    340, 318, 362, 348, 363, 435, 491, 505, 404, 359, 310, 337,
    360, 342, 406, 396, 420, 472, 548, 559, 463, 407, 362, 405,
    417, 391, 419, 461, 472, 535, 622, 606, 508, 461, 390, 432,
], dtype=float)

HOLDOUT = 12

# (name used in the Rust tests, series, trend, damped, seasonal)
CASES = [
    ("SALES_ADD_ADD", SALES, "add", False, "add"),
    ("AIR_ADD_MUL", AIR, "add", False, "mul"),
    ("AIR_DAMPED_MUL", AIR, "add", True, "mul"),
    ("SALES_ADD_NONE", SALES, "add", False, None),
]


def model(train, trend, damped, seasonal):
    return ExponentialSmoothing(
        train,
        trend=trend,
        damped_trend=damped,
        seasonal=seasonal,
        seasonal_periods=12 if seasonal else None,
        initialization_method="estimated",
    )


def textbook_forecast(res, h, trend, damped, seasonal, m=12):
    """Forecast from the fit's final states: (l + phi_k b) (+|*) s[(k-1) % m]."""
    lvl = res.level[-1]
    b = res.trend[-1] if trend else 0.0
    phi = res.params["damping_trend"] if damped else 1.0
    out = []
    phi_k = 0.0
    for k in range(1, h + 1):
        phi_k += phi**k
        base = lvl + phi_k * b
        if seasonal == "add":
            base += res.season[-m:][(k - 1) % m]
        elif seasonal == "mul":
            base *= res.season[-m:][(k - 1) % m]
        out.append(base)
    return np.array(out)


def mape(actual, forecast):
    return float(np.mean(np.abs((actual - forecast) / actual)) * 100.0)


def main():
    warnings.simplefilter("ignore")
    print(f"# statsmodels {statsmodels.__version__}, numpy {np.__version__}")
    for name, y, trend, damped, seasonal in CASES:
        train, test = y[:-HOLDOUT], y[-HOLDOUT:]
        res = model(train, trend, damped, seasonal).fit()
        fc = res.forecast(HOLDOUT)
        fc_textbook = textbook_forecast(res, HOLDOUT, trend, damped, seasonal)
        p = res.params
        print(f"{name}: n_train={len(train)} trend={trend} damped={damped} seasonal={seasonal}")
        print(f"  MAPE_{name} = {mape(test, fc_textbook)!r}  # percent, textbook forecast")
        print(f"  statsmodels forecast() MAPE = {mape(test, fc)!r}  # issue #9538 at step 12")
        print(f"  SSE_{name} = {float(res.sse)!r}  # training part")
        print(
            "  alpha={:.6f} beta={} gamma={} phi={}".format(
                p["smoothing_level"], p["smoothing_trend"],
                p["smoothing_seasonal"], p["damping_trend"],
            )
        )
        print("  forecast() =", np.round(fc, 3).tolist())
        print("  textbook   =", np.round(fc_textbook, 3).tolist())

    # Interval check: alpha 0.5, beta 0.2 (component form, so ETS beta 0.1),
    # gamma 0.1, phi 0.9, m = 4; the multipliers depend only on the weights.
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel
    import pandas as pd

    rng = np.random.default_rng(0)
    y = pd.Series(100 + np.arange(40) * 2.0 + np.tile([1, -1, 2, -2], 10) + rng.normal(0, 3, 40))
    ets = ETSModel(
        y, error="add", trend="add", damped_trend=True, seasonal="add",
        seasonal_periods=4, initialization_method="known", initial_level=100,
        initial_trend=2, initial_seasonal=[1, -1, 2, -2],
    )
    fixed = {"smoothing_level": 0.5, "smoothing_trend": 0.5 * 0.2,
             "smoothing_seasonal": 0.1, "damping_trend": 0.9}
    with ets.fix_params(fixed):
        ets_res = ets.fit(disp=False)
    pred = ets_res.get_prediction(start=40, end=45)
    mult = np.asarray(pred.forecast_variance) / ets_res.mse
    print("ETS_AAdA_VAR_MULTIPLIERS =", [float(v) for v in mult])

    # Timing: AirPassengers first 120 points, additive trend, multiplicative season.
    train = AIR[:120]
    best = float("inf")
    for _ in range(5):
        t0 = time.perf_counter()
        model(train, "add", False, "mul").fit()
        best = min(best, time.perf_counter() - t0)
    print(f"TIMING statsmodels fit AIR[:120] add/mul: best of 5 = {best * 1e3:.2f} ms")


if __name__ == "__main__":
    main()
