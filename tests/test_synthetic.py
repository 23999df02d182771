"""Synthetic submissions: clean files validate clean; every injected defect is reported."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import nhs_number
import polars as pl
import pytest

from cld.spec import load_spec
from cld.synth import (
    DEFECT_KINDS,
    generate,
    nhs_check_digit,
    write_manifest,
    write_submission,
)
from cld.validation.engine import validate

Y_START, Y_END = date(2020, 4, 1), date(2021, 3, 31)


@pytest.mark.parametrize(("seed", "end"), [(1, Y_END), (2, date(2020, 6, 30)),
                                           (3, date(2020, 12, 31))])
def test_clean_file_has_no_issue(tmp_path: Path, seed: int, end: date) -> None:
    result = generate("316", Y_START, end, people=1500, seed=seed)
    path = tmp_path / "clean.csv"
    write_submission(result, path)
    vr = validate(path, la_code="316")
    assert vr.summary.rows == result.rows.height
    assert vr.issues.num_rows == 0, vr.issues.slice(0, 5).to_pylist()


def test_every_injected_defect_is_reported_at_its_cell(tmp_path: Path) -> None:
    result = generate("503", Y_START, Y_END, people=3000, seed=7, defects=0.02)
    assert {m["rule"] for m in result.manifest} == set(DEFECT_KINDS)
    path = tmp_path / "defects.csv"
    write_submission(result, path)
    write_manifest(result, tmp_path / "m.json")
    assert json.loads((tmp_path / "m.json").read_text()) == result.manifest
    found = {(i["row"], i["column"], i["rule"]) for i in validate(path).issues.to_pylist()}
    missing = [m for m in result.manifest if (m["row"], m["column"], m["rule"]) not in found]
    assert missing == []
    # the manifest points at the cell holding the injected value
    for m in result.manifest[:50]:
        assert result.rows[m["row"] - 2, m["column"]] == m["value"]


def test_shape_people_and_identifiers() -> None:
    result = generate("503", Y_START, Y_END, people=800, seed=3)
    rows = result.rows
    assert rows.columns == [i.name for i in load_spec().items]
    person_cols = [i.name for i in load_spec().items
                   if i.person_level and i.id != "person_id"]
    per_person = rows.group_by("Person Unique Identifier").agg(
        [pl.col(c).n_unique().alias(c) for c in person_cols])
    assert all(per_person[c].max() == 1 for c in person_cols)
    numbers = rows["NHS Number"].unique().to_list()
    assert all(n.startswith("900") and nhs_number.is_valid(n) for n in numbers)
    assert rows.group_by("NHS Number").agg(
        pl.col("Person Unique Identifier").n_unique())["Person Unique Identifier"].max() == 1
    assert rows["Event Reference"].n_unique() == rows.height
    assert set(rows["Event Type"]) == {"Request", "Assessment", "Service", "Review"}


def test_deterministic_for_a_seed() -> None:
    a = generate("503", Y_START, Y_END, people=200, seed=11, defects=0.05)
    b = generate("503", Y_START, Y_END, people=200, seed=11, defects=0.05)
    assert a.rows.equals(b.rows) and a.manifest == b.manifest


@pytest.mark.parametrize(("fmt", "encoding"), [("xlsx", "utf-8"), ("csv", "cp1252"),
                                               ("csv", "utf-8-sig")])
def test_other_formats_validate_clean(tmp_path: Path, fmt: str, encoding: str) -> None:
    result = generate("503", Y_START, Y_END, people=150, seed=5)
    path = tmp_path / f"s.{fmt}"
    write_submission(result, path, fmt=fmt, encoding=encoding)
    vr = validate(path)
    assert vr.summary.rows == result.rows.height and vr.issues.num_rows == 0


def test_check_digit() -> None:
    assert nhs_check_digit("943476591") == 9
    assert nhs_check_digit("000000006") is None
