"""Time `marketlens inspect FILE --json` (whole process: start, read, parse, profile every
column, print JSON) against polars-python and pandas `read_csv` (in-process, reading only),
interleaved, on the same file. Prints a Markdown table for the README."""
import json
import os
import statistics
import subprocess
import sys
import time

import pandas as pd
import polars as pl


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def main():
    path, binary, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
    size_mb = os.path.getsize(path) / 1e6
    ml = lambda: subprocess.run([binary, "inspect", path, "--json"], check=True, capture_output=True).stdout
    # warm the page cache and check that the outputs agree
    report = json.loads(ml())
    df = pl.read_csv(path)
    assert report["rows"] == df.height, (report["rows"], df.height)
    times = {
        "marketlens load (in-process: read, parse, tidy, profile)": [],
        "marketlens inspect (whole process, JSON out)": [],
        "polars read_csv": [],
        "pandas read_csv": [],
    }
    for _ in range(runs):
        wall, out = timed(ml)
        times["marketlens inspect (whole process, JSON out)"].append(wall)
        times["marketlens load (in-process: read, parse, tidy, profile)"].append(json.loads(out)["load_seconds"])
        times["polars read_csv"].append(timed(lambda: pl.read_csv(path))[0])
        times["pandas read_csv"].append(timed(lambda: pd.read_csv(path))[0])
    base = statistics.median(times["polars read_csv"])
    print(f"file: {path} ({report['rows']:,} rows, {len(report['columns'])} columns, {size_mb:.1f} MB); "
          f"{runs} runs each, interleaved; polars {pl.__version__}, pandas {pd.__version__}; "
          f"{os.cpu_count()} cores")
    print()
    print("| what | median s | best s | vs polars read_csv |")
    print("|---|---|---|---|")
    for name, ts in times.items():
        med = statistics.median(ts)
        print(f"| {name} | {med:.3f} | {min(ts):.3f} | {med / base:.2f}x |")
    print()
    print("marketlens load split in the last run (s):", json.loads(ml())["load_timings"])


if __name__ == "__main__":
    main()
