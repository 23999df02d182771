"""Parse once: the typed view of a loaded submission (DuckDB SQL, the one engine-specific step).

For every data item present, the prepared table keeps the cleaned text (`<id>`: trimmed, blank
as NULL) and adds what the rules read:
- list items:   `<id>__c` canonical value, `<id>__m` match (0 exact, 1 case/space/dash,
                2 variant spelling, 3 not in list; NULL when blank)
- date items:   `<id>__d` DATE (NULL when blank or invalid)
- numeric:      `<id>__n` DOUBLE (NULL when blank or invalid)
- NHS Number:   `nhs__digits` (separators removed), `nhs__ok` (mod 11 passed)
- person items: `<id>__vary` TRUE when the person's rows disagree on the item
plus ages at event start and at period end. The rules (ibis) read only these columns.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb

from cld.ingest.rows import load_rows
from cld.spec import Spec, value_key

# At most 13 whole digits: every amount to the penny is exact (0.00); 1e400, inf, a
# 400-digit number are not numbers here.
NUMBER_RE = r"^-?0*\d{1,13}(\.\d+)?$"
POSTCODE_RE = (
    r"^(GIR ?0AA|[A-PR-UWYZ]([0-9]{1,2}|[A-HK-Y][0-9]{1,2}|[0-9][A-HJKPSTUW]"
    r"|[A-HK-Y][0-9][ABEHMNPRVWXY]) ?[0-9][ABD-HJLNP-UW-Z]{2}|ZZ99 ?[0-9][A-Z]Z)$"
)


def sql_str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@dataclass(frozen=True)
class Bounds:
    """The reporting period a file is checked against; either end may be unknown."""

    start: date | None
    end: date | None


MAP_LIMIT = 2000  # distinct values of one list column mapped inline; beyond that, by a join


def classify(raw: str, values: list[str], lookup: dict[str, tuple[str, str]]
             ) -> tuple[str | None, int]:
    """(canonical value, match) for one raw cell: 0 exact, 1 case/space/dash, 2 variant,
    3 not in the list."""
    if raw in values:
        return raw, 0
    hit = lookup.get(value_key(raw))
    if hit is None:
        return None, 3
    return hit[0], 1 if hit[1] == "case" else 2


def _list_sql(con: duckdb.DuckDBPyConnection, col: str, clean: str, distinct: list[str],
              values: list[str], lookup: dict[str, tuple[str, str]]
              ) -> tuple[list[str], str | None]:
    """Columns for one defined-list item, mapped once per distinct raw value (in Python)."""
    raw = f"s.{q(col)}"
    mapped = {d: classify(d, values, lookup) for d in distinct if d.strip()}
    # The values go in through a JSON file, never as SQL text (and not as bound Python
    # values either: binding makes DuckDB import pandas, seconds for a fresh process).
    name = f"map_{col}"
    load_rows(con, name, {"raw": "VARCHAR", "c": "VARCHAR", "m": "UTINYINT"},
              [{"raw": k, "c": v, "m": m} for k, (v, m) in mapped.items()])
    if len(mapped) <= MAP_LIMIT:  # a one-row table of two MAPs, looked up per row
        con.execute(f"CREATE OR REPLACE TEMP TABLE mapv_{col} AS SELECT "
                    "MAP(list(raw) FILTER (WHERE c IS NOT NULL), list(c) FILTER (WHERE c IS "
                    f"NOT NULL)) AS c, MAP(list(raw), list(m)) AS m FROM {name}")
        return [f"{clean} AS {q(col)}", f"mapv_{col}.c[{raw}] AS {q(col + '__c')}",
                f"mapv_{col}.m[{raw}] AS {q(col + '__m')}"], f"CROSS JOIN mapv_{col}"
    # Too many distinct values for a MAP: join the lookup table.
    return [f"{clean} AS {q(col)}", f"{name}.c AS {q(col + '__c')}",
            f"{name}.m AS {q(col + '__m')}"], f"LEFT JOIN {name} ON {name}.raw = {raw}"


def _scan(con: duckdb.DuckDBPyConnection, spec: Spec, table: str, present: set[str]
          ) -> tuple[set[str], dict[str, list[str]]]:
    """One pass: which columns hold padded or empty text, and each list column's values."""
    ids = [i.id for i in spec.items if i.id in present]
    lists = [i.id for i in spec.items if i.id in present and i.type == "list"]
    if not ids:
        return set(), {}
    exprs = [f"bool_or({q(i)} LIKE ' %' OR {q(i)} LIKE '% ' OR {q(i)} = '')" for i in ids]
    exprs += [f"list(DISTINCT {q(i)})" for i in lists]
    row = con.execute(f"SELECT {', '.join(exprs)} FROM {table}").fetchone()
    assert row is not None
    padded = {i for i, flag in zip(ids, row[: len(ids)], strict=True) if flag}
    distinct = {i: [v for v in (vals or []) if v is not None]
                for i, vals in zip(lists, row[len(ids):], strict=True)}
    return padded, distinct


def _vary_ids(spec: Spec, present: set[str]) -> list[str]:
    return [i.id for i in spec.items
            if i.person_level and i.id != "person_id" and i.id in present]


def _age(dob: str, on: str) -> str:
    """Whole years from `dob` to `on` (SQL date expressions): a year more once the day and
    month of birth are reached, so a 29 February birth ages on 1 March in other years."""
    return (f"(year({on}) - year({dob}) - CASE WHEN month({on}) * 100 + day({on}) < "
            f"month({dob}) * 100 + day({dob}) THEN 1 ELSE 0 END)")


def prepare(con: duckdb.DuckDBPyConnection, spec: Spec, table: str, present: set[str],
            period: Bounds, first_row: int = 2, out: str = "prepared") -> None:
    """Create views `<out>_base` and `out` over loaded table `table`.

    `first_row` is the spreadsheet row of the first record (2 when the header is row 1).
    """
    has_row = "_row" in {r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()}
    # XLSX tables carry their sheet row (blank rows dropped); CSV rows follow the file order.
    cols: list[str] = ["s._row" if has_row else f"CAST(s.rowid + {first_row} AS BIGINT) AS _row"]
    base_joins: list[str] = []
    padded, distinct = _scan(con, spec, table, present)
    for item in spec.items:
        if item.id not in present:
            continue
        raw = f"s.{q(item.id)}"
        # Trimming allocates a new string per cell: only columns that need it pay for it.
        clean = f"NULLIF(trim({raw}), '')" if item.id in padded else raw
        if item.type == "list":
            assert item.list_id is not None
            dl = spec.lists[item.list_id]
            sql, join = _list_sql(con, item.id, clean, distinct.get(item.id, []),
                                  dl.canonical, dl.lookup())
            cols += sql
            if join:
                base_joins.append(join)
            continue
        cols.append(f"{clean} AS {q(item.id)}")
        if item.type == "date":
            cols.append(
                # years 1900-2100 only: '01/01/0000' or '01/04/21' are not real dates here
                f"CAST(CASE WHEN {clean} LIKE '%/19__' OR {clean} LIKE '%/20__' "
                f"OR {clean} LIKE '%/2100' THEN try_strptime({clean}, '%d/%m/%Y') "
                f"END AS DATE) AS {q(item.id + '__d')}"
            )
        elif item.type == "numeric":
            cols.append(
                f"CASE WHEN regexp_full_match({clean}, '{NUMBER_RE}') THEN "
                f"TRY_CAST({clean} AS DOUBLE) END AS {q(item.id + '__n')}"
            )
    if "nhs_number" in present:
        digits = "replace(replace(s.nhs_number, ' ', ''), '-', '')"
        cols.append(f"NULLIF({digits}, '') AS nhs__digits")
    body = ", ".join(cols)
    # A view: each pass computes only the columns it reads, and nothing is copied.
    con.execute(f"CREATE OR REPLACE TEMP VIEW {out}_base AS SELECT {body} FROM {table} s "
                f"{' '.join(base_joins)}")

    extra: list[str] = []
    if "nhs_number" in present:
        n = "TRY_CAST(nhs__digits AS BIGINT)"
        total = " + ".join(f"(({n} // {10 ** (10 - i)}) % 10) * {11 - i}" for i in range(1, 10))
        extra.append(
            f"(CASE WHEN NOT regexp_full_match(nhs__digits, '[0-9]{{10}}') THEN FALSE "
            f"ELSE (11 - ({total}) % 11) % 11 = {n} % 10 END) AS nhs__ok"
        )
    joins: list[str] = []
    if "person_id" in present:
        aggs = []
        for item in map(spec.item, _vary_ids(spec, present)):
            v = (f"coalesce({q(item.id + '__c')}, {q(item.id)})" if item.type == "list"
                 else q(item.id))
            if item.id == "nhs_number":
                v = "nhs__digits"
            aggs.append(f"(min({v}) <> max({v}) OR (count({v}) > 0 AND count({v}) < count(*)))"
                        f" AS {q(item.id + '__vary')}")
            extra.append(f"coalesce(pv.{q(item.id + '__vary')}, FALSE) AS "
                         f"{q(item.id + '__vary')}")
        if aggs:
            # Two steps: people whose rows differ in raw text (one hash a row, cheap), then,
            # for them only, whether the values still differ once read ('Male' = 'male').
            pid = "NULLIF(trim(s.person_id), '')" if "person_id" in padded else "s.person_id"
            h = "hash(" + ", ".join(f"s.{q(i)}" for i in _vary_ids(spec, present)) + ")"
            con.execute(f"CREATE OR REPLACE TEMP TABLE {out}_pc AS SELECT {pid} AS person_id "
                        f"FROM {table} s WHERE {pid} IS NOT NULL GROUP BY {pid} "
                        f"HAVING min({h}) <> max({h})")
            con.execute(f"CREATE OR REPLACE TEMP TABLE {out}_pv AS SELECT * FROM (SELECT "
                        f"person_id, {', '.join(aggs)} FROM {out}_base WHERE person_id IN "
                        f"(SELECT person_id FROM {out}_pc) GROUP BY person_id) WHERE "
                        + " OR ".join(q(i + "__vary") for i in _vary_ids(spec, present)))
            joins.append(f"LEFT JOIN {out}_pv pv USING (person_id)")
    if "nhs_number" in present and "person_id" in present:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {out}_ns AS SELECT nhs__digits, TRUE AS "
                    f"nhs__shared FROM {out}_base WHERE nhs__digits IS NOT NULL GROUP BY "
                    "nhs__digits HAVING min(person_id) <> max(person_id)")
        joins.append(f"LEFT JOIN {out}_ns ns USING (nhs__digits)")
        extra.append("coalesce(ns.nhs__shared, FALSE) AS nhs__shared")
    if "event_reference" in present:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {out}_er AS SELECT event_reference, TRUE AS "
                    f"event_reference__dup FROM {out}_base WHERE event_reference IS NOT NULL "
                    "GROUP BY event_reference HAVING count(*) > 1")
        joins.append(f"LEFT JOIN {out}_er er USING (event_reference)")
        extra.append("coalesce(er.event_reference__dup, FALSE) AS event_reference__dup")
    if "date_of_birth" in present:
        dob = "date_of_birth__d"
        if "event_start" in present:
            # Age when the event starts, or at the period start for events that began
            # earlier (a transition service that began at 17 is an adult's service now).
            on = "event_start__d"
            if period.start:
                on = f"greatest(event_start__d, DATE {sql_str(period.start.isoformat())})"
            extra.append(f"{_age(dob, on)} AS age_at_start")
        if period.end:
            pe = f"DATE {sql_str(period.end.isoformat())}"
            extra.append(f"{_age(dob, pe)} AS age_at_period_end")
    sel = "b.*" + ("".join(", " + e for e in extra))
    con.execute(f"CREATE OR REPLACE TEMP VIEW {out} AS SELECT {sel} FROM {out}_base b "
                f"{' '.join(joins)}")
