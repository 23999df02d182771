"""Run every rule over a submission and collect one issue table."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

import cld
from cld.dates import parse_ddmmyyyy
from cld.ingest import Loaded, load_submission
from cld.ingest.rows import load_rows
from cld.issues import ISSUE_COLUMNS, ISSUE_SCHEMA
from cld.spec import DEFAULT_VERSION, Spec, load_spec
from cld.spec.register import all_las
from cld.validation.plan import Plan, plan_for
from cld.validation.prepare import Bounds, prepare, q, sql_str
from cld.validation.prepared import Prepared
from cld.validation.result import FieldStat, RuleCount, Summary, ValidationResult

# Rules whose findings mean "this cell's value is not valid" (for per-field validity).
VALUE_RULES = ("CLD302", "CLD305", "CLD306", "CLD308", "CLD309", "CLD311")


def connect(memory_limit: str | None = None, threads: int | None = None,
            temp_directory: Path | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with explicit limits (env CLD_MEMORY_LIMIT, CLD_THREADS).

    `temp_directory`: where DuckDB spills when memory runs short (default: its own choice).
    """
    con = duckdb.connect()
    if temp_directory is not None:
        con.execute(f"SET temp_directory = {sql_str(str(temp_directory))}")
    limit = memory_limit or os.environ.get("CLD_MEMORY_LIMIT", "2GB")
    con.execute(f"SET memory_limit = '{limit}'")
    if threads or os.environ.get("CLD_THREADS"):
        con.execute(f"SET threads = {int(threads or os.environ['CLD_THREADS'])}")
    con.execute("SET preserve_insertion_order = true")
    con.execute("SET enable_progress_bar = false")  # it would print into stdout reports
    return con


def _submission_ids(spec: Spec, present: set[str]) -> list[str]:
    return [i.id for i in spec.submission_items if i.id in present]


def _modal(con: duckdb.DuckDBPyConnection, table: str,
           ids: list[str]) -> dict[str, str | None]:
    """The most common value of each submission item (they describe the whole file)."""
    out: dict[str, str | None] = {}
    if ids:
        # Kept as a table too: rules compare with it there, not as text pasted into SQL.
        con.execute("CREATE OR REPLACE TEMP TABLE submission_modal AS SELECT " + ", ".join(
            f"mode(NULLIF(trim({q(i)}), '')) AS {q(i)}" for i in ids) + f" FROM {table}")
        row = con.execute("SELECT * FROM submission_modal").fetchone()
        assert row is not None
        out = dict(zip(ids, row, strict=True))
    return out


def _day(text: str | None) -> date | None:
    """A dd/mm/yyyy value of the file, None when absent or not a date."""
    if not text:
        return None
    try:
        return parse_ddmmyyyy(text)
    except ValueError:
        return None


def run_rules(con: duckdb.DuckDBPyConnection, plan: Plan, present: set[str]) -> None:
    """Evaluate every finding of `plan` and leave the issues in TEMP TABLE rule_issues.

    TEMP TABLE flags holds the rows with at least one hit (condition w{n} per finding); a
    union of tiny scans of flags lists the hits (row, finding), joined to each finding's
    fixed parts (finding_meta) and the values it quotes.
    """
    con.execute("CREATE OR REPLACE TEMP TABLE flags AS " + plan.flags)
    # Messages may quote a file's value (e.g. the most common LA Name): loaded as rows.
    load_rows(con, "finding_meta", {"fid": "INTEGER", "column": "VARCHAR", "rule": "VARCHAR",
                                    "severity": "VARCHAR", "message": "VARCHAR"},
              [{"fid": n, "column": c, "rule": r, "severity": sv, "message": m}
               for n, c, r, sv, m in plan.findings])
    hits = " UNION ALL ".join(f"SELECT _row, {n} AS fid FROM flags WHERE w{n}"
                              for n, *_ in plan.findings)
    hits = hits or "SELECT 0::BIGINT AS _row, 0 AS fid LIMIT 0"
    value = f"CASE h.fid {' '.join(plan.values)} END" if plan.values else "NULL"
    message = (f"coalesce(CASE h.fid {' '.join(plan.messages)} END, m.message)"
               if plan.messages else "m.message")
    person = "f._person" if "person_id" in present else "NULL"
    ref = "f._ref" if "event_reference" in present else "NULL"
    con.execute(f"CREATE OR REPLACE TEMP TABLE hits AS {hits}")  # exact size for the join
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE rule_issues AS
        SELECT h._row AS row, m."column", m.rule, m.severity, {value} AS value,
               {message} AS message, {person} AS person, {ref} AS event_reference
        FROM hits h JOIN finding_meta m ON m.fid = h.fid
               JOIN flags f ON f._row = h._row
        UNION ALL
        SELECT * FROM ({plan.value_issues})
    """)
    con.execute("DROP TABLE flags")
    con.execute("DROP TABLE hits")


def validate(path: str | Path, *, la_code: str | None = None, period_start: date | None = None,
             period_end: date | None = None, spec_version: str = DEFAULT_VERSION,
             con: duckdb.DuckDBPyConnection | None = None,
             display_name: str | None = None,
             progress: Callable[[str], None] | None = None) -> ValidationResult:
    """Validate one submission file. Raises cld.ingest.UnreadableFile when it cannot be read.

    `period_start`/`period_end`: the period the file is submitted for, when known.
    The typed view it builds stays on `con`: `result.prepared` is the handle to it (write the
    normalised events, derive the period the data covers).
    """
    step = progress or (lambda _msg: None)
    spec = load_spec(spec_version)
    con = con or connect()
    step("Reading the file")
    loaded = load_submission(con, path, spec, display_name=display_name)
    present = loaded.headers.present
    sub = _submission_ids(spec, present)
    modal = _modal(con, loaded.table, sub)
    cli = {"la_code": la_code,
           "period_start": period_start.isoformat() if period_start else None,
           "period_end": period_end.isoformat() if period_end else None}
    period = Bounds(period_start or _day(modal.get("period_start")),
                    period_end or _day(modal.get("period_end")))
    step(f"Parsing {loaded.rows:,} rows")
    prepare(con, spec, loaded.table, present, period, loaded.layout.first_row)
    sub_cols = ", ".join([q(i) for i in sub]
                         + [q(i + "__d") for i in sub if i.startswith("period")])
    con.execute("CREATE OR REPLACE TEMP TABLE submission_values AS SELECT "
                + (sub_cols + ", " if sub_cols else "")
                + "min(_row) AS _row FROM prepared_base"
                + (" GROUP BY ALL" if sub_cols else ""))
    step("Checking the rules")
    plan = plan_for(con, spec, present, period, cli, modal)
    run_rules(con, plan, present)
    sources = ["SELECT * FROM rule_issues"]
    if loaded.headers.issues:
        # CLD1xx are raised while reading; their severity is the one their rule declares.
        types = {c: "BIGINT" if c == "row" else "VARCHAR" for c in ISSUE_COLUMNS}
        load_rows(con, "header_issues", types, [n.rated(plan.catalogue[n.rule][0]).as_dict()
                                                for n in loaded.headers.issues])
        sources.insert(0, "SELECT * FROM header_issues")
    con.execute(
        "CREATE OR REPLACE TEMP TABLE issues AS SELECT row, \"column\", rule, severity, value, "
        f"message, person, event_reference FROM ({' UNION ALL '.join(sources)}) "
        "ORDER BY row NULLS FIRST, \"column\", rule")
    con.execute("DROP TABLE IF EXISTS header_issues")
    step("Summarising")
    return _result(con, loaded, spec, plan, present, period, cli, modal)


def _result(con: duckdb.DuckDBPyConnection, loaded: Loaded, spec: Spec, plan: Plan,
            present: set[str], period: Bounds, cli: dict[str, str | None],
            modal: dict[str, str | None]) -> ValidationResult:
    issues = con.execute("SELECT * FROM issues").to_arrow_table().cast(ISSUE_SCHEMA)
    sev = dict(con.execute("SELECT severity, count(*) FROM issues GROUP BY 1").fetchall())
    counts = con.execute("SELECT rule, count(*) FROM issues GROUP BY 1 ORDER BY 2 DESC, 1")
    rule_counts = [RuleCount(code, plan.catalogue[code][0], plan.catalogue[code][1], int(n),
                             plan.catalogue[code][2]) for code, n in counts.fetchall()]
    stats, people = _field_stats(con, loaded, spec, present)
    la = cli.get("la_code") or modal.get("la_code")
    reg = all_las().get(la or "")
    summary = Summary(
        file=loaded.file,
        format=loaded.format,
        encoding=loaded.encoding,
        spec_version=spec.version,
        la_code=la,
        la_name=reg.name if reg else modal.get("la_name"),
        dscro_region=reg.region if reg else None,
        period_start=period.start,
        period_end=period.end,
        # what the file itself states (most common values), whatever the user said
        stated_la_code=modal.get("la_code"),
        stated_period_start=_day(modal.get("period_start")),
        stated_period_end=_day(modal.get("period_end")),
        present_items=tuple(sorted(present)),
        rows=loaded.rows,
        people=people,
        columns=len(loaded.headers.headers),
        layout=loaded.layout.note(),  # rows skipped around the header, block cells
        fatal=int(sev.get("fatal", 0)),
        errors=int(sev.get("error", 0)),
        warnings=int(sev.get("warning", 0)),
        generated_at=datetime.now(UTC).isoformat(timespec="seconds"),
        tool_version=cld.__version__,
    )
    return ValidationResult(summary=summary, issues=issues, rule_counts=rule_counts,
                            field_stats=stats, rules_run=list(plan.ran),
                            rules_skipped=[dict(s) for s in plan.skipped],
                            prepared=Prepared(con, spec, frozenset(present)))


def _field_stats(con: duckdb.DuckDBPyConnection, loaded: Loaded, spec: Spec,
                 present: set[str]) -> tuple[list[FieldStat], int | None]:
    """Completeness and validity of each item, and the number of people (one pass)."""
    ids = [i.id for i in spec.items if i.id in present]
    filled: dict[str, int] = {}
    people = None
    exprs = [f"count({q(i)})" for i in ids]
    if "person_id" in present:
        exprs.append("count(DISTINCT person_id)")
    if exprs:
        row = con.execute(f"SELECT {', '.join(exprs)} FROM prepared_base").fetchone()
        assert row is not None
        filled = dict(zip(ids, (int(x) for x in row[: len(ids)]), strict=True))
        if "person_id" in present:
            people = int(row[-1])
    codes = ", ".join(f"'{c}'" for c in VALUE_RULES)
    invalid = dict(con.execute(
        f"SELECT \"column\", count(DISTINCT row) FROM issues WHERE rule IN ({codes}) "
        "GROUP BY 1").fetchall())
    out = []
    for item in spec.items:
        # Items required only in some cases (by event type, age, ...) are "conditional":
        # a completeness below 100% is expected of them.
        requirement = ("conditional" if item.requirement == "mandatory"
                       and (item.condition or item.applies_to) else item.requirement)
        out.append(FieldStat(item.name, requirement, item.id in present, loaded.rows,
                             filled.get(item.id, 0), int(invalid.get(item.name, 0))))
    return out, people
