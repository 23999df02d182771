"""Normalised events of one submission (Parquet), their stable event keys, derived period.

Runs on the DuckDB connection a validation left behind (view `prepared_base`), so the file is
parsed once. Each event row keeps its spreadsheet row (`_row`) to point back at the upload,
which is kept byte for byte beside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb

from cld.spec import Spec, load_spec
from cld.validation.prepare import q, sql_str

# Type-specific fields that, with person, event type and start date, identify an event
# (defined once in the specification's groups `event_key_<type>`).
KEY_FIELDS: dict[str, tuple[str, ...]] = load_spec().event_key_fields()
SQL_TYPES = {"date": "DATE", "numeric": "DOUBLE"}


def normalised_columns(spec: Spec, present: set[str]) -> list[str]:
    """One typed column per data item: list items as their canonical value (the cleaned
    text when not in the list), dates as DATE, numbers as DOUBLE, absent items as NULL."""
    cols = []
    for item in spec.items:
        sql_type = SQL_TYPES.get(item.type, "VARCHAR")
        if item.id not in present:
            expr = f"CAST(NULL AS {sql_type})"
        elif item.id == "nhs_number":
            expr = "nhs__digits"
        elif item.type == "list":
            expr = f"coalesce({q(item.id + '__c')}, {q(item.id)})"
        elif item.type == "date":
            expr = q(item.id + "__d")
        elif item.type == "numeric":
            expr = q(item.id + "__n")
        else:
            expr = q(item.id)
        cols.append(f"{expr} AS {q(item.id)}")
    return cols


def _derived_key() -> str:
    parts = ["person_id", "event_type", "CAST(event_start AS VARCHAR)"]
    cases = []
    for event_type, fields in KEY_FIELDS.items():
        if fields:
            joined = " || '|' || ".join(f"coalesce({q(f)}, '')" for f in fields)
            cases.append(f"WHEN {sql_str(event_type)} THEN {joined}")
    parts.append(f"CASE event_type {' '.join(cases)} ELSE '' END")
    return "md5(" + " || chr(31) || ".join(f"coalesce({p}, '')" for p in parts) + ")"


@dataclass(frozen=True)
class EventsWritten:
    rows: int
    keys_from_reference: int
    keys_derived: int


def write_events(con: duckdb.DuckDBPyConnection, spec: Spec, present: set[str],
                 path: Path) -> EventsWritten:
    """Write the normalised events of the validated submission in `con` to `path`.

    The event key is 'R:' + Event Reference where the reference is given and unique in the
    file; otherwise 'D:' + a digest of person, event type, start date and the type-specific
    identifying fields ('#2', '#3', ... for identical events, in row order).
    """
    norm = ", ".join(normalised_columns(spec, present))
    items = ", ".join(f"n.{q(i.id)}" for i in spec.items)
    # Derived keys (and their ordinals) only for rows without a usable reference: no sort
    # of the whole file, which keeps the rows in file order without an ORDER BY.
    con.execute(f"""
        COPY (
          WITH n AS (SELECT _row, {norm} FROM prepared_base),
          dup AS (SELECT event_reference AS r FROM n WHERE event_reference IS NOT NULL
                  GROUP BY 1 HAVING count(*) > 1),
          d AS (SELECT _row, dkey, row_number() OVER (PARTITION BY dkey ORDER BY _row) AS ord
                FROM (SELECT _row, {_derived_key()} AS dkey FROM n
                      WHERE event_reference IS NULL
                         OR event_reference IN (SELECT r FROM dup)))
          SELECT n._row,
                 CASE WHEN d._row IS NULL THEN 'R:' || n.event_reference
                      ELSE 'D:' || substr(d.dkey, 1, 20)
                           || CASE WHEN d.ord > 1 THEN '#' || d.ord ELSE '' END END AS event_key,
                 CASE WHEN d._row IS NULL THEN 'reference' ELSE 'derived' END AS key_source,
                 {items}
          FROM n LEFT JOIN d ON d._row = n._row
        ) TO {sql_str(str(path))} (FORMAT parquet, COMPRESSION zstd)
    """)
    row = con.execute(
        f"SELECT count(*), count(*) FILTER (key_source = 'reference') "
        f"FROM read_parquet({sql_str(str(path))})").fetchone()
    assert row is not None
    return EventsWritten(int(row[0]), int(row[1]), int(row[0]) - int(row[1]))


def derived_period(con: duckdb.DuckDBPyConnection, received: date,
                   present: set[str]) -> tuple[date, date] | None:
    """The period the data actually covers, from the months events end in.

    Months on or after the month of receipt are ignored; a month is kept when it holds at
    least 2% of the ended events and at least (event types in the file - 1) event types;
    files with fewer than 100 ended events keep every month. None when no event has ended.
    """
    if "event_end" not in present:
        return None
    etype = "event_type__c" if "event_type" in present else "NULL"
    month0 = date(received.year, received.month, 1).isoformat()
    row = con.execute(f"""
        WITH e AS (
          SELECT date_trunc('month', event_end__d) AS m, {etype} AS t FROM prepared_base
          WHERE event_end__d IS NOT NULL AND event_end__d < DATE '{month0}'),
        tot AS (SELECT count(*) AS n FROM e),
        types AS (SELECT count(DISTINCT {etype}) AS n FROM prepared_base),
        per AS (SELECT m, count(*) AS n, count(DISTINCT t) AS nt FROM e GROUP BY m)
        SELECT min(m), max(m) FROM per, tot, types
        WHERE tot.n < 100 OR (per.n >= 0.02 * tot.n AND per.nt >= types.n - 1)
    """).fetchone()
    if row is None or row[0] is None:
        return None
    first, last = (d.date() if isinstance(d, datetime) else d for d in row)
    nxt = date(last.year + (last.month == 12), last.month % 12 + 1, 1)
    return first, nxt - timedelta(days=1)
