"""Write the SYNTHETIC population table src/cld/derive/data/population-synthetic.csv.

    uv run python scripts/make_population.py

Made-up figures, not ONS estimates: every LA in the register in force for each mid-year
(2022..2025), sex All, age bands that add up to 18-64 and 65+. Deterministic (seeded from the
LA code), so running it again gives the same file. Each row's `source` is "synthetic", so
every rate that uses it says "synthetic population".
"""

from __future__ import annotations

import csv
import hashlib
import random
from datetime import date
from pathlib import Path

from cld.spec.register import register_for

OUT = Path(__file__).parents[1] / "src" / "cld" / "derive" / "data" / "population-synthetic.csv"
YEARS = tuple(range(2019, 2026))  # mid-years: the demo year 2020/21 and the latest
# Band and its rough share of an LA's population (made up, near England's shape).
BANDS = (("0-17", 0.21), ("18-64", 0.60), ("65-74", 0.10), ("75-84", 0.065), ("85+", 0.025))


def main() -> None:
    rows = []
    for year in YEARS:
        reg = register_for(date(year, 6, 30))
        for code in sorted(reg):
            la = reg[code]
            seed = int(hashlib.sha256(code.encode()).hexdigest()[:12], 16)
            rng = random.Random(seed)
            size = rng.randint(40_000, 1_200_000) * (1 + 0.004 * (year - YEARS[0]))
            for band, share in BANDS:
                pop = round(size * share * rng.uniform(0.85, 1.15))
                rows.append([la.gss_code, code, "All", band, year, pop, "synthetic"])
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["gss_code", "la_code", "sex", "age_band", "year", "population", "source"])
        w.writerows(rows)
    print(f"wrote {len(rows)} rows to {OUT}")


if __name__ == "__main__":
    main()
