"""Benchmark keyed pseudonymisation (HMAC-SHA256 in DuckDB) on a synthetic dataset.

    uv run python scripts/bench_pseudonymise.py --rows 1000000

Makes a synthetic Parquet file of `rows` events (la_code, person_id, nhs_number (900 test
range, valid check digit), traced_nhs_number, event_reference, a date of birth, a postcode
and a few other columns), then, on one DuckDB connection:
- baseline: read it (every column materialised into a temporary table);
- pseudonymise: read it and compute the four tokens (NHS number, traced NHS number, LA
  person id, event reference) and the generalised DOB and postcode, the way `cld extract`
  does (cld.privacy.tokens.token_column: NHS numbers and person ids hashed once per distinct
  value and joined back), into a temporary table.
Synthetic people have 4 events each, in one LA.
Prints both times, the time beyond reading (target <= 2 s at 1M rows) and the ratio.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from cld.engines import connect
from cld.privacy.keys import hkdf_sha256
from cld.privacy.tokens import key_table, raw_duckdb, token_column

MAKE = """
COPY (
  SELECT la AS la_code, 'P' || lpad(CAST(p AS VARCHAR), 7, '0') AS person_id,
         CASE WHEN c = 10 THEN NULL ELSE CAST(nine * 10 + c % 11 AS VARCHAR) END AS nhs_number,
         CASE WHEN i % 7 = 0 AND c <> 10 THEN CAST(nine * 10 + c % 11 AS VARCHAR) END
           AS traced_nhs_number,
         'EV' || lpad(CAST(i AS VARCHAR), 9, '0') AS event_reference,
         DATE '1930-01-01' + CAST(hash(p) % 25000 AS INTEGER) AS date_of_birth,
         'WR' || CAST(1 + p % 30 AS VARCHAR) || ' ' || CAST(p % 10 AS VARCHAR) || 'TU'
           AS postcode,
         CASE i % 4 WHEN 0 THEN 'Request' WHEN 1 THEN 'Assessment' WHEN 2 THEN 'Service'
           ELSE 'Review' END AS event_type,
         DATE '2020-04-01' + CAST(i % 365 AS INTEGER) AS event_start
  FROM (
    SELECT i, la, p, nine,
      11 - ((nine // 100000000) * 10 + (nine // 10000000 % 10) * 9
            + (nine // 1000000 % 10) * 8 + (nine // 100000 % 10) * 7
            + (nine // 10000 % 10) * 6 + (nine // 1000 % 10) * 5 + (nine // 100 % 10) * 4
            + (nine // 10 % 10) * 3 + (nine % 10) * 2) % 11 AS c
    FROM (SELECT i, CAST(300 + (i // 4) % 150 AS VARCHAR) AS la, i // 4 AS p,
                 900000000 + (i // 4) % 1000000 AS nine FROM range({rows}) t(i))
  )
) TO '{path}' (FORMAT parquet)
"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    con = connect()
    raw = raw_duckdb(con)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "events.parquet"
        raw.execute(MAKE.format(rows=args.rows, path=path))
        raw.execute(f"CREATE TEMP VIEW src AS SELECT * FROM read_parquet('{path}')")
        src = "src"
        key = hkdf_sha256(b"benchmark master key (synthetic)", b"salt", b"cld-domain:bench")
        reads, pseudos = [], []
        with key_table(raw, key) as k:
            cols = [token_column(kind, src, col, k, f"{col}_token")
                    for col, kind in (("nhs_number", "nhs"), ("traced_nhs_number", "nhs"),
                                      ("person_id", "person"), ("event_reference", "event"))]
            tokens = ", ".join(item for item, _ in cols)
            joins = " ".join(join for _, join in cols)
            treated = (f"SELECT src.la_code, {tokens}, year(src.date_of_birth) AS birth_year, "
                       f"month(src.date_of_birth) AS birth_month, "
                       f"split_part(src.postcode, ' ', 1) AS postcode_district, "
                       f"src.event_type, src.event_start FROM {src} CROSS JOIN {k} {joins}")
            for _ in range(args.repeat):
                start = time.perf_counter()
                raw.execute(f"CREATE OR REPLACE TEMP TABLE plain AS SELECT * FROM {src}")
                reads.append(time.perf_counter() - start)
                start = time.perf_counter()
                raw.execute(f"CREATE OR REPLACE TEMP TABLE pseudo AS {treated}")
                pseudos.append(time.perf_counter() - start)
            n = raw.execute("SELECT count(*), count(nhs_number_token) FROM pseudo").fetchone()
    read, pseudo = min(reads), min(pseudos)
    print(f"rows: {n[0]:,} ({n[1]:,} NHS number tokens)")
    print(f"read (baseline):        {read:.2f} s")
    print(f"read + pseudonymise:    {pseudo:.2f} s")
    print(f"beyond reading:         {pseudo - read:.2f} s (target <= 2 s)")
    print(f"ratio to the read:      {pseudo / read:.1f}x")


if __name__ == "__main__":
    main()
