"""Shared runner for the rule tests beside each rule family.

Each family test module defines FAIL and PASS case lists:
  (rule code, per-row overrides, extra rows, validate() keyword arguments, expected cells)
FAIL cases must raise the rule at exactly the expected (row, column) cells (`AtLeast(...)`
where other hits of the rule are expected too and named in a comment); PASS cases are near
misses that must not raise it at all, and carry an empty expected set. Every hit of every rule
must have the severity written in test_severity.SEVERITY.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cld.validation.rules.test_severity import SEVERITY
from cld.validation.testing import at, issues_for

Case = tuple[str, list[dict[str, str]], list[dict[str, str]], dict[str, str], set[Any]]


class AtLeast(set[Any]):
    """Expected cells of a FAIL case whose data also raises the rule elsewhere."""


def check_severities(issues: list[dict[str, Any]]) -> None:
    """Every hit has the severity the table gives its rule (and every rule has an entry)."""
    for i in issues:
        assert i["rule"] in SEVERITY, f"{i['rule']} has no entry in test_severity.SEVERITY"
        assert i["severity"] == SEVERITY[i["rule"]], (
            f"{i['rule']} raised as {i['severity']}, the table says {SEVERITY[i['rule']]}")


def run_fail(tmp_path: Path, case: Case) -> None:
    code, overrides, extra, kwargs, expected = case
    assert code in SEVERITY, f"{code} has no entry in test_severity.SEVERITY"
    issues = issues_for(tmp_path, overrides, extra, **kwargs)
    check_severities(issues)
    found = at(issues, code)
    if isinstance(expected, AtLeast):
        assert expected < found, f"{code}: expected more than {set(expected)}, found {found}"
    else:
        assert expected == found, f"{code}: expected exactly {expected}, found {found}"


def run_pass(tmp_path: Path, case: Case) -> None:
    code, overrides, extra, kwargs, expected = case
    assert code in SEVERITY, f"{code} has no entry in test_severity.SEVERITY"
    assert expected == set(), f"{code}: a passing case cannot expect hits ({expected})"
    issues = issues_for(tmp_path, overrides, extra, **kwargs)
    check_severities(issues)
    assert not at(issues, code), f"{code} raised on a passing case: {at(issues, code)}"


def cells(column: str, *rows: int) -> set[tuple[int, str]]:
    """Expected hits in one column: the given rows, or all four rows of the sample."""
    return {(r, column) for r in rows or (2, 3, 4, 5)}


def each(**kv: str) -> list[dict[str, str]]:
    """The same overrides on all four rows of the sample person."""
    return [dict(kv) for _ in range(4)]


def make_tests(fail: list[Case], passing: list[Case]):  # type: ignore[no-untyped-def]
    """The two parametrised tests of a family module: `test_fails, test_passes = ...`."""

    @pytest.mark.parametrize("case", fail, ids=lambda c: c[0])
    def test_fails(tmp_path: Path, case: Case) -> None:
        run_fail(tmp_path, case)

    @pytest.mark.parametrize("case", passing, ids=lambda c: c[0])
    def test_passes(tmp_path: Path, case: Case) -> None:
        run_pass(tmp_path, case)

    return test_fails, test_passes
