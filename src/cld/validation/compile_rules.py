"""Compile the rules (ibis expressions over the typed view) into a Plan of DuckDB SQL."""

from __future__ import annotations

import functools
import hashlib
import operator
from typing import Any

import duckdb
import ibis
import ibis.expr.operations as ops
import ibis.expr.types as ir

from cld.spec import Spec
from cld.validation import rules as _rules  # noqa: F401  (registers the rules)
from cld.validation.prepare import Bounds, q
from cld.validation.registry import RULES, Context, Finding, Rule


def rules_identity() -> str:
    """Which rule objects are registered now (a test may replace one)."""
    text = "|".join(f"{c}:{id(r)}:{id(r.check)}" for c, r in sorted(RULES.items()))
    return hashlib.sha256(text.encode()).hexdigest()


REGISTERED = rules_identity()  # the rules as the modules define them


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


def compile_plan(con: duckdb.DuckDBPyConnection, spec: Spec, present: set[str],
                 period: Bounds, cli: dict[str, str | None],
                 modal: dict[str, str | None]) -> dict[str, Any]:
    """Row rules: one projection computes each finding's condition w{n} (and, only where it
    is an expression, its value v{n} / message m{n}), keeping only rows with a hit, with the
    cell values the issues quote. Submission rules run over the few distinct submission
    values instead of every row."""
    icon = ibis.duckdb.from_connection(con)
    ctx = Context(icon.table("prepared"), spec, present, period, cli, modal)
    values_ctx = Context(icon.table("submission_values"), spec, present, period, cli, modal)
    ran: list[str] = []
    skipped: list[dict[str, str]] = []
    t = ctx.t
    cols: dict[str, ir.Value] = {"_row": t._row}
    if "person_id" in present:
        cols["_person"] = t.person_id
    if "event_reference" in present:
        cols["_ref"] = t.event_reference
    findings: list[tuple[int, str | None, str, str, str]] = []
    values: list[str] = []
    messages: list[str] = []
    for n, (r, f) in enumerate(_checks(ctx, False, ran, skipped), start=1):
        w = f.where.fill_null(False)
        cols[f"w{n}"] = w
        if f.value is not None:
            name = _field_name(f.value)
            if name is not None:
                cols.setdefault(f"c_{name}", t[name])  # kept for the rows with hits only
                values.append(f"WHEN {n} THEN CAST(f.{q('c_' + name)} AS VARCHAR)")
            else:
                cols[f"v{n}"] = ibis.ifelse(w, f.value.cast("string"), None)
                values.append(f"WHEN {n} THEN f.v{n}")
        if isinstance(f.message, str):
            text = f.message
        else:
            cols[f"m{n}"] = ibis.ifelse(w, f.message, None)
            messages.append(f"WHEN {n} THEN f.m{n}")
            text = ""
        column = spec.item(f.column).name if f.column else None
        findings.append((n, column, r.code, r.severity, text))
    value_issues = _value_issues(values_ctx, _checks(values_ctx, True, ran, skipped))
    # Only rows with at least one hit are kept: most rows of a good file have none.
    proj = t.select(**cols)
    if findings:
        any_hit = functools.reduce(operator.or_, (proj[f"w{m[0]}"] for m in findings))
        proj = proj.filter(any_hit)
    catalogue = {c: (r.severity, r.title, r.guidance) for c, r in RULES.items()}
    return dict(flags=ibis.to_sql(proj, dialect="duckdb"), findings=findings, values=values,
                messages=messages, value_issues=value_issues, ran=sorted(ran),
                skipped=skipped, catalogue=catalogue)  # the fields of plan.Plan
