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


@pytest.fixture
def fail(tmp_path: Path):  # type: ignore[no-untyped-def]
    return lambda case: run_fail(tmp_path, case)


@pytest.fixture
def passes(tmp_path: Path):  # type: ignore[no-untyped-def]
    return lambda case: run_pass(tmp_path, case)
