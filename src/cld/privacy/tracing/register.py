"""The demographic register tracing matches against: a local PDS-like file.

Format: CSV (UTF-8, a header row) or Parquet, columns read by header name (any order; other
columns are ignored; every value read as text):

| column                | value                                                        |
|-----------------------|--------------------------------------------------------------|
| nhs_number            | 10 digits, modulus 11, never one repeated digit (mandatory)  |
| superseded_by         | the number that replaced this one, or empty (current record) |
| family_name           | current family name                                          |
| given_name            | first given name                                             |
| other_given_name      | further given names                                          |
| gender                | PDS code: 0 not known, 1 male, 2 female, 9 not specified     |
| date_of_birth         | YYYYMMDD (as PDS MESH)                                       |
| date_of_death         | YYYYMMDD or empty                                            |
| postcode              | current postcode                                             |
| previous_postcodes    | earlier postcodes, ';'-separated                             |
| previous_family_names | earlier family names, ';'-separated                          |
| gp_practice_code      | registered GP practice                                       |
| sensitive             | Y or N (empty = N): Y blanks the GP practice in results      |

Empty values are nulls. A superseded record keeps its number so a request holding it can be
corrected; only current records are matched on demographics.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa

from cld.errors import CldError
from cld.privacy.tracing import normalise as n

if TYPE_CHECKING:
    import ibis.expr.types as ir
    from ibis.backends import BaseBackend

COLUMNS = ("nhs_number", "superseded_by", "family_name", "given_name", "other_given_name",
           "gender", "date_of_birth", "date_of_death", "postcode", "previous_postcodes",
           "previous_family_names", "gp_practice_code", "sensitive")
# What read_register returns (and what trace() takes as a register).
SCHEMA = pa.schema([(c, pa.string()) for c in COLUMNS[:6]] + [
    ("date_of_birth", pa.date32()), ("date_of_death", pa.date32())] + [
    (c, pa.string()) for c in COLUMNS[8:12]] + [("sensitive", pa.bool_())])
_ids = itertools.count()


class RegisterError(CldError):
    """A register file that cannot be used; names the file, row and column."""


def _date(col: str) -> str:
    return f"try_strptime(NULLIF(trim({col}), ''), '%Y%m%d')::DATE"


# (column, SQL true when the value is bad, what is wrong)
CHECKS = (
    ("nhs_number", f"NOT {n.nhs_valid('nhs_number')}",
     "is not 10 digits passing modulus 11 (or is one repeated digit)"),
    ("superseded_by", f"NULLIF(trim(superseded_by), '') IS NOT NULL "
     f"AND NOT {n.nhs_valid('superseded_by')}", "is not a valid NHS number"),
    ("gender", "NULLIF(trim(gender), '') IS NOT NULL AND trim(gender) NOT IN ('0','1','2','9')",
     "is not a PDS gender code (0, 1, 2 or 9)"),
    ("date_of_birth", f"NULLIF(trim(date_of_birth), '') IS NOT NULL "
     f"AND {_date('date_of_birth')} IS NULL", "is not a date written YYYYMMDD"),
    ("date_of_death", f"NULLIF(trim(date_of_death), '') IS NOT NULL "
     f"AND {_date('date_of_death')} IS NULL", "is not a date written YYYYMMDD"),
    ("sensitive", "upper(coalesce(trim(sensitive), '')) NOT IN ('', 'Y', 'N')",
     "is not Y or N"),
)


def read_register(con: BaseBackend, path: Path | str) -> ir.Table:
    """The register at `path` as a typed table (dates as DATE, sensitive as BOOLEAN)."""
    path = Path(path)
    if not path.is_file():
        raise RegisterError(f"{path}: no such register file.")
    raw = con.con  # type: ignore[attr-defined]
    name = f"_cld_register_{next(_ids)}"
    src = str(path).replace("'", "''")
    csv = path.suffix.lower() != ".parquet"
    reader = (f"read_csv('{src}', header = true, all_varchar = true, delim = ',', "
              f"quote = '\"', strict_mode = true)" if csv else f"read_parquet('{src}')")
    try:
        cols = [r[0] for r in raw.execute(f"DESCRIBE SELECT * FROM {reader}").fetchall()]
    except Exception as exc:  # DuckDB's reader errors: the file, not a row
        raise RegisterError(f"{path}: cannot be read as a register "
                            f"({'CSV' if csv else 'Parquet'}).",
                            hint="Write a CSV with a header row, or a Parquet file.") from exc
    missing = [c for c in COLUMNS if c not in cols]
    if missing:
        raise RegisterError(f"{path}: column {missing[0]} is missing (a register has "
                            f"{', '.join(COLUMNS)}).")
    select = ", ".join(f"NULLIF(trim(CAST({c} AS VARCHAR)), '') AS {c}" for c in COLUMNS)
    try:
        raw.execute(f"CREATE OR REPLACE TEMP TABLE {name}_raw AS SELECT row_number() OVER () "
                    f"AS _row, {select} FROM {reader}")
    except Exception as exc:
        raise RegisterError(f"{path}: cannot be read as a register.") from exc
    where = " OR ".join(f"({bad})" for _, bad, _ in CHECKS)
    first = raw.execute(f"SELECT _row, {', '.join(f'({b})' for _, b, _ in CHECKS)} FROM "
                        f"{name}_raw WHERE {where} ORDER BY _row LIMIT 1").fetchone()
    line = (lambda r: f"line {r + 1}") if csv else (lambda r: f"row {r}")
    if first:
        col, _, what = next(c for c, hit in zip(CHECKS, first[1:], strict=True) if hit)
        raise RegisterError(f"{path}, {line(first[0])}, column {col}: the value {what}.")
    dup = raw.execute(f"SELECT max(_row) FROM {name}_raw GROUP BY nhs_number "
                      f"HAVING count(*) > 1 ORDER BY 1 LIMIT 1").fetchone()
    if dup:
        raise RegisterError(f"{path}, {line(dup[0])}, column nhs_number: the number is on an "
                            "earlier row too (one record per number).")
    orphan = raw.execute(f"SELECT min(a._row) FROM {name}_raw a ANTI JOIN {name}_raw b "
                         f"ON a.superseded_by = b.nhs_number "
                         f"WHERE a.superseded_by IS NOT NULL").fetchone()
    if orphan and orphan[0] is not None:
        raise RegisterError(f"{path}, {line(orphan[0])}, column superseded_by: the number "
                            "that replaced this one is not in the register.")
    raw.execute(f"""CREATE OR REPLACE TEMP TABLE {name} AS SELECT
        nhs_number, superseded_by, family_name, given_name, other_given_name,
        coalesce(gender, '0') AS gender, {_date('date_of_birth')} AS date_of_birth,
        {_date('date_of_death')} AS date_of_death, postcode, previous_postcodes,
        previous_family_names, gp_practice_code,
        coalesce(upper(sensitive) = 'Y', FALSE) AS sensitive
        FROM {name}_raw ORDER BY _row""")
    raw.execute(f"DROP TABLE {name}_raw")
    return con.table(name)
