"""Reference values for src/metrics/forecast.rs (the forecast error measures).

Run: python3 tests/reference/forecast_metrics_reference.py
Needs numpy and scikit-learn. RMSE, MAE and MAPE come from scikit-learn; sMAPE has no
scikit-learn function, so it is the M4 competition definition written out in numpy:
100/n * sum(2|F - A| / (|A| + |F|)).
"""
import numpy as np
from sklearn.metrics import mean_absolute_error, mean_absolute_percentage_error, mean_squared_error

actual = np.array([112.0, 118.0, 132.0, 129.0, 121.0, 135.0, 148.0, 148.0, 136.0, 119.0])
forecast = np.array([110.5, 121.0, 128.0, 131.5, 119.0, 140.0, 150.0, 139.0, 137.5, 125.0])

print("rmse ", repr(float(np.sqrt(mean_squared_error(actual, forecast)))))
print("mae  ", repr(float(mean_absolute_error(actual, forecast))))
print("mape ", repr(float(100 * mean_absolute_percentage_error(actual, forecast))))
print("smape", repr(float(100 * np.mean(2 * np.abs(forecast - actual) / (np.abs(actual) + np.abs(forecast))))))
