"""The result of a validation run (its issues have the record of cld.issues).

Every renderer (JSON, CSV, XLSX, HTML) and every shell (CLI, later web) reads this shape.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from cld.issues import Severity

if TYPE_CHECKING:  # no DuckDB for a reader of results (reports, stored results)
    from cld.validation.prepared import Prepared


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
    ISSUE_SCHEMA, sorted by row then column); `summary` is small and JSON-serialisable.
    """

    summary: dict[str, Any]
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
        return int(self.summary.get("errors", 0)) + int(self.summary.get("fatal", 0))

    @property
    def exit_code(self) -> int:
        """0 when nothing worse than warnings was found, 1 otherwise."""
        return 1 if self.errors else 0
