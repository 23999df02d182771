"""HTML report: one self-contained, offline, printable page (no scripts, no external files).

Rendered with Jinja2 (autoescape on, so every value from the submission is HTML-escaped);
charts are Altair specifications rendered to SVG by vl-convert and inlined. The page carries
a Content-Security-Policy that forbids scripts and any external fetch, as a second guard.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import jinja2
import polars as pl
from markupsafe import Markup

from cld.reports import charts
from cld.reports._common import (
    SEVERITY_LABEL,
    PathLike,
    ensure_parent,
    extra_summary_items,
    generated_text,
    issues_table,
    la_text,
    period_text,
    rule_counts,
    severity_counts,
    top_problems,
    verdict,
)
from cld.validation.result import RuleCount, ValidationResult

TEMPLATE = "report.html.j2"


@dataclass
class RuleSample:
    rule: RuleCount
    rows: list[dict[str, Any]]

    @property
    def capped(self) -> bool:
        return self.rule.count > len(self.rows)


@functools.cache  # one environment: its template is compiled once per process, not per report
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("cld.reports", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["num"] = lambda n: f"{n:,}" if isinstance(n, int) else ("" if n is None else n)
    env.filters["pct"] = lambda x: f"{x * 100:.1f}%"
    env.filters["severity"] = lambda s: SEVERITY_LABEL.get(s, s)
    return env


def _samples(result: ValidationResult, counts: list[RuleCount], per_rule: int) -> list[RuleSample]:
    """Up to `per_rule` issues (in file order) for each rule that found anything."""
    table = issues_table(result)
    if table.num_rows == 0 or per_rule <= 0:
        return []
    df = pl.from_arrow(table)
    assert isinstance(df, pl.DataFrame)
    head = df.filter(pl.int_range(pl.len()).over("rule") < per_rule)
    by_rule: dict[str | None, list[dict[str, Any]]] = {}
    for row in head.iter_rows(named=True):
        by_rule.setdefault(row["rule"], []).append(row)
    return [RuleSample(rc, by_rule[rc.rule]) for rc in counts if rc.rule in by_rule]


def render_html(result: ValidationResult, max_rows_per_rule: int = 50) -> str:
    """The HTML report as a string."""
    s = result.summary
    counts = rule_counts(result)
    per_rule_chart = charts.issues_per_rule_svg(counts)
    completeness_chart = charts.completeness_svg(result.field_stats)
    context = {
        "summary": s,
        "file": s.file or "Not known",
        "la": la_text(s),
        "period": period_text(s),
        "generated": generated_text(s),
        "spec_version": s.spec_version or "",
        "tool_version": s.tool_version or "",
        "rows": s.rows,
        "people": s.people,
        "extra": extra_summary_items(s),
        "verdict": verdict(result),
        "severity": severity_counts(result),
        "total_issues": result.issues.num_rows,
        "field_stats": result.field_stats,
        "top": top_problems(result),
        "rule_counts": counts,
        "rules_run": result.rules_run,
        "rules_skipped": result.rules_skipped,
        "titles": {rc.rule: rc.title for rc in counts},
        # vl-convert output: markup we generated from our own (escaped) data.
        "chart_rules": Markup(per_rule_chart) if per_rule_chart else None,
        "chart_fields": Markup(completeness_chart) if completeness_chart else None,
        "samples": _samples(result, counts, max_rows_per_rule),
        "max_rows_per_rule": max_rows_per_rule,
    }
    return _environment().get_template(TEMPLATE).render(**context)


def write_html(result: ValidationResult, path: PathLike, max_rows_per_rule: int = 50) -> None:
    """Write the HTML report to `path` (UTF-8)."""
    ensure_parent(path)
    html = render_html(result, max_rows_per_rule=max_rows_per_rule)
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(html)
