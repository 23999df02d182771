"""The result of a validation run (its issues have the record of cld.issues).

Every renderer (JSON, CSV, XLSX, HTML) and every shell (CLI, later web) reads this shape.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from cld.dates import ddmmyyyy, parse_ddmmyyyy
from cld.issues import Severity

if TYPE_CHECKING:  # no DuckDB for a reader of results (reports, stored results)
    from cld.validation.prepared import Prepared


#: The summary's keys, in the order its JSON gives them (after them: any `extra`).
_DATES = ("period_start", "period_end", "stated_period_start", "stated_period_end")


def _day(value: Any) -> date | None:
    """A dd/mm/yyyy summary date (or a date) as a date; None when absent."""
    if value is None or value == "" or isinstance(value, date):
        return value or None
    return parse_ddmmyyyy(str(value))


@dataclass(frozen=True)
class Summary:
    """What a validation run found, in a few typed fields (JSON: `as_dict()`).

    Dates are dates here and dd/mm/yyyy text in the JSON. Counts are None only in a summary
    built by hand that leaves them out (the renderers then count the issues).
    """

    file: str | None = None
    format: str | None = None  # csv / xlsx
    encoding: str | None = None
    spec_version: str | None = None
    la_code: str | None = None  # the one given, else the file's
    la_name: str | None = None
    dscro_region: str | None = None
    period_start: date | None = None  # the period checked against
    period_end: date | None = None
    # what the file itself states (most common values), whatever the user said
    stated_la_code: str | None = None
    stated_period_start: date | None = None
    stated_period_end: date | None = None
    present_items: tuple[str, ...] | None = None  # item ids of the columns found
    rows: int = 0
    people: int | None = None
    columns: int | None = None
    layout: str | None = None  # rows skipped around the header, block cells (None: plain)
    fatal: int | None = None
    errors: int | None = None
    warnings: int | None = None
    generated_at: str | None = None  # ISO 8601, UTC, to the second
    tool_version: str | None = None
    # keys this version does not know (a summary read back from elsewhere): kept and shown
    extra: Mapping[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """The JSON form: every field by name (dates as dd/mm/yyyy), then `extra`'s keys."""
        out: dict[str, Any] = {}
        for f in fields(self):
            if f.name == "extra":
                continue
            value = getattr(self, f.name)
            if f.name in _DATES:
                value = ddmmyyyy(value) or None
            elif f.name == "present_items" and value is not None:
                value = list(value)
            out[f.name] = value
        out.update(self.extra)
        return out

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any]) -> Summary:
        """The summary of a JSON form (`as_dict()`'s); unknown keys go to `extra`."""
        known = {f.name for f in fields(cls)} - {"extra"}
        kw: dict[str, Any] = {k: v for k, v in doc.items() if k in known}
        for k in _DATES:
            if k in kw:
                kw[k] = _day(kw[k])
        if kw.get("present_items") is not None:
            kw["present_items"] = tuple(kw["present_items"])
        if kw.get("rows") is None:
            kw.pop("rows", None)
        return cls(**kw, extra={k: v for k, v in doc.items() if k not in known})


@dataclass
class RuleCount:
    rule: str
    severity: Severity
    title: str
    count: int
    guidance: str = ""


@dataclass
class FieldStat:
    """Per data item: how complete and how valid the column is."""

    column: str
    requirement: str  # mandatory / voluntary
    present: bool  # the column was in the file
    rows: int
    filled: int  # non-blank cells
    invalid: int  # non-blank cells that failed a value rule (list, date, number, format)

    @property
    def completeness(self) -> float:
        return 0.0 if self.rows == 0 else self.filled / self.rows

    @property
    def validity(self) -> float:
        return 1.0 if self.filled == 0 else (self.filled - self.invalid) / self.filled


@dataclass
class ValidationResult:
    """What a validation run found.

    `issues` holds every finding (it can be millions of rows, so it is an Arrow table with
    ISSUE_SCHEMA, sorted by row then column); `summary` is small (`summary.as_dict()` is its
    JSON).
    """

    summary: Summary
    issues: pa.Table
    rule_counts: list[RuleCount] = field(default_factory=list)
    field_stats: list[FieldStat] = field(default_factory=list)
    rules_run: list[str] = field(default_factory=list)
    rules_skipped: list[dict[str, str]] = field(default_factory=list)  # {"rule", "reason"}
    # The typed view of the file, on its connection: set by validate(), None for a result
    # read back from the store or built by hand. Not part of any report.
    prepared: Prepared | None = field(default=None, repr=False, compare=False)

    @property
    def errors(self) -> int:
        return (self.summary.errors or 0) + (self.summary.fatal or 0)

    @property
    def exit_code(self) -> int:
        """0 when nothing worse than warnings was found, 1 otherwise."""
        return 1 if self.errors else 0
