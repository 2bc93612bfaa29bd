"""The peer for benches/kmeans.rs: polars read + scikit-learn KMeans on the same file.

Usage:
  python3 benches/kmeans_peer.py FILE.csv [SEED]
      the whole job as one process: polars read_csv, standardize every column (mean and
      population standard deviation, as StandardScaler and `marketlens segment`), then
      KMeans(n_clusters=5, n_init=1, init="k-means++", algorithm="lloyd"); prints one JSON line.
  python3 benches/kmeans_peer.py detail FILE.csv [RUNS] [SEED]
      in-process timings, best of RUNS: the k-means++ start (`kmeans_plusplus`), the Lloyd
      iterations (`_kmeans_single_lloyd`, the function KMeans.fit runs, from those centres;
      time per iteration = its time / its iterations) and the whole `KMeans.fit`.
  python3 benches/kmeans_peer.py race FILE.csv MARKETLENS_BIN RUNS [INITS]
      wall clock of whole processes, interleaved, best of RUNS:
      `marketlens segment FILE --features <all columns> --k 5 --inits INITS --json` against
      `python3 benches/kmeans_peer.py FILE` (INITS 1; with INITS > 1 the peer is skipped).

Fairness: scikit-learn computes distances with OpenBLAS (through scipy) and runs its Lloyd
loop on OpenMP threads. An OPENBLAS_CORETYPE left in the environment would pin OpenBLAS to an
older CPU's kernels, so the race removes it from the peer's environment (and says so), and
every mode prints the BLAS and OpenMP libraries and thread counts threadpoolctl sees.
"""
import json
import os
import subprocess
import sys
import time

START = time.perf_counter()

import numpy as np  # noqa: E402
import polars as pl  # noqa: E402
from sklearn.cluster import KMeans  # noqa: E402

K = 5


def standardized(path):
    df = pl.read_csv(path)
    x = df.to_numpy().astype(np.float64, copy=False)
    x = (x - x.mean(axis=0)) / x.std(axis=0)
    return df.columns, np.ascontiguousarray(x)


def environment():
    from threadpoolctl import threadpool_info
    import sklearn

    pools = [f"{p['internal_api']} {p.get('version') or ''} ({p['num_threads']} threads"
             f"{', core ' + p['architecture'] if p.get('architecture') else ''})"
             for p in threadpool_info()]
    return (f"python {sys.version.split()[0]}, scikit-learn {sklearn.__version__}, numpy "
            f"{np.__version__}, polars {pl.__version__}; {os.cpu_count()} cores; "
            f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '(unset)')}; "
            + "; ".join(pools))


def whole(path, seed):
    _, x = standardized(path)
    m = KMeans(n_clusters=K, n_init=1, init="k-means++", algorithm="lloyd", random_state=seed).fit(x)
    print(json.dumps({"rows": x.shape[0], "inertia": float(m.inertia_), "iterations": int(m.n_iter_),
                      "seconds": time.perf_counter() - START}))


def best_of(runs, work):
    best, out = float("inf"), None
    for _ in range(runs):
        t = time.perf_counter()
        out = work()
        best = min(best, time.perf_counter() - t)
    return best, out


def detail(path, runs, seed):
    from sklearn.cluster import kmeans_plusplus
    from sklearn.cluster._kmeans import _kmeans_single_lloyd, _tolerance
    from sklearn.utils._openmp_helpers import _openmp_effective_n_threads

    t = time.perf_counter()
    _, x = standardized(path)
    load = time.perf_counter() - t
    print(environment())
    print(f"{path}: {x.shape[0]} rows x {x.shape[1]} columns (polars read + standardize "
          f"{load:.2f} s); k = {K}, best of {runs}")
    threads = _openmp_effective_n_threads()
    weights = np.ones(x.shape[0])
    # (the Lloyd function writes into the centres it is given: each run gets a copy)
    t_start, (centres, _) = best_of(runs, lambda: kmeans_plusplus(x, K, random_state=seed))
    tol = _tolerance(x, 1e-4)
    t_lloyd, (_, inertia, _, n_iter) = best_of(
        runs, lambda: _kmeans_single_lloyd(x, weights, centres.copy(), max_iter=300, tol=tol, n_threads=threads))
    t_fit, m = best_of(runs, lambda: KMeans(n_clusters=K, n_init=1, init="k-means++", algorithm="lloyd",
                                            random_state=seed).fit(x))
    print(f"scikit-learn k-means++ start: {t_start * 1e3:.1f} ms")
    print(f"scikit-learn Lloyd ({threads} OpenMP threads): {n_iter} iterations in {t_lloyd * 1e3:.1f} ms = "
          f"{t_lloyd / n_iter * 1e3:.2f} ms per iteration (inertia {inertia:.6f})")
    print(f"scikit-learn KMeans(n_init=1).fit: {t_fit * 1e3:.1f} ms, {m.n_iter_} iterations, "
          f"inertia {m.inertia_:.6f}")


def race(path, binary, runs, inits):
    columns = pl.read_csv(path, n_rows=1).columns
    ours_cmd = [binary, "segment", path, "--features", ",".join(columns), "--k", str(K),
                "--inits", str(inits), "--json"]
    peer_cmd = [sys.executable, os.path.abspath(__file__), path]
    peer_env = dict(os.environ)
    removed = peer_env.pop("OPENBLAS_CORETYPE", None)
    print(environment())
    if removed is not None:
        print(f"(OPENBLAS_CORETYPE={removed} removed from the peer's environment)")
    ours, peer = [], []
    for _ in range(runs):
        t = time.perf_counter()
        out = subprocess.run(ours_cmd, check=True, capture_output=True, text=True).stdout
        ours.append((time.perf_counter() - t, json.loads(out)))
        if inits == 1:
            t = time.perf_counter()
            out = subprocess.run(peer_cmd, check=True, capture_output=True, text=True, env=peer_env).stdout
            peer.append((time.perf_counter() - t, json.loads(out)))
    best_ours = min(ours, key=lambda r: r[0])
    print(f"`marketlens segment --k {K} --inits {inits}` whole process: best {best_ours[0]:.2f} s of "
          f"{', '.join(f'{r[0]:.2f}' for r in ours)}; inertia {best_ours[1]['inertia']:.6f}, "
          f"{best_ours[1]['iterations']} iterations")
    if peer:
        best_peer = min(peer, key=lambda r: r[0])
        print(f"`python3 benches/kmeans_peer.py` whole process: best {best_peer[0]:.2f} s of "
              f"{', '.join(f'{r[0]:.2f}' for r in peer)}; inertia {best_peer[1]['inertia']:.6f}, "
              f"{best_peer[1]['iterations']} iterations")
        diff = best_ours[1]["inertia"] / best_peer[1]["inertia"] - 1
        print(f"ratio {best_ours[0] / best_peer[0]:.2f}x; inertia difference {diff * 100:+.4f} %")


def main():
    args = sys.argv[1:]
    if args and args[0] == "detail":
        detail(args[1], int(args[2]) if len(args) > 2 else 3, int(args[3]) if len(args) > 3 else 0)
    elif args and args[0] == "race":
        race(args[1], args[2], int(args[3]), int(args[4]) if len(args) > 4 else 1)
    elif args:
        whole(args[0], int(args[1]) if len(args) > 1 else 0)
    else:
        print(__doc__)


if __name__ == "__main__":
    main()
