"""Shared runner for the rule tests beside each rule family.

Each family test module defines FAIL and PASS case lists:
  (rule code, per-row overrides, extra rows, validate() keyword arguments, expected cells)
FAIL cases must raise the rule at least at every expected (row, column); PASS cases are near
misses that must not raise it at all.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cld.validation.testing import at, issues_for

Case = tuple[str, list[dict[str, str]], list[dict[str, str]], dict[str, str], set[Any]]


def run_fail(tmp_path: Path, case: Case) -> None:
    code, overrides, extra, kwargs, expected = case
    found = at(issues_for(tmp_path, overrides, extra, **kwargs), code)
    assert expected <= found, f"{code}: expected {expected}, found {found}"


def run_pass(tmp_path: Path, case: Case) -> None:
    code, overrides, extra, kwargs, _ = case
    issues = issues_for(tmp_path, overrides, extra, **kwargs)
    assert not at(issues, code), f"{code} raised on a passing case: {at(issues, code)}"


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
