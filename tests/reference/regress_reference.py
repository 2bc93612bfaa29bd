"""Reference values for `marketlens regress` (tests/regress.rs), computed independently with
statsmodels and scikit-learn on the bundled samples.

Run: python3 tests/reference/regress_reference.py
(numpy, pandas, statsmodels 0.15, scikit-learn 1.x.)

The design mirrors MarketLens' documented preprocessing, rebuilt here with pandas:
- numeric features: missing values replaced by the median of the training rows;
- text features: one 0/1 column per category except the first (sorted; for a calendar month
  derived from a date, January), which is the reference level (statsmodels' treatment coding);
  k-NN keeps a column for every category;
- OLS on the raw design (coefficients in original units);
- ridge, lasso, elastic net and k-NN on numeric columns standardized with mean and population
  standard deviation (StandardScaler); 0/1 columns are left as they are. Coefficients are
  reported both on that scale and back in original units (coef / std).
Training rows = the whole file (the tests pass the same file as --test).
"""
import numpy as np
import pandas as pd
import statsmodels.api as sm
from sklearn.linear_model import ElasticNet, Lasso, Ridge
from sklearn.metrics import mean_absolute_error, mean_absolute_percentage_error, r2_score
from sklearn.neighbors import KNeighborsRegressor


def design(df, numeric, categorical, month_of=None, drop_first=True):
    cols = {}
    for c in numeric:
        v = df[c].astype(float)
        cols[c] = v.fillna(v.median())
    cats = list(categorical)
    if month_of is not None:
        df = df.copy()
        df["calendar month"] = pd.to_datetime(df[month_of]).dt.month
        cats.append("calendar month")
    names = list(numeric)
    for c in cats:
        if c == "calendar month":
            levels = sorted(df[c].unique())
            label = {m: ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
                         "Nov", "Dec"][m - 1] for m in levels}
        else:
            levels = sorted(df[c].astype(str).unique())
            label = {m: m for m in levels}
        for lv in (levels[1:] if drop_first else levels):
            name = f"{c} = {label[lv]}"
            cols[name] = (df[c] == lv).astype(float) if c == "calendar month" else (
                df[c].astype(str) == lv).astype(float)
            names.append(name)
    return pd.DataFrame(cols)[names], len(numeric)


def arr(name, vals):
    body = ", ".join(repr(float(v)) for v in vals)
    print(f"const {name}: [f64; {len(vals)}] = [{body}];")


def names(name, vals):
    body = ", ".join('"' + v + '"' for v in vals)
    print(f"const {name}: [&str; {len(vals)}] = [{body}];")


sales = pd.read_csv("assets/samples/monthly_sales.csv")
X, n_num = design(sales, ["price", "ad_spend"], ["promotion"], month_of="month")
y = sales["sales"].to_numpy()
print("// monthly_sales.csv: sales ~ price + ad_spend + promotion + calendar month of `month`")
names("SALES_NAMES", X.columns)
ols = sm.OLS(y, sm.add_constant(X.to_numpy())).fit()
arr("SALES_OLS_PARAMS", ols.params)
arr("SALES_OLS_BSE", ols.bse)
arr("SALES_OLS_T", ols.tvalues)
arr("SALES_OLS_P", ols.pvalues)
print(f"const SALES_OLS_R2: f64 = {float(ols.rsquared)!r};")
print(f"const SALES_OLS_ADJ_R2: f64 = {float(ols.rsquared_adj)!r};")
pred = ols.fittedvalues
print(f"const SALES_OLS_RMSE: f64 = {float(np.sqrt(np.mean((y - pred) ** 2)))!r};")
print(f"const SALES_OLS_MAE: f64 = {float(mean_absolute_error(y, pred))!r};")
print(f"const SALES_OLS_MAPE: f64 = {float(100 * mean_absolute_percentage_error(y, pred))!r};")
print(f"const SALES_OLS_R2_SCORE: f64 = {float(r2_score(y, pred))!r};")

Xs = X.copy()
means = X.iloc[:, :n_num].mean()
stds = X.iloc[:, :n_num].std(ddof=0)
Xs.iloc[:, :n_num] = (X.iloc[:, :n_num] - means) / stds
scale = np.concatenate([stds.to_numpy(), np.ones(X.shape[1] - n_num)])
shift = np.concatenate([means.to_numpy(), np.zeros(X.shape[1] - n_num)])
for label, model in [
    ("RIDGE", Ridge(alpha=10.0)),
    ("LASSO", Lasso(alpha=50.0, tol=1e-12, max_iter=1_000_000)),
    ("ENET", ElasticNet(alpha=20.0, l1_ratio=0.5, tol=1e-12, max_iter=1_000_000)),
]:
    model.fit(Xs.to_numpy(), y)
    print(f"// {model!r} on the standardized design")
    arr(f"SALES_{label}_STD_COEF", model.coef_)
    arr(f"SALES_{label}_COEF", model.coef_ / scale)
    intercept = model.intercept_ - np.sum(model.coef_ / scale * shift)
    print(f"const SALES_{label}_INTERCEPT: f64 = {float(intercept)!r};")

# k-NN measures distances over every category (no reference level dropped)
Xk, _ = design(sales, ["price", "ad_spend"], ["promotion"], month_of="month", drop_first=False)
Xk.iloc[:, :n_num] = (Xk.iloc[:, :n_num] - means) / stds
knn = KNeighborsRegressor(n_neighbors=5).fit(Xk.to_numpy(), y)
arr("SALES_KNN5_PRED_FIRST10", knn.predict(Xk.to_numpy()[:10]))

cust = pd.read_csv("assets/samples/customers.csv")
X, _ = design(cust, ["age", "tenure_months", "frequency", "visits"], ["channel", "city_tier"])
y = cust["monetary"].to_numpy()
print("// customers.csv: monetary ~ age (with missing values) + tenure_months + frequency + "
      "visits + channel + city_tier")
names("CUST_NAMES", X.columns)
ols = sm.OLS(y, sm.add_constant(X.to_numpy())).fit()
arr("CUST_OLS_PARAMS", ols.params)
arr("CUST_OLS_BSE", ols.bse)
arr("CUST_OLS_P", ols.pvalues)
print(f"const CUST_OLS_R2: f64 = {float(ols.rsquared)!r};")
print(f"const CUST_OLS_ADJ_R2: f64 = {float(ols.rsquared_adj)!r};")
