"""Benchmark: `cld validate` with full reports vs DuckDB's plain read_csv of the same file.

    uv run python scripts/bench_validate.py --rows 1000000

Generates a synthetic submission (1% of rows with an injected defect), then runs, each in a
fresh process measured with wait4 (wall time and peak RSS):
  baseline  DuckDB: CREATE TABLE t AS SELECT * FROM read_csv(file)   (auto-detected types)
  validate  cld validate FILE --report-dir DIR  (JSON, CSV, XLSX, HTML reports)
  validate (no XLSX)  the same, writing only JSON + CSV + HTML
and prints the ratios. The figures go in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def run(cmd: list[str]) -> tuple[float, float, int]:
    """(seconds, peak RSS in MB, exit code) of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    assert proc.stderr is not None
    err = proc.stderr.read().decode()
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        sys.exit(f"{cmd[:3]} failed ({code}): {err[-2000:]}")
    return seconds, usage.ru_maxrss / 1024, code


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3, help="runs of each; the median is kept")
    ap.add_argument("--folder", type=Path, default=None)
    args = ap.parse_args()
    folder = args.folder or Path(tempfile.mkdtemp(prefix="cld-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    data = folder / f"synthetic-{args.rows}.csv"
    py = sys.executable
    if not data.exists():
        people = max(1, args.rows * 10 // 47)  # about 4.7 events a person
        t = time.perf_counter()
        subprocess.run([py, "-m", "cld.cli", "synth", "--la", "503", "--year", "2020/21",
                        "--people", str(people), "--defects", "0.01", "-o", str(data)],
                       check=True, stdout=subprocess.DEVNULL)
        with data.open("rb") as f:
            records = sum(1 for _ in f) - 1
        print(f"{records:,} records")
        print(f"generated {data} ({data.stat().st_size / 1e6:.0f} MB) in "
              f"{time.perf_counter() - t:.1f} s")
    base = [py, "-c", "import duckdb,sys; duckdb.connect().execute("
            "\"CREATE TABLE t AS SELECT * FROM read_csv(?)\", [sys.argv[1]])", str(data)]
    full = [py, "-m", "cld.cli", "validate", str(data), "--report-dir", str(folder / "r1")]
    lean = [py, "-c", "import sys; from cld.validation.engine import validate; "
            "from cld.reports import write_report; r = validate(sys.argv[1]); "
            "[write_report(r, f, sys.argv[2] + '.' + f) for f in ('json', 'csv', 'html')]",
            str(data), str(folder / "r2")]
    results: dict[str, list[tuple[float, float, int]]] = {"baseline": [], "validate": [],
                                                          "validate-no-xlsx": []}
    for _ in range(args.repeat):
        results["baseline"].append(run(base))
        results["validate"].append(run(full))
        results["validate-no-xlsx"].append(run(lean))

    def median(xs: list[float]) -> float:
        return sorted(xs)[len(xs) // 2]

    b = median([r[0] for r in results["baseline"]])
    print(f"rows={args.rows:,} file={data.stat().st_size / 1e6:.0f} MB cores={os.cpu_count()}")
    for name, rs in results.items():
        s = median([r[0] for r in rs])
        mem = max(r[1] for r in rs)
        print(f"{name:18s} {s:7.2f} s  ratio {s / b:5.2f}x  peak RSS {mem:7.0f} MB  "
              f"runs {[round(r[0], 2) for r in rs]}")


if __name__ == "__main__":
    main()
