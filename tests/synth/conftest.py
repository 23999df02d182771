"""Shared synthetic submissions (generated once per test session)."""

from __future__ import annotations

from datetime import date

import pytest

from cld.synth import SynthResult, generate

START, END = date(2020, 4, 1), date(2021, 3, 31)


@pytest.fixture(scope="session")
def clean() -> SynthResult:
    """About 20,000 rows, no defects."""
    return generate("503", START, END, people=4300, seed=5)


@pytest.fixture(scope="session")
def defective() -> SynthResult:
    """The same people and events as `clean`, with defects on 3% of the rows."""
    return generate("503", START, END, people=4300, seed=5, defects=0.03)
