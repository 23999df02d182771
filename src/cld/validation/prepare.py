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

import duckdb

from cld.spec import Spec, value_key

DATE_RE = r"^\d{1,2}/\d{1,2}/\d{4}$"
NUMBER_RE = r"^-?\d+(\.\d+)?$"
POSTCODE_RE = (
    r"^(GIR ?0AA|[A-PR-UWYZ]([0-9]{1,2}|[A-HK-Y][0-9]{1,2}|[0-9][A-HJKPSTUW]"
    r"|[A-HK-Y][0-9][ABEHMNPRVWXY]) ?[0-9][ABD-HJLNP-UW-Z]{2}|ZZ99 ?[0-9][A-Z]Z)$"
)
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"


def sql_str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def loose_key_sql(col: str) -> str:
    """SQL twin of cld.spec.value_key (lower case, dashes unified, no whitespace)."""
    return (f"lower(regexp_replace(translate({col}, '{_DASHES}', '{'-' * len(_DASHES)}'), "
            r"'[\s\x{00A0}]+', '', 'g'))")


@dataclass(frozen=True)
class Period:
    start: str | None  # ISO dates (yyyy-mm-dd) or None when unknown
    end: str | None


def _list_sql(col: str, values: list[str], lookup: dict[str, tuple[str, str]]) -> list[str]:
    canon = ", ".join(sql_str(v) for v in values)
    raw = q(col)
    key = loose_key_sql(f"trim({raw})")
    cases_c = " ".join(f"WHEN {sql_str(k)} THEN {sql_str(v)}" for k, (v, _) in lookup.items())
    cases_m = " ".join(f"WHEN {sql_str(k)} THEN {1 if how == 'case' else 2}"
                       for k, (_, how) in lookup.items())
    clean = f"NULLIF(trim({raw}), '')"
    return [
        f"{clean} AS {q(col)}",
        f"CASE WHEN {clean} IS NULL THEN NULL WHEN {raw} IN ({canon}) THEN {raw} "
        f"ELSE CASE {key} {cases_c} ELSE NULL END END AS {q(col + '__c')}",
        f"CAST(CASE WHEN {clean} IS NULL THEN NULL WHEN {raw} IN ({canon}) THEN 0 "
        f"ELSE CASE {key} {cases_m} ELSE 3 END END AS UTINYINT) AS {q(col + '__m')}",
    ]


def prepare(con: duckdb.DuckDBPyConnection, spec: Spec, table: str, present: set[str],
            period: Period, out: str = "prepared") -> None:
    """Create table `out` from loaded table `table`."""
    cols: list[str] = ["_row"]
    for item in spec.items:
        if item.id not in present:
            continue
        raw = q(item.id)
        clean = f"NULLIF(trim({raw}), '')"
        if item.type == "list":
            assert item.list_id is not None
            dl = spec.lists[item.list_id]
            cols += _list_sql(item.id, dl.canonical, dl.lookup())
            continue
        cols.append(f"{clean} AS {raw}")
        if item.type == "date":
            cols.append(
                f"CAST(CASE WHEN regexp_full_match({clean}, '{DATE_RE}') THEN "
                f"try_strptime({clean}, '%d/%m/%Y') END AS DATE) AS {q(item.id + '__d')}"
            )
        elif item.type == "numeric":
            cols.append(
                f"CASE WHEN regexp_full_match({clean}, '{NUMBER_RE}') THEN "
                f"TRY_CAST({clean} AS DOUBLE) END AS {q(item.id + '__n')}"
            )
    if "nhs_number" in present:
        digits = "regexp_replace(trim(nhs_number), '[\\s-]', '', 'g')"
        cols.append(f"NULLIF({digits}, '') AS nhs__digits")
    body = ", ".join(cols)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {out}_base AS SELECT {body} FROM {table}")

    extra: list[str] = []
    if "nhs_number" in present:
        total = " + ".join(
            f"(ascii(substr(nhs__digits, {i}, 1)) - 48) * {11 - i}" for i in range(1, 10)
        )
        extra.append(
            f"(CASE WHEN NOT regexp_full_match(nhs__digits, '[0-9]{{10}}') THEN FALSE "
            f"ELSE ((11 - (({total}) % 11)) % 11) = ascii(substr(nhs__digits, 10, 1)) - 48 "
            f"AND ({total}) % 11 <> 1 END) AS nhs__ok"
        )
    if "person_id" in present:
        w = "OVER (PARTITION BY person_id)"
        for item in spec.items:
            if not item.person_level or item.id == "person_id" or item.id not in present:
                continue
            v = q(item.id + "__c") if item.type == "list" else q(item.id)
            if item.id == "nhs_number":
                v = "nhs__digits"
            extra.append(
                f"(person_id IS NOT NULL AND (min({v}) {w} IS DISTINCT FROM max({v}) {w} "
                f"OR (count({v}) {w} > 0 AND count({v}) {w} < count(*) {w}))) "
                f"AS {q(item.id + '__vary')}"
            )
    if "nhs_number" in present and "person_id" in present:
        w = "OVER (PARTITION BY nhs__digits)"
        extra.append(f"(nhs__digits IS NOT NULL AND min(person_id) {w} <> max(person_id) {w}) "
                     "AS nhs__shared")
    if "event_reference" in present:
        extra.append("(event_reference IS NOT NULL AND count(*) OVER "
                     "(PARTITION BY event_reference) > 1) AS event_reference__dup")
    if "date_of_birth" in present:
        dob = "date_of_birth__d"
        if "event_start" in present:
            extra.append(f"(year(event_start__d) - year({dob}) - CASE WHEN strftime(event_start__d,"
                         f" '%m%d') < strftime({dob}, '%m%d') THEN 1 ELSE 0 END) AS age_at_start")
        if period.end:
            pe = f"DATE {sql_str(period.end)}"
            extra.append(f"(year({pe}) - year({dob}) - CASE WHEN strftime({pe}, '%m%d') < "
                         f"strftime({dob}, '%m%d') THEN 1 ELSE 0 END) AS age_at_period_end")
    sel = "*" + ("".join(", " + e for e in extra))
    con.execute(f"CREATE OR REPLACE TEMP TABLE {out} AS SELECT {sel} FROM {out}_base "
                "ORDER BY _row")
    con.execute(f"DROP TABLE {out}_base")


def check_key_sql(con: duckdb.DuckDBPyConnection) -> None:
    """Self-check: the SQL loose key equals the Python one on awkward inputs (used in tests)."""
    samples = ["NFA — Deceased", " Not\u00a0known ", "Progress to Reablement / ST-Max"]
    for s in samples:
        row = con.execute(f"SELECT {loose_key_sql('?')}", [s]).fetchone()
        assert row is not None and row[0] == value_key(s), (s, row)
