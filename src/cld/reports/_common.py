"""Helpers shared by the renderers: the normalised issue table, counts, verdict, labels."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from cld.issues import ISSUE_COLUMNS, ISSUE_SCHEMA, SEVERITIES, Severity
from cld.validation.result import RuleCount, Summary, ValidationResult

PathLike = str | os.PathLike[str]

#: Summary keys the renderers lay out themselves; any other key is shown as "other details".
KNOWN_SUMMARY_KEYS: frozenset[str] = frozenset(
    {
        "file",
        "spec_version",
        "la_code",
        "la_name",
        "period_start",
        "period_end",
        "rows",
        "people",
        "errors",
        "warnings",
        "fatal",
        "generated_at",
        "tool_version",
        "rules_run",
        "rules_skipped",
        "rule_counts",
        "field_stats",
    }
)

SEVERITY_ORDER: dict[str, int] = {s: i for i, s in enumerate(SEVERITIES)}
SEVERITY_LABEL: dict[str, str] = {"fatal": "Fatal", "error": "Error", "warning": "Warning"}


def issues_table(result: ValidationResult) -> pa.Table:
    """`result.issues` with exactly ISSUE_COLUMNS, in order, cast to ISSUE_SCHEMA.

    Missing columns become all-null, extra columns are dropped, so renderers can rely on
    the shape even if a producer built the table slightly differently.
    """
    table = result.issues
    n = table.num_rows
    arrays = []
    for fld in ISSUE_SCHEMA:
        if fld.name in table.column_names:
            col = table.column(fld.name)
            if col.type != fld.type:
                col = pc.cast(col, fld.type)
        else:
            col = pa.chunked_array([pa.nulls(n, fld.type)], type=fld.type)
        arrays.append(col)
    return pa.Table.from_arrays(arrays, schema=ISSUE_SCHEMA)


def severity_counts(result: ValidationResult) -> dict[str, int]:
    """Issue records by severity: from the summary when given, else counted from issues."""
    s = result.summary
    keys = {"fatal": "fatal", "error": "errors", "warning": "warnings"}
    counted: dict[str, int] | None = None
    out: dict[str, int] = {}
    for severity, key in keys.items():
        value = getattr(s, key)
        if value is None:
            if counted is None:
                counted = _count_severities(result)
            out[severity] = counted.get(severity, 0)
        else:
            out[severity] = _as_int(value)
    return out


def _count_severities(result: ValidationResult) -> dict[str, int]:
    if "severity" not in result.issues.column_names or result.issues.num_rows == 0:
        return {}
    counts = pc.value_counts(result.issues.column("severity"))
    return {
        str(v["values"]): int(v["counts"]) for v in counts.to_pylist() if v["values"] is not None
    }


def _as_int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def plural(n: int, word: str, plural_word: str | None = None) -> str:
    return f"{n:,} {word if n == 1 else (plural_word or word + 's')}"


@dataclass(frozen=True)
class Verdict:
    accepted: bool
    counts: str  # "2 errors, 5 warnings"
    outcome: str  # "the file would be accepted" / "the file has errors to fix"

    @property
    def text(self) -> str:
        return f"{self.counts} — {self.outcome}"


def verdict(result: ValidationResult) -> Verdict:
    c = severity_counts(result)
    parts = []
    if c["fatal"]:
        parts.append(plural(c["fatal"], "fatal problem"))
    parts.append(plural(c["error"], "error"))
    parts.append(plural(c["warning"], "warning"))
    accepted = c["fatal"] == 0 and c["error"] == 0
    outcome = "the file would be accepted" if accepted else "the file has errors to fix"
    return Verdict(accepted=accepted, counts=", ".join(parts), outcome=outcome)


def rule_counts(result: ValidationResult) -> list[RuleCount]:
    """Per-rule counts, ordered by severity (fatal first), then most issues, then rule.

    Uses `result.rule_counts`; rules that appear in the issues but not there are added
    (with an empty title) so the reports never under-state what was found.
    """
    counts = list(result.rule_counts)
    known = {rc.rule for rc in counts}
    table = result.issues
    if table.num_rows and {"rule", "severity"} <= set(table.column_names):
        grouped = table.group_by(["rule", "severity"]).aggregate([("rule", "count")])
        for row in grouped.to_pylist():
            rule = row["rule"]
            if rule is None or rule in known:
                continue
            severity: Severity = "error"
            for known_severity in SEVERITIES:
                if row["severity"] == known_severity:
                    severity = known_severity
            counts.append(RuleCount(rule, severity, "", int(row["rule_count"])))
            known.add(rule)
    return sorted(counts, key=lambda rc: (SEVERITY_ORDER.get(rc.severity, 9), -rc.count, rc.rule))


def top_problems(result: ValidationResult, n: int = 10) -> list[RuleCount]:
    """The `n` rules with most issues (ties: more severe first)."""
    found = [rc for rc in rule_counts(result) if rc.count > 0]
    found.sort(key=lambda rc: (-rc.count, SEVERITY_ORDER.get(rc.severity, 9), rc.rule))
    return found[:n]


def text(value: Any) -> str:
    """A summary value as display text ('' for None)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return f"{int(value):,}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    if isinstance(value, (dict, list, tuple)):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def la_text(summary: Summary) -> str:
    code, name = summary.la_code, summary.la_name
    if code and name:
        return f"{name} ({code})"
    return text(name or code) or "Not known"


def period_text(summary: Summary) -> str:
    shown = summary.as_dict()  # the dates as dd/mm/yyyy
    start, end = shown["period_start"], shown["period_end"]
    if start and end:
        return f"{start} to {end}"
    if start:
        return f"from {start}"
    if end:
        return f"to {end}"
    return "Not known"


def generated_text(summary: Summary) -> str:
    raw = summary.generated_at
    if not raw:
        return ""
    try:
        when = datetime.fromisoformat(str(raw))
    except ValueError:
        return str(raw)
    shown = when.strftime("%d %B %Y %H:%M").lstrip("0")
    if when.tzinfo is not None:
        shown += f" {when.tzname() or ''}".rstrip()
    return shown


LABELS = {"dscro_region": "DSCRO region", "la_code": "LA code", "la_name": "LA name"}


def extra_summary_items(summary: Summary) -> list[tuple[str, str]]:
    """Summary entries the renderers do not lay out themselves, as (label, text)."""
    items = []
    for key, value in summary.as_dict().items():
        if key in KNOWN_SUMMARY_KEYS or value is None:
            continue
        shown = text(value)
        if len(shown) > 500:
            shown = shown[:500] + "…"
        items.append((LABELS.get(key, key.replace("_", " ").capitalize()), shown))
    return items


def rule_titles(result: ValidationResult) -> dict[str, str]:
    return {rc.rule: rc.title for rc in result.rule_counts}


def ensure_parent(path: PathLike) -> None:
    parent = os.path.dirname(os.fspath(path))
    if parent:
        os.makedirs(parent, exist_ok=True)


__all__ = [
    "ISSUE_COLUMNS",
    "PathLike",
    "Verdict",
    "extra_summary_items",
    "issues_table",
    "la_text",
    "period_text",
    "rule_counts",
    "severity_counts",
    "top_problems",
    "verdict",
]
