"""Benchmark disclosure control: a column under the NHS rule, and secondary suppression.

    uv run python scripts/bench_disclosure.py --rows 1000000 --grid 150x40

column:    `protect()` (Polars expressions) over N random counts against the baseline of
           `count_shown()` called once per row in Python, in the same run (same results).
secondary: a table of R x C random counts (3 % of them 1-4) with row, column and table totals under
           `suppress-lt5`: `secondary()` to its fixed point, then `recoverable()`, against the
           baseline of `protect()` on the same cells.
"""

from __future__ import annotations

import argparse
import itertools
import random
import time

import polars as pl

from cld.privacy.disclosure import count_shown, load_rule, protect
from cld.privacy.disclosure_margins import Table, recoverable, secondary


def timed(f, *a, **k):  # type: ignore[no-untyped-def]
    t = time.perf_counter()
    out = f(*a, **k)
    return out, time.perf_counter() - t


def grid(rows: int, cols: int, rng: random.Random) -> pl.DataFrame:
    def one() -> int:  # mostly safe counts, 3 % small ones, 5 % zeros
        x = rng.random()
        return rng.randrange(1, 5) if x < 0.03 else 0 if x < 0.08 else rng.randrange(5, 60)

    g = [[one() for _ in range(cols)] for _ in range(rows)]
    full = [r + [sum(r)] for r in g]
    full.append([sum(r[j] for r in full) for j in range(cols + 1)])
    rl = [f"r{i}" for i in range(rows)] + ["Total"]
    cl = [f"c{j}" for j in range(cols)] + ["Total"]
    recs = [(rl[i], cl[j], full[i][j])
            for i, j in itertools.product(range(rows + 1), range(cols + 1))]
    return pl.DataFrame(recs, schema=["row", "col", "value"], orient="row")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--grid", default="150x40")
    a = ap.parse_args()
    rng = random.Random(7)
    nhs = load_rule()
    values = [rng.randrange(0, 200) for _ in range(a.rows)]
    frame = pl.DataFrame({"value": values})
    looped, base = timed(lambda: [count_shown(v, nhs) for v in values])
    f, took = timed(protect, frame, nhs)
    assert f["value_display"].to_list() == looped
    print(f"column of {a.rows:,}: protect {took:.2f} s, row loop {base:.2f} s "
          f"(ratio {took / base:.3f})")
    r, c = (int(x) for x in a.grid.split("x"))
    cells = grid(r, c, rng)
    lt5 = load_rule("suppress-lt5")
    p, base = timed(protect, cells, lt5)
    t = Table.crossed(p.with_columns(hidden=pl.col("value_hidden")), ["row", "col"],
                      {"row": "Total", "col": "Total"})
    safe, took = timed(secondary, t)
    left, audit = timed(recoverable, safe)
    primary = int(t.cells["hidden"].sum())
    added = int(safe.cells["secondary"].sum())
    print(f"table {r}x{c} with totals ({cells.height:,} cells): {primary:,} hidden by the rule, "
          f"{added:,} more by secondary in {took:.2f} s, audit {audit:.3f} s "
          f"({left.height} recoverable); protect {base:.3f} s (ratio {took / base:.1f})")


if __name__ == "__main__":
    main()
