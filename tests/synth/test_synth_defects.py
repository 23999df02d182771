"""Injected defects: where they go, what the manifest says, and that the validator agrees."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import polars as pl

from cld.spec import load_spec
from cld.synth import (
    DEFECT_KINDS,
    SynthResult,
    generate,
    nhs_valid,
    write_manifest,
    write_submission,
)

from .conftest import END, START

NAME = {i.id: i.name for i in load_spec().items}


def test_manifest_points_at_the_injected_cells(defective: SynthResult) -> None:
    rows = defective.rows
    assert defective.manifest
    for m in defective.manifest:
        assert rows[m["row"] - 2, m["column"]] == m["value"], m
        assert set(m) == {"row", "column", "rule", "value", "note"}


def test_one_defect_per_row_spread_evenly(defective: SynthResult) -> None:
    rows = [m["row"] for m in defective.manifest]
    assert len(rows) == len(set(rows))
    assert len(rows) == round(defective.rows.height * 0.03)
    counts = Counter(m["rule"] for m in defective.manifest)
    assert set(counts) == set(DEFECT_KINDS)
    assert max(counts.values()) - min(counts.values()) <= 1


def test_defects_are_the_kinds_described(defective: SynthResult, clean: SynthResult) -> None:
    rows, before = defective.rows, clean.rows
    pid = NAME["person_id"]
    singles = set(before.group_by(pid).len().filter(pl.col("len") == 1)[pid])
    flagged = {m["row"] for m in defective.manifest}
    for m in defective.manifest:
        i, rule, value = m["row"] - 2, m["rule"], m["value"]
        row = before.row(i, named=True)
        if rule == "CLD302":
            assert value == "Invalid value" and row[m["column"]] != ""
        elif rule == "CLD305":
            assert m["column"] == NAME["event_start"]
        elif rule == "CLD306":
            assert m["column"] == NAME["unit_cost"] and row[m["column"]] != ""
        elif rule in ("CLD501", "CLD502", "CLD401"):
            assert row[NAME["event_end"]] != ""  # an ended event
        elif rule == "CLD402":
            assert row[NAME["event_type"]] == "Request" and value == ""
        elif rule == "CLD406":
            assert row[NAME["event_type"]] == "Review" and value == ""
        elif rule == "CLD603":
            assert value == rows[i - 1, NAME["event_reference"]]
            assert m["row"] - 1 not in flagged  # the copied row is left alone
        elif rule in ("CLD308", "CLD311"):
            assert row[pid] in singles
            if rule == "CLD308":
                assert len(value) == 10 and value[:9] == row[NAME["nhs_number"]][:9]
                assert not nhs_valid(value)


def test_restricted_kinds() -> None:
    r = generate("503", START, END, people=400, seed=2, defects=0.02,
                 defect_kinds=["CLD402", "CLD311"])
    assert {m["rule"] for m in r.manifest} == {"CLD402", "CLD311"}


def test_validator_reports_every_defect_and_nothing_else(tmp_path: Path) -> None:
    """The validator raises each manifest rule at its cell, and nothing else anywhere (the
    file is the clean one plus the defects), except the CLD603 twin rows."""
    from cld.validation.engine import validate

    r = generate("316", START, END, people=600, seed=9, defects=0.05)
    path = write_submission(r, tmp_path / "d.csv")
    issues = validate(path, la_code="316").issues.to_pylist()
    found = {(i["row"], i["column"], i["rule"]) for i in issues}
    assert [m for m in r.manifest if (m["row"], m["column"], m["rule"]) not in found] == []
    expected = {(m["row"], m["column"], m["rule"]) for m in r.manifest}
    copied = {(m["row"] - 1, m["column"], "CLD603") for m in r.manifest if m["rule"] == "CLD603"}
    assert found - expected - copied == set()


def test_write_manifest(tmp_path: Path, defective: SynthResult) -> None:
    path = write_manifest(defective, tmp_path / "m.json")
    assert json.loads(path.read_text(encoding="utf-8")) == defective.manifest
