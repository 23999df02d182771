"""Every rule has metadata, a failing test and a passing test; the docs match the code."""

from pathlib import Path

import pytest

from cld.catalogue import catalogue_csv, catalogue_markdown
from cld.validation.engine import validate
from cld.validation.registry import RULES
from cld.validation.rules import (
    test_conditional,
    test_dates,
    test_fields,
    test_people,
    test_reading,
    test_structure,
    test_submission,
)
from cld.validation.testing import rows, write

MODULES = (test_conditional, test_dates, test_fields, test_people, test_submission)
DOCS = Path(__file__).resolve().parents[4] / "docs"


def test_every_rule_has_metadata() -> None:
    for r in RULES.values():
        assert r.code.startswith("CLD") and len(r.code) == 6
        assert r.severity in {"fatal", "error", "warning"}
        assert r.title and r.guidance and r.spec_ref and r.family, r.code


def test_every_rule_has_a_failing_and_a_passing_case() -> None:
    raised_on_reading = test_structure.FAIL_CODES | test_reading.FAIL_CODES
    failing = {c[0] for m in MODULES for c in m.FAIL} | raised_on_reading
    passing = {c[0] for m in MODULES for c in m.PASS} | raised_on_reading
    assert set(RULES) - failing == set()
    assert set(RULES) - passing == set()


def test_docs_catalogue_is_generated_from_the_rules() -> None:
    assert (DOCS / "rules.md").read_text(encoding="utf-8") == catalogue_markdown()
    assert (DOCS / "rules.csv").read_text(encoding="utf-8") == catalogue_csv()


@pytest.mark.parametrize("name", ["Event Type", "Event Start Date", "Person Unique Identifier",
                                  "Service Type", "Service Component", "Full cost client",
                                  "Date of Death", "Event End Date", "NHS Number",
                                  "Event Outcome"])
def test_rules_skip_cleanly_when_a_column_they_read_is_missing(tmp_path: Path,
                                                                name: str) -> None:
    data = [{k: v for k, v in r.items() if k != name} for r in rows()]
    result = validate(write(tmp_path / "case.csv", data))
    assert result.summary.rows == 4
    assert any(name in s["reason"] for s in result.rules_skipped)
