"""Benchmark: `cld validate FILE --format csv -o OUT` vs DuckDB's plain read_csv of the file.

    uv run python scripts/bench_validate.py --rows 1000000

Generates a synthetic submission once (1% of rows with an injected defect), then runs, each
in a fresh process measured with wait4 (wall time and peak RSS), interleaved run by run:
  baseline  DuckDB: CREATE TABLE t AS SELECT * FROM read_csv(FILE, all_varchar=true)
  auto      DuckDB: the same with type auto-detection (shown for reference)
  validate  cld validate FILE --format csv -o OUT
and prints the medians and the median of the per-run ratios validate / baseline (each ratio
from runs made back to back, so load from other work on the machine cancels out). One
untimed run of each comes first (file in the OS cache, rule plan compiled and kept).
`--all-reports` adds `cld validate FILE --report-dir DIR` (JSON, CSV, XLSX and HTML).
The figures go in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

Run = tuple[float, float, int]  # seconds, peak RSS in MB, exit code


def run(cmd: list[str]) -> Run:
    """Time one child process. Its stderr goes to a temporary file (a pipe read only after
    the child ends could fill up and deadlock it)."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)  # already reaped by wait4
        code = proc.returncode
        if code not in (0, 1):
            err.seek(0)
            text = err.read().decode(errors="replace")
            sys.exit(f"{cmd[:4]} failed ({code}): {text[-2000:]}")
    return seconds, usage.ru_maxrss / 1024, code


def median(xs: list[float]) -> float:
    s = sorted(xs)
    n = len(s)
    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2


def cld_command() -> list[str]:
    """The installed `cld` script beside this Python, as a user would run it."""
    script = Path(sys.executable).with_name("cld")
    return [str(script)] if script.exists() else [sys.executable, "-m", "cld"]


def generate(data: Path, rows: int) -> None:
    people = max(1, rows * 10 // 47)  # about 4.7 events a person
    t = time.perf_counter()
    subprocess.run([*cld_command(), "synth", "--la", "503", "--year", "2020/21",
                    "--people", str(people), "--defects", "0.01", "-o", str(data)],
                   check=True, stdout=subprocess.DEVNULL)
    with data.open("rb") as f:
        records = sum(1 for _ in f) - 1
    print(f"generated {data}: {records:,} records, {data.stat().st_size / 1e6:.0f} MB, "
          f"in {time.perf_counter() - t:.1f} s")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3, help="runs of each; medians are kept")
    ap.add_argument("--folder", type=Path, default=None)
    ap.add_argument("--all-reports", action="store_true",
                    help="also time `cld validate FILE --report-dir DIR`")
    args = ap.parse_args()
    folder = args.folder or Path(tempfile.mkdtemp(prefix="cld-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    data = folder / f"synthetic-{args.rows}.csv"
    if not data.exists():
        generate(data, args.rows)
    read = ("import duckdb,sys; duckdb.connect().execute(\"CREATE TABLE t AS SELECT * FROM "
            "read_csv('\" + sys.argv[1].replace(\"'\", \"''\") + \"'%s)\")")
    steps: dict[str, list[str]] = {
        "baseline": [sys.executable, "-c", read % ", all_varchar=true", str(data)],
        "auto": [sys.executable, "-c", read % "", str(data)],
        "validate": [*cld_command(), "validate", str(data), "--format", "csv",
                     "-o", str(folder / "out-dq.csv")],
    }
    if args.all_reports:
        steps["validate-all"] = [*cld_command(), "validate", str(data), "--report-dir",
                                 str(folder / "reports")]
    # One untimed run of each first: it reads the file into the OS cache for every step
    # alike, and compiles the rule plan, which is kept for later files of the same shape.
    for cmd in steps.values():
        run(cmd)
    results: dict[str, list[Run]] = {name: [] for name in steps}
    for n in range(args.repeat):
        for name, cmd in steps.items():
            results[name].append(run(cmd))
        line = ", ".join(f"{k} {v[-1][0]:.2f} s" for k, v in results.items())
        print(f"run {n + 1}: {line}", flush=True)

    base = results["baseline"]
    print(f"rows={args.rows:,} file={data.stat().st_size / 1e6:.0f} MB cores={os.cpu_count()}")
    for name, rs in results.items():
        s = median([r[0] for r in rs])
        ratio = median([r[0] / b[0] for r, b in zip(rs, base, strict=True)])
        mem = max(r[1] for r in rs)
        print(f"{name:13s} median {s:7.2f} s  ratio {ratio:5.2f}x  peak RSS {mem:7.0f} MB  "
              f"runs {[round(r[0], 2) for r in rs]}")


if __name__ == "__main__":
    main()
