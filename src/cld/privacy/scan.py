"""The identifier scanner: does an extract hold anything that identifies a person?

It reads VALUES, not column names, of every Parquet and CSV file in a folder:
- by pattern: an NHS number (10 digits, with or without spaces as 3-3-4, passing modulus 11;
  not joined to other letters, digits or hyphens, as in a CQC id "1-1234567890") and a full
  UK postcode, anywhere in a cell (between non-alphanumeric characters);
- by value, against the source dataset's identifiers (when given): NHS numbers (sent or
  traced), LA person ids, first and last names, full dates of birth (as 2001-02-03 or
  03/02/2001) and postcodes, with spaces and case ignored. Names that are also a defined-list
  value of the specification or an LA's name are not searched (they are ordinary words
  there); values shorter than 4 characters are not searched as names or person ids.

A finding names the file, column, row (1 = first data row) and kind: never the value.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cld.privacy.tokens import as_view, nhs_normal_sql, raw_duckdb

MAX_PER_COLUMN = 5
# a hyphen joins: "1-1234567890" is a CQC location id, not an NHS number
NHS_RE = r"(?:^|[^0-9A-Za-z-])([0-9]{3} ?[0-9]{3} ?[0-9]{4})(?:$|[^0-9A-Za-z-])"
POSTCODE_RE = r"(^|[^A-Z0-9])[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}($|[^A-Z0-9])"


@dataclass(frozen=True, order=True)
class Finding:
    file: str
    column: str
    row: int
    kind: str  # nhs_number, postcode, name, date_of_birth, person_id

    def __str__(self) -> str:
        return f"{self.file}, column {self.column}, row {self.row}: {self.kind}"


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _words() -> list[str]:
    """Ordinary words that may equal a name: defined-list values and LA names."""
    from cld.spec import load_spec
    from cld.spec.register import all_las

    spec = load_spec()
    words = {v.value.upper() for lst in spec.lists.values() for v in lst.values}
    words |= {la.name.upper() for la in all_las().values()}
    return sorted(words)


def identifiers(con: Any, source: Any) -> str:
    """A temporary table (kind, norm) of the source dataset's identifier values; its name."""
    raw = raw_duckdb(con)
    name = "cld_ids"
    cols = set(source.columns)
    with as_view(con, source) as v:
        parts = []

        def nospace(c: str) -> str:
            return f"upper(regexp_replace(CAST({c} AS VARCHAR), '\\s', '', 'g'))"

        for c in ("nhs_number", "traced_nhs_number"):
            if c in cols:
                parts.append(f"SELECT 'nhs_number' AS kind, {nospace(c)} AS norm FROM {v}")
        if "person_id" in cols:
            parts.append(f"SELECT 'person_id', upper(trim(person_id)) FROM {v} "
                         "WHERE length(trim(person_id)) >= 4")
        for c in ("first_name", "last_name"):
            if c in cols:
                parts.append(f"SELECT 'name', upper(trim({c})) FROM {v} "
                             f"WHERE length(trim({c})) >= 4")
        if "date_of_birth" in cols:
            for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
                parts.append(f"SELECT 'date_of_birth', strftime(date_of_birth, '{fmt}') "
                             f"FROM {v}")
        if "postcode" in cols:
            parts.append(f"SELECT 'postcode', {nospace('postcode')} FROM {v}")
        raw.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT DISTINCT kind, norm FROM ("
                    + " UNION ALL ".join(parts) + ") WHERE norm IS NOT NULL AND norm <> ''")
    words = _words()
    raw.execute(f"DELETE FROM {name} WHERE kind = 'name' AND list_contains(?, norm)", [words])
    return name


def _relation(path: Path) -> str:
    if path.suffix == ".parquet":
        return (f"(SELECT *, file_row_number + 1 AS cld_row "
                f"FROM read_parquet({_lit(str(path))}, file_row_number = true))")
    return (f"(SELECT *, row_number() OVER () AS cld_row FROM "
            f"read_csv({_lit(str(path))}, all_varchar = true, header = true))")


def scan_file(raw: Any, path: Path, ids: str | None) -> list[Finding]:
    rel = _relation(path)
    cols = [r[0] for r in raw.execute(f"DESCRIBE SELECT * FROM {rel}").fetchall()
            if r[0] != "cld_row" and r[0] != "file_row_number"]
    if not cols:
        return []
    casts = ", ".join(f"CAST({_q(c)} AS VARCHAR) AS {_q(c)}" for c in cols)
    cells = "cld_cells"
    raw.execute(f"CREATE OR REPLACE TEMP TABLE {cells} AS SELECT cld_row AS r, col, v FROM "
                f"(SELECT cld_row, {casts} FROM {rel}) "
                f"UNPIVOT (v FOR col IN ({', '.join(_q(c) for c in cols)}))")
    nhs = nhs_normal_sql("m")
    checks = [
        f"SELECT col, r, 'nhs_number' AS kind FROM (SELECT col, r, "
        f"unnest(regexp_extract_all(v, {_lit(NHS_RE)}, 1)) AS m FROM {cells} "
        f"WHERE regexp_matches(v, '[0-9]{{3}} ?[0-9]{{3}} ?[0-9]{{4}}')) "
        f"WHERE ({nhs}) IS NOT NULL",
        f"SELECT col, r, 'postcode' FROM {cells} WHERE regexp_matches(upper(v), "
        f"{_lit(POSTCODE_RE)})",
    ]
    if ids:
        checks += [
            f"SELECT col, r, i.kind FROM {cells} JOIN {ids} i ON i.norm = upper(trim(v))",
            f"SELECT col, r, i.kind FROM {cells} JOIN {ids} i "
            f"ON i.norm = upper(regexp_replace(v, '\\s', '', 'g')) AND i.kind <> 'name'"]
    sql = (f"WITH hits AS ({' UNION ALL '.join(checks)}), "
           f"ranked AS (SELECT DISTINCT col, r, kind FROM hits), "
           f"numbered AS (SELECT *, row_number() OVER (PARTITION BY col, kind ORDER BY r) AS n "
           f"FROM ranked) SELECT col, r, kind FROM numbered WHERE n <= {MAX_PER_COLUMN}")
    try:
        rows = raw.execute(sql).fetchall()
    finally:
        raw.execute(f"DROP TABLE IF EXISTS {cells}")
    return [Finding(path.name, c, int(r), k) for c, r, k in rows]


def scan_dir(folder: Path, con: Any = None, source: Any = None) -> list[Finding]:
    """Findings in every .parquet and .csv file of `folder` (sorted); `source`, an ibis
    table of the dataset the extract was made from, adds the by-value checks."""
    from cld.engines import connect

    con = con or connect()
    raw = raw_duckdb(con)
    ids = identifiers(con, source) if source is not None else None
    try:
        found: list[Finding] = []
        for path in sorted(folder.iterdir()):
            if path.suffix in {".parquet", ".csv"} and path.is_file():
                found += scan_file(raw, path, ids)
        return sorted(found)
    finally:
        if ids:
            raw.execute(f"DROP TABLE IF EXISTS {ids}")
