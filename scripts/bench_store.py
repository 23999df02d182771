"""Benchmark the submissions store.

    uv run python scripts/bench_store.py ingest --rows 1000000
    uv run python scripts/bench_store.py national --rows-per-la 100000

ingest:   one synthetic 1M-row submission; in fresh processes (wall time and peak RSS by
          wait4): `validate()` alone (the baseline), then `cld.store.submit()` into a new
          store (copy + SHA-256, validation, result, normalised Parquet, commit). Target:
          submit <= 2x validate.
national: a synthetic national year (every LA in the register, ~rows-per-la rows each)
          submitted into one store, then the consolidated dataset built (`cld dataset`)
          against a baseline of DuckDB copying the same Parquet files into one file.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PY = sys.executable


def run(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """(seconds, peak RSS MB) of one child process; exits on failure."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    assert proc.stderr is not None
    err = proc.stderr.read().decode()
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.exit(f"{cmd[:4]} failed ({code}): {err[-2000:]}")
    return seconds, usage.ru_maxrss / 1024


def median(xs: list[float]) -> float:
    return sorted(xs)[len(xs) // 2]


def ingest(args: argparse.Namespace) -> None:
    folder = args.folder
    data = folder / f"submission-{args.rows}.csv"
    if not data.exists():
        people = max(1, args.rows * 10 // 47)
        subprocess.run([PY, "-m", "cld", "synth", "--la", "503", "--year", "2020/21",
                        "--people", str(people), "--defects", "0.01", "-o", str(data)],
                       check=True, stdout=subprocess.DEVNULL)
    validate = [PY, "-c", "import sys; from cld.validation.engine import validate; "
                "validate(sys.argv[1], la_code='503')", str(data)]
    times: dict[str, list[tuple[float, float]]] = {"validate": [], "submit": []}
    for n in range(args.repeat):
        times["validate"].append(run(validate))
        submit = [PY, "-c", "import sys; from cld.store import Store, submit; "
                  "o = submit(Store.open(sys.argv[2]), sys.argv[1], '503', '2020/21'); "
                  "assert o.kind == 'accepted', o.message", str(data),
                  str(folder / f"store-{n}")]
        times["submit"].append(run(submit))
    base = median([t[0] for t in times["validate"]])
    print(f"ingest: {data.name} {data.stat().st_size / 1e6:.0f} MB, cores={os.cpu_count()}")
    for name, ts in times.items():
        s = median([t[0] for t in ts])
        print(f"{name:9s} {s:7.2f} s  ratio {s / base:4.2f}x  peak RSS "
              f"{max(t[1] for t in ts):6.0f} MB  runs {[round(t[0], 2) for t in ts]}")


def national(args: argparse.Namespace) -> None:
    from cld.spec import load_register

    folder = args.folder
    store = folder / "national-store"
    files = folder / "national-files"
    files.mkdir(exist_ok=True)
    codes = sorted(load_register())[: args.las or None]
    people = max(1, args.rows_per_la * 10 // 47)
    t0 = time.perf_counter()
    script = (
        "import os, sys\n"
        "from datetime import date\n"
        "from cld.store import Store, submit\n"
        "from cld.synth import generate, write_submission\n"
        "st = Store.open(sys.argv[1])\n"
        "for i, la in enumerate(sys.argv[4:]):\n"
        "    path = f'{sys.argv[2]}/{la}.csv'\n"
        "    if not os.path.exists(path):\n"
        "        r = generate(la, date(2020, 4, 1), date(2021, 3, 31),"
        " people=int(sys.argv[3]), seed=i)\n"
        "        write_submission(r, path)\n"
        "    o = submit(st, path, la, '2020/21')\n"
        "    assert o.kind in ('accepted', 'duplicate'), o.message\n"
        "    print('ROWS', la, o.submission.rows, flush=True)\n")
    proc = subprocess.run([PY, "-c", script, str(store), str(files), str(people), *codes],
                          check=True, capture_output=True, text=True)
    rows = sum(int(line.split()[2]) for line in proc.stdout.splitlines()
               if line.startswith("ROWS "))
    print(f"national: {len(codes)} LAs, {rows:,} rows submitted in "
          f"{time.perf_counter() - t0:.0f} s")
    parquet = sorted(str(p) for p in (store / "submissions").glob("*/*/*/events.parquet"))
    lst = folder / "parquet-files.txt"
    lst.write_text("\n".join(parquet))
    baseline = [PY, "-c", "import duckdb, sys; files = open(sys.argv[1]).read().split(); "
                "duckdb.execute(\"COPY (SELECT * FROM read_parquet(?)) TO '\" + sys.argv[2] + "
                "\"' (FORMAT parquet, COMPRESSION zstd)\", [files])", str(lst),
                str(folder / "baseline.parquet")]
    build = [PY, "-m", "cld", "dataset", "--year", "2020/21", "--store", str(store),
             "-o", str(folder / "national.parquet")]
    res: dict[str, list[tuple[float, float]]] = {"baseline": [], "dataset": []}
    for _ in range(args.repeat):
        res["baseline"].append(run(baseline))
        res["dataset"].append(run(build))
    base = median([t[0] for t in res["baseline"]])
    for name, ts in res.items():
        s = median([t[0] for t in ts])
        print(f"{name:9s} {s:7.2f} s  ratio {s / base:4.2f}x  peak RSS "
              f"{max(t[1] for t in ts):6.0f} MB  runs {[round(t[0], 2) for t in ts]}")
    size = (folder / "national.parquet").stat().st_size / 1e6
    print(f"consolidated dataset: {size:.0f} MB Parquet")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=["ingest", "national"])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--rows-per-la", type=int, default=100_000)
    ap.add_argument("--las", type=int, default=0, help="first N LAs only (0: all)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--folder", type=Path, default=None)
    args = ap.parse_args()
    args.folder = args.folder or Path(tempfile.mkdtemp(prefix="cld-bench-store-"))
    args.folder.mkdir(parents=True, exist_ok=True)
    (ingest if args.what == "ingest" else national)(args)


if __name__ == "__main__":
    main()
