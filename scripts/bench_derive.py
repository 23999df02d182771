"""Benchmark: every derived output (one profile) for one LA's 1M-row year and a national year.

    uv run python scripts/bench_derive.py --la-rows 1000000 --rows-per-la 100000 --las 151

1. One LA: a synthetic 1M-row submission (`cld synth`), its normalised events written once as
   the store writes them; then, each in a fresh process timed with wait4 (wall, peak RSS):
     validate  `cld validate FILE --format csv -o OUT`
     derive    every output over the file's events, written as Parquet (`derive_events` +
               `write_outputs`), i.e. what `cld derive` does after the store's validation
   and the ratio derive / validate (target: <= 1).
2. National: a synthetic LA year of --rows-per-la rows, its events copied to --las LAs of the
   register (each copy its own people), then derive over the Parquet dataset in a fresh
   process (target: <= 180 s and <= 8 GB peak RSS on the 2-core box).
The figures go in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_validate import cld_command, median, run  # noqa: E402

EVENTS = """
import sys
from pathlib import Path
from cld.validation.engine import validate
r = validate(Path(sys.argv[1]), la_code=sys.argv[3])
r.prepared.write_events(Path(sys.argv[2]))
r.prepared.close()
"""

DERIVE = """
import sys
from datetime import date
from cld.derive.load import load_profile
from cld.derive.run import derive_events, write_outputs
from cld.engines import connect
con = connect()
t = con.read_parquet(sys.argv[1])
d = derive_events(t, load_profile(sys.argv[3]), date(2020, 4, 1), date(2021, 3, 31))
write_outputs(d, sys.argv[2], formats=("parquet",))
"""

NATIONAL = """
import sys
import duckdb
from cld.spec.register import register_for
codes = sorted(register_for("2020/21"))[: int(sys.argv[3])]
con = duckdb.connect()
con.execute("SET memory_limit = '4GB'")  # the copy spills; unbounded it took 18 GB
con.execute("SET preserve_insertion_order = false")
con.execute("CREATE TABLE las AS SELECT * FROM (VALUES " +
            ", ".join(f"('{c}')" for c in codes) + ") v(code)")
con.execute(f"COPY (SELECT e.* REPLACE (las.code AS la_code, las.code || '-' || e.person_id"
            f" AS person_id, CASE WHEN e.nhs_number IS NULL THEN NULL ELSE las.code || '-' ||"
            f" e.nhs_number END AS nhs_number) FROM read_parquet('{sys.argv[1]}') e, las)"
            f" TO '{sys.argv[2]}' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 1000000)")
print(con.execute(f"SELECT count(*) FROM read_parquet('{sys.argv[2]}')").fetchone()[0])
"""


def synth(path: Path, rows: int) -> None:
    if path.exists():
        return
    people = max(1, rows * 10 // 47)  # about 4.7 events a person
    subprocess.run([*cld_command(), "synth", "--la", "503", "--year", "2020/21", "--people",
                    str(people), "--defects", "0", "-o", str(path)], check=True,
                   stdout=subprocess.DEVNULL)


def events(csv: Path, out: Path) -> None:
    if not out.exists():
        subprocess.run([sys.executable, "-c", EVENTS, str(csv), str(out), "503"], check=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--la-rows", type=int, default=1_000_000)
    ap.add_argument("--rows-per-la", type=int, default=100_000)
    ap.add_argument("--las", type=int, default=151)
    ap.add_argument("--profile", default="dhsc-2024")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--folder", type=Path, default=None)
    ap.add_argument("--skip-la", action="store_true")
    ap.add_argument("--skip-national", action="store_true")
    args = ap.parse_args()
    folder = args.folder or Path(tempfile.mkdtemp(prefix="cld-bench-derive-"))
    folder.mkdir(parents=True, exist_ok=True)
    report: dict[str, object] = {"profile": args.profile}

    if not args.skip_la:
        la_csv, la_events = folder / f"la-{args.la_rows}.csv", folder / f"la-{args.la_rows}.parquet"
        synth(la_csv, args.la_rows)
        events(la_csv, la_events)
        validate = [*cld_command(), "validate", str(la_csv), "--la", "503", "--format", "csv",
                    "-o", str(folder / "dq.csv")]
        derive = [sys.executable, "-c", DERIVE, str(la_events), str(folder / "out-la"),
                  args.profile]
        run(validate), run(derive)  # warm-up: OS cache, byte code, rule plan
        v, d = [], []
        for _ in range(args.repeat):
            v.append(run(validate))
            d.append(run(derive))
        ratios = [b[0] / a[0] for a, b in zip(v, d, strict=True)]
        report["la"] = {"rows": args.la_rows,
                        "validate_s": median([x[0] for x in v]),
                        "validate_rss_mb": max(x[1] for x in v),
                        "derive_s": median([x[0] for x in d]),
                        "derive_rss_mb": max(x[1] for x in d),
                        "ratio_derive_over_validate": median(ratios)}
        print(json.dumps(report["la"], indent=1), flush=True)

    if not args.skip_national:
        one_csv, one_events = (folder / f"la-{args.rows_per_la}.csv",
                               folder / f"la-{args.rows_per_la}.parquet")
        synth(one_csv, args.rows_per_la)
        events(one_csv, one_events)
        national = folder / f"national-{args.las}x{args.rows_per_la}.parquet"
        if not national.exists():  # written to .part first: a stopped copy is not reused
            t = time.perf_counter()
            part = national.with_name(national.name + ".part")
            out = subprocess.run([sys.executable, "-c", NATIONAL, str(one_events),
                                  str(part), str(args.las)], check=True,
                                 capture_output=True, text=True)
            part.replace(national)
            print(f"national dataset: {int(out.stdout.split()[-1]):,} rows in "
                  f"{time.perf_counter() - t:.0f} s", flush=True)
        runs = [run([sys.executable, "-c", DERIVE, str(national), str(folder / "out-national"),
                     args.profile]) for _ in range(args.repeat)]
        report["national"] = {"las": args.las, "rows_per_la": args.rows_per_la,
                              "derive_s": median([x[0] for x in runs]),
                              "derive_rss_mb": max(x[1] for x in runs),
                              "target_s": 180, "target_rss_mb": 8192}
        print(json.dumps(report["national"], indent=1), flush=True)
    print(json.dumps(report))


if __name__ == "__main__":
    main()
