"""A small, obviously synthetic ValidationResult built by hand for the renderer tests."""

from __future__ import annotations

from dataclasses import replace

import pyarrow as pa
import pytest

from cld.issues import ISSUE_SCHEMA, Issue
from cld.validation.result import FieldStat, RuleCount, Summary, ValidationResult

FORMULA = '=HYPERLINK("http://x")'
SCRIPT = "<script>alert('synthetic')</script>"
UNICODE_NAME = "O’Brien"

ISSUES = [
    Issue("S001", "fatal", "Required column Event Reference is missing", column="Event Reference"),
    Issue(
        "V010",
        "error",
        "Gender is not in the list",
        row=2,
        column="Gender",
        value=FORMULA,
        person="TEST-PERSON-0001",
        event_reference="TEST-EVT-0001",
    ),
    Issue(
        "V010",
        "error",
        "Gender is not in the list",
        row=3,
        column="Gender",
        value=SCRIPT,
        person="TEST-PERSON-0002",
        event_reference="TEST-EVT-0002",
    ),
    Issue(
        "V020",
        "warning",
        "Name-like text in a free-text field",
        row=4,
        column="Client Type",
        value=UNICODE_NAME,
        person="TEST-PERSON-0003",
        event_reference="TEST-EVT-0003",
    ),
    Issue(
        "V030",
        "error",
        "Unit cost must not be negative",
        row=5,
        column="Unit Cost",
        value="-12.50",
        person="TEST-PERSON-0004",
        event_reference="TEST-EVT-0004",
    ),
    Issue("V040", "warning", "Blank mandatory value", row=6, column="Gender", value=None),
]

RULE_COUNTS = [
    RuleCount("S001", "fatal", "Required column missing", 1, "Add the column to the file."),
    RuleCount("V010", "error", "Value not in list", 2, "Use a value from the CLD list."),
    RuleCount("V020", "warning", "Possible name in free text", 1, "Remove personal names."),
    RuleCount("V030", "error", "Negative cost", 1, "Enter the cost as a positive amount."),
    RuleCount("V040", "warning", "Blank value", 1, "Fill in the value."),
]

FIELD_STATS = [
    FieldStat("Gender", "mandatory", True, 5, 4, 2),
    FieldStat("Client Type", "voluntary", True, 5, 5, 0),
    FieldStat("Event Reference", "mandatory", False, 5, 0, 0),
]

SKIPPED = [
    {"rule": "C100", "reason": "Column Event Reference is missing"},
    {"rule": "C200", "reason": "No Service events in the file"},
]


def summary(errors: int = 2, warnings: int = 2, fatal: int = 1) -> Summary:
    return Summary.from_dict({
        "file": "synthetic_test_submission.csv",
        "spec_version": "v4.2",
        "la_code": "999",
        "la_name": "Testshire (synthetic)",
        "period_start": "01/04/2024",
        "period_end": "31/03/2025",
        "rows": 5,
        "people": 4,
        "errors": errors,
        "warnings": warnings,
        "fatal": fatal,
        "generated_at": "2025-05-01T09:30:00+00:00",
        "tool_version": "0.1.0",
        "some_future_key": {"nested": [1, 2]},
    })


def make_result(issues: list[Issue] | None = None) -> ValidationResult:
    records = ISSUES if issues is None else issues
    table = pa.Table.from_pylist([i.as_dict() for i in records], schema=ISSUE_SCHEMA)
    return ValidationResult(
        summary=summary(),
        issues=table,
        rule_counts=list(RULE_COUNTS) if issues is None else [],
        field_stats=list(FIELD_STATS),
        rules_run=["S001", "V010", "V020", "V030", "V040"],
        rules_skipped=list(SKIPPED),
    )


def make_empty_result() -> ValidationResult:
    result = make_result([])
    result.summary = replace(result.summary, errors=0, warnings=0, fatal=0)
    return result


@pytest.fixture
def result() -> ValidationResult:
    return make_result()


@pytest.fixture
def empty_result() -> ValidationResult:
    return make_empty_result()


class Synthetic:
    """Constants and builders, handed to tests as a fixture (no `import conftest`)."""

    FORMULA = FORMULA
    SCRIPT = SCRIPT
    UNICODE_NAME = UNICODE_NAME
    ISSUES = ISSUES
    SKIPPED = SKIPPED
    make_result = staticmethod(make_result)
    summary = staticmethod(summary)


@pytest.fixture
def synthetic() -> type[Synthetic]:
    return Synthetic
