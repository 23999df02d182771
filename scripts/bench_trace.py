"""Benchmark: trace LA records against a synthetic register (default 100k against 800k: the
900 test range holds about 909,000 valid numbers, too few for 1M).

Prints seconds and peak RSS against the target (<= 120 s, <= 4 GB) and the ratio to a
baseline measured in the same run: reading the register file (CSV) with read_register.

    .venv/bin/python scripts/bench_trace.py [--persons 100000] [--records 800000]
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

import ibis

from cld.engines import connect
from cld.privacy.tracing import read_register, trace
from cld.synth.register import make, write_register


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--persons", type=int, default=100_000)
    ap.add_argument("--records", type=int, default=800_000)  # the 900 test range
    # holds ~909,000 valid numbers, so 1M distinct synthetic people cannot be made
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    t0 = time.perf_counter()
    s = make(a.persons, a.records, seed=a.seed)
    print(f"synthetic data: {time.perf_counter() - t0:.1f} s")
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "register.csv"
        write_register(s.register, str(path))
        con = connect()
        t0 = time.perf_counter()
        reg = read_register(con, path)
        reg.to_pyarrow()
        base = time.perf_counter() - t0
        requests = ibis.memtable(s.requests.to_arrow())
        t0 = time.perf_counter()
        out = trace(con, requests, reg)
        took = time.perf_counter() - t0
    rss_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    print(f"read register (baseline): {base:.1f} s")
    print(f"trace {a.persons:,} against {s.register.height:,}: {took:.1f} s "
          f"(target <= 120 s), ratio to baseline {took / base:.1f}x")
    print(f"peak RSS {rss_gb:.2f} GB (target <= 4 GB; includes making the data)")
    print(f"blocking comparisons {out.stats['blocking_comparisons']:,}; "
          f"match types {out.stats['match_type']}")


if __name__ == "__main__":
    main()
