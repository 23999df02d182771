"""The typed view a validation leaves behind, as a handle: what the store may do with it.

`validate()` puts a `Prepared` on its result (`result.prepared`): the DuckDB connection that
holds the prepared view of the file, the specification and the items present. The store calls
its methods (`write_events`, `derived_period`) and never names a view or a column suffix, so
the file is parsed once and the shape of the view stays validation's own business.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb

from cld.spec import Spec
from cld.validation.prepare import q, sql_str

SQL_TYPES = {"date": "DATE", "numeric": "DOUBLE"}


@dataclass(frozen=True)
class EventsWritten:
    rows: int
    keys_from_reference: int
    keys_derived: int


def normalised_columns(spec: Spec, present: frozenset[str] | set[str]) -> list[str]:
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


def derived_key(key_fields: dict[str, tuple[str, ...]]) -> str:
    """SQL of the digest identifying an event without a usable Event Reference: person,
    event type, start date and the type-specific fields (the spec's `event_key_<type>`)."""
    parts = ["person_id", "event_type", "CAST(event_start AS VARCHAR)"]
    cases = []
    for event_type, fields in key_fields.items():
        if fields:
            joined = " || '|' || ".join(f"coalesce({q(f)}, '')" for f in fields)
            cases.append(f"WHEN {sql_str(event_type)} THEN {joined}")
    parts.append(f"CASE event_type {' '.join(cases)} ELSE '' END")
    return "md5(" + " || chr(31) || ".join(f"coalesce({p}, '')" for p in parts) + ")"


@dataclass(frozen=True)
class Prepared:
    """The prepared view of one validated file, on the connection that holds it."""

    con: duckdb.DuckDBPyConnection
    spec: Spec
    present: frozenset[str]
    view: str = "prepared_base"  # the typed columns, one row per record (see prepare.py)

    def write_events(self, path: Path) -> EventsWritten:
        """Write the file's normalised events to `path` (Parquet, zstd).

        One column per data item (see `normalised_columns`), plus `_row` (the spreadsheet
        row), `event_key` and `key_source`. The event key is 'R:' + Event Reference where the
        reference is given and unique in the file; otherwise 'D:' + a digest of person, event
        type, start date and the type-specific identifying fields ('#2', '#3', ... for
        identical events, in row order).
        """
        norm = ", ".join(normalised_columns(self.spec, self.present))
        items = ", ".join(f"n.{q(i.id)}" for i in self.spec.items)
        key = derived_key(self.spec.event_key_fields())
        # Derived keys (and their ordinals) only for rows without a usable reference: no sort
        # of the whole file (so the rows come out in the join's order, not the file's).
        self.con.execute(f"""
            COPY (
              WITH n AS (SELECT _row, {norm} FROM {self.view}),
              dup AS (SELECT event_reference AS r FROM n WHERE event_reference IS NOT NULL
                      GROUP BY 1 HAVING count(*) > 1),
              d AS (SELECT _row, dkey, row_number() OVER (PARTITION BY dkey ORDER BY _row)
                           AS ord
                    FROM (SELECT _row, {key} AS dkey FROM n
                          WHERE event_reference IS NULL
                             OR event_reference IN (SELECT r FROM dup)))
              SELECT n._row,
                     CASE WHEN d._row IS NULL THEN 'R:' || n.event_reference
                          ELSE 'D:' || substr(d.dkey, 1, 20)
                               || CASE WHEN d.ord > 1 THEN '#' || d.ord ELSE '' END
                     END AS event_key,
                     CASE WHEN d._row IS NULL THEN 'reference' ELSE 'derived' END
                       AS key_source,
                     {items}
              FROM n LEFT JOIN d ON d._row = n._row
            ) TO {sql_str(str(path))} (FORMAT parquet, COMPRESSION zstd)
        """)
        row = self.con.execute(
            f"SELECT count(*), count(*) FILTER (key_source = 'reference') "
            f"FROM read_parquet({sql_str(str(path))})").fetchone()
        assert row is not None
        return EventsWritten(int(row[0]), int(row[1]), int(row[0]) - int(row[1]))

    def derived_period(self, received: date) -> tuple[date, date] | None:
        """The period the data actually covers, from the months events end in.

        Months on or after the month of receipt are ignored; a month is kept when it holds
        at least 2% of the ended events and at least (event types in the file - 1) event
        types; files with fewer than 100 ended events keep every month. None when no event
        has ended.
        """
        if "event_end" not in self.present:
            return None
        etype = "event_type__c" if "event_type" in self.present else "NULL"
        month0 = date(received.year, received.month, 1).isoformat()
        row = self.con.execute(f"""
            WITH e AS (
              SELECT date_trunc('month', event_end__d) AS m, {etype} AS t FROM {self.view}
              WHERE event_end__d IS NOT NULL AND event_end__d < DATE '{month0}'),
            tot AS (SELECT count(*) AS n FROM e),
            types AS (SELECT count(DISTINCT {etype}) AS n FROM {self.view}),
            per AS (SELECT m, count(*) AS n, count(DISTINCT t) AS nt FROM e GROUP BY m)
            SELECT min(m), max(m) FROM per, tot, types
            WHERE tot.n < 100 OR (per.n >= 0.02 * tot.n AND per.nt >= types.n - 1)
        """).fetchone()
        if row is None or row[0] is None:
            return None
        first, last = (d.date() if isinstance(d, datetime) else d for d in row)
        nxt = date(last.year + (last.month == 12), last.month % 12 + 1, 1)
        return first, nxt - timedelta(days=1)

    def close(self) -> None:
        """Close the connection (the view and everything else on it go with it)."""
        self.con.close()
