"""Run every rule over a submission and collect one issue table."""

from __future__ import annotations

import functools
import operator
import os
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import duckdb
import ibis
import ibis.expr.operations as ops
import ibis.expr.types as ir
import pyarrow as pa

import cld
from cld.dates import ddmmyyyy, parse_ddmmyyyy
from cld.ingest import Loaded, load_submission
from cld.issues import ISSUE_SCHEMA
from cld.spec import DEFAULT_VERSION, Spec, load_spec
from cld.spec.register import all_las
from cld.validation import rules as _rules  # noqa: F401  (registers the rules)
from cld.validation.prepare import Bounds, prepare, q
from cld.validation.registry import RULES, Context, Finding, Rule
from cld.validation.result import FieldStat, RuleCount, ValidationResult

# Rules whose findings mean "this cell's value is not valid" (for per-field validity).
VALUE_RULES = ("CLD302", "CLD305", "CLD306", "CLD308", "CLD309", "CLD311")


def connect(memory_limit: str | None = None,
            threads: int | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with explicit limits (env CLD_MEMORY_LIMIT, CLD_THREADS)."""
    con = duckdb.connect()
    limit = memory_limit or os.environ.get("CLD_MEMORY_LIMIT", "2GB")
    con.execute(f"SET memory_limit = '{limit}'")
    if threads or os.environ.get("CLD_THREADS"):
        con.execute(f"SET threads = {int(threads or os.environ['CLD_THREADS'])}")
    con.execute("SET preserve_insertion_order = true")
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


def _field_name(expr: ir.Value) -> str | None:
    op = expr.op()
    return op.name if isinstance(op, ops.Field) else None


def _checks(ctx: Context, per_value: bool, ran: list[str],
            skipped: list[dict[str, str]]) -> list[tuple[Rule, Finding]]:
    out = []
    for code in sorted(RULES):
        r = RULES[code]
        if r.check is None or r.per_value != per_value:
            continue
        reason = r.skip_reason(ctx)
        if reason:
            skipped.append({"rule": code, "reason": reason})
            continue
        ran.append(code)
        out += [(r, f) for f in r.check(ctx)]
    return out


def _value_issues(ctx: Context, checks: list[tuple[Rule, Finding]]) -> str:
    """SQL for findings over the few distinct submission values: one issue per value."""
    t = ctx.t
    parts = []
    for r, f in checks:
        value = (f.value.cast("string") if f.value is not None
                 else ibis.literal(None, type="string"))
        col = ctx.spec.item(f.column).name if f.column else None
        aggs: dict[str, ir.Value] = {"row": t._row.min()}
        if not isinstance(f.message, str):
            aggs["message"] = f.message.min()
        g = t.filter(f.where.fill_null(False)).group_by(value=value).agg(**aggs)
        msg = ibis.literal(f.message) if isinstance(f.message, str) else g.message
        parts.append(g.select(row=g.row, column=ibis.literal(col, type="string"),
                              rule=ibis.literal(r.code), severity=ibis.literal(r.severity),
                              value=g.value, message=msg,
                              person=ibis.literal(None, type="string"),
                              event_reference=ibis.literal(None, type="string")))
    if not parts:
        return ("SELECT NULL::BIGINT, NULL::VARCHAR, NULL::VARCHAR, NULL::VARCHAR, "
                "NULL::VARCHAR, NULL::VARCHAR, NULL::VARCHAR, NULL::VARCHAR LIMIT 0")
    return ibis.to_sql(ibis.union(*parts) if len(parts) > 1 else parts[0], dialect="duckdb")


def run_rules(ctx: Context, values_ctx: Context,
              con: duckdb.DuckDBPyConnection) -> tuple[list[str], list[dict[str, str]]]:
    """Evaluate every finding and leave the issues in TEMP TABLE rule_issues.

    Row rules: one ibis projection computes each finding's condition w{i} (and, only where
    it is an expression, its value v{i} / message m{i}) into TEMP TABLE flags; a union of
    tiny scans of flags lists the hits (row, finding). flags keeps only rows with a hit,
    with the cell values the issues quote. Submission rules run over the few distinct
    submission values instead of every row.
    """
    ran: list[str] = []
    skipped: list[dict[str, str]] = []
    t = ctx.t
    cols: dict[str, ir.Value] = {"_row": t._row}
    if "person_id" in ctx.present:
        cols["_person"] = t.person_id
    if "event_reference" in ctx.present:
        cols["_ref"] = t.event_reference
    meta: list[tuple[int, str | None, str, str, str]] = []
    value_sql: list[str] = []
    message_sql: list[str] = []
    for n, (r, f) in enumerate(_checks(ctx, False, ran, skipped), start=1):
        w = f.where.fill_null(False)
        cols[f"w{n}"] = w
        if f.value is not None:
            name = _field_name(f.value)
            if name is not None:
                cols.setdefault(f"c_{name}", t[name])  # kept for the rows with hits only
                value_sql.append(f"WHEN {n} THEN CAST(f.{q('c_' + name)} AS VARCHAR)")
            else:
                cols[f"v{n}"] = ibis.ifelse(w, f.value.cast("string"), None)
                value_sql.append(f"WHEN {n} THEN f.v{n}")
        if isinstance(f.message, str):
            text = f.message
        else:
            cols[f"m{n}"] = ibis.ifelse(w, f.message, None)
            message_sql.append(f"WHEN {n} THEN f.m{n}")
            text = ""
        column = ctx.spec.item(f.column).name if f.column else None
        meta.append((n, column, r.code, r.severity, text))
    values_sql = _value_issues(values_ctx, _checks(values_ctx, True, ran, skipped))
    # Only rows with at least one hit are kept: most rows of a good file have none.
    proj = t.select(**cols)
    if meta:
        any_hit = functools.reduce(operator.or_, (proj[f"w{m[0]}"] for m in meta))
        proj = proj.filter(any_hit)
    con.execute("CREATE OR REPLACE TEMP TABLE flags AS " + ibis.to_sql(proj, dialect="duckdb"))
    con.execute("CREATE OR REPLACE TEMP TABLE finding_meta (fid INTEGER, \"column\" VARCHAR, "
                "rule VARCHAR, severity VARCHAR, message VARCHAR)")
    if meta:
        con.executemany("INSERT INTO finding_meta VALUES (?, ?, ?, ?, ?)",
                        [list(m) for m in meta])
    hits = " UNION ALL ".join(f"SELECT _row, {i} AS fid FROM flags WHERE w{i}"
                              for i in range(1, len(meta) + 1))
    hits = hits or "SELECT 0::BIGINT AS _row, 0 AS fid LIMIT 0"
    value = f"CASE h.fid {' '.join(value_sql)} END" if value_sql else "NULL"
    message = (f"coalesce(CASE h.fid {' '.join(message_sql)} END, m.message)" if message_sql
               else "m.message")
    person = "f._person" if "person_id" in ctx.present else "NULL"
    ref = "f._ref" if "event_reference" in ctx.present else "NULL"
    con.execute(f"CREATE OR REPLACE TEMP TABLE hits AS {hits}")  # exact size for the join
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE rule_issues AS
        SELECT h._row AS row, m."column", m.rule, m.severity, {value} AS value,
               {message} AS message, {person} AS person, {ref} AS event_reference
        FROM hits h JOIN finding_meta m ON m.fid = h.fid
               JOIN flags f ON f._row = h._row
        UNION ALL
        SELECT * FROM ({values_sql})
    """)
    con.execute("DROP TABLE flags")
    con.execute("DROP TABLE hits")
    return sorted(ran), skipped


def validate(path: str | Path, *, la_code: str | None = None, period_start: date | None = None,
             period_end: date | None = None, spec_version: str = DEFAULT_VERSION,
             con: duckdb.DuckDBPyConnection | None = None,
             display_name: str | None = None,
             progress: Callable[[str], None] | None = None) -> ValidationResult:
    """Validate one submission file. Raises cld.ingest.UnreadableFile when it cannot be read.

    `period_start`/`period_end`: the period the file is submitted for, when known.
    The views it builds (`prepared_base`, `prepared`) stay on `con` for the caller.
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
    icon = ibis.duckdb.from_connection(con)
    ctx = Context(icon.table("prepared"), spec, present, period, cli, modal)
    values_ctx = Context(icon.table("submission_values"), spec, present, period, cli, modal)
    step("Checking the rules")
    ran, skipped = run_rules(ctx, values_ctx, con)
    header = pa.Table.from_pylist([n.rated(RULES[n.rule].severity).as_dict()
                                   for n in loaded.headers.issues],
                                  schema=ISSUE_SCHEMA)
    con.register("header_issues", header)
    sources = ["SELECT * FROM header_issues", "SELECT * FROM rule_issues"]
    con.execute(
        "CREATE OR REPLACE TEMP TABLE issues AS SELECT row, \"column\", rule, severity, value, "
        f"message, person, event_reference FROM ({' UNION ALL '.join(sources)}) "
        "ORDER BY row NULLS FIRST, \"column\", rule")
    con.unregister("header_issues")
    step("Summarising")
    return _result(con, loaded, spec, ctx, ran, skipped)


def _result(con: duckdb.DuckDBPyConnection, loaded: Loaded, spec: Spec, ctx: Context,
            ran: list[str], skipped: list[dict[str, str]]) -> ValidationResult:
    issues = con.execute("SELECT * FROM issues").to_arrow_table().cast(ISSUE_SCHEMA)
    sev = dict(con.execute("SELECT severity, count(*) FROM issues GROUP BY 1").fetchall())
    counts = con.execute("SELECT rule, count(*) FROM issues GROUP BY 1 ORDER BY 2 DESC, 1")
    rule_counts = [RuleCount(code, RULES[code].severity, RULES[code].title, int(n),
                             RULES[code].guidance) for code, n in counts.fetchall()]
    stats = _field_stats(con, loaded, spec, ctx.present)
    people = None
    if "person_id" in ctx.present:
        row = con.execute("SELECT count(DISTINCT person_id) FROM prepared_base").fetchone()
        people = int(row[0]) if row else 0
    la = ctx.cli.get("la_code") or ctx.modal.get("la_code")
    reg = all_las().get(la or "")
    summary: dict[str, Any] = {
        "file": loaded.file,
        "format": loaded.format,
        "encoding": loaded.encoding,
        "spec_version": spec.version,
        "la_code": la,
        "la_name": reg.name if reg else ctx.modal.get("la_name"),
        "dscro_region": reg.region if reg else None,
        "period_start": ddmmyyyy(ctx.period.start) or None,
        "period_end": ddmmyyyy(ctx.period.end) or None,
        # what the file itself states (most common values), whatever the user said
        "stated_la_code": ctx.modal.get("la_code"),
        "stated_period_start": ddmmyyyy(_day(ctx.modal.get("period_start"))) or None,
        "stated_period_end": ddmmyyyy(_day(ctx.modal.get("period_end"))) or None,
        "present_items": sorted(ctx.present),
        "rows": loaded.rows,
        "people": people,
        "columns": len(loaded.headers.headers),
        "layout": loaded.layout.note(),  # rows skipped around the header, block cells
        "fatal": int(sev.get("fatal", 0)),
        "errors": int(sev.get("error", 0)),
        "warnings": int(sev.get("warning", 0)),
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "tool_version": cld.__version__,
    }
    return ValidationResult(summary=summary, issues=issues, rule_counts=rule_counts,
                            field_stats=stats, rules_run=ran, rules_skipped=skipped)


def _field_stats(con: duckdb.DuckDBPyConnection, loaded: Loaded, spec: Spec,
                 present: set[str]) -> list[FieldStat]:
    ids = [i.id for i in spec.items if i.id in present]
    filled: dict[str, int] = {}
    if ids:
        row = con.execute("SELECT " + ", ".join(f"count({q(i)})" for i in ids)
                          + " FROM prepared_base").fetchone()
        assert row is not None
        filled = dict(zip(ids, (int(x) for x in row), strict=True))
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
    return out
