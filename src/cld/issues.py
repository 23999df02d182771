"""The one issue record: what every renderer, the store and every shell read.

A `Notice` is a finding raised before validation (while the file is read), named by its rule code
only; validation gives it the severity its rule declares, so a severity is written in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import pyarrow as pa

Severity = Literal["fatal", "error", "warning"]
SEVERITIES: tuple[Severity, ...] = ("fatal", "error", "warning")

# Column order of the issue record; `row` is the spreadsheet row (header = 1, first record = 2),
# `column` the specification name of the data item, `person` the Person Unique Identifier.
ISSUE_COLUMNS: tuple[str, ...] = (
    "row",
    "column",
    "rule",
    "severity",
    "value",
    "message",
    "person",
    "event_reference",
)

ISSUE_SCHEMA = pa.schema(
    [
        ("row", pa.int64()),
        ("column", pa.string()),
        ("rule", pa.string()),
        ("severity", pa.string()),
        ("value", pa.string()),
        ("message", pa.string()),
        ("person", pa.string()),
        ("event_reference", pa.string()),
    ]
)


@dataclass(frozen=True)
class Issue:
    """One finding. `row` is None for file-level findings (e.g. a missing column)."""

    rule: str
    severity: Severity
    message: str
    row: int | None = None
    column: str | None = None
    value: str | None = None
    person: str | None = None
    event_reference: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in ISSUE_COLUMNS}


@dataclass(frozen=True)
class Notice:
    """A finding named by rule code; `rated` makes it an Issue with the rule's severity."""

    rule: str
    message: str
    row: int | None = None
    column: str | None = None
    value: str | None = None

    def rated(self, severity: Severity) -> Issue:
        return Issue(self.rule, severity, self.message, row=self.row, column=self.column,
                     value=self.value)
