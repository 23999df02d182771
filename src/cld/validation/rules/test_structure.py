"""Tests for the structural rules (CLD101-CLD105), raised while reading the header."""

import csv
from dataclasses import replace
from pathlib import Path

import pytest

from cld.spec import load_spec
from cld.template import official_grid
from cld.validation.engine import validate
from cld.validation.registry import RULES
from cld.validation.testing import at, rows, write

FAIL_CODES = {"CLD101", "CLD102", "CLD103", "CLD104", "CLD105"}


def _run(tmp_path: Path, rename: dict[str, str | None]) -> list[dict]:
    data = rows()
    header = [rename.get(h, h) for h in data[0]]
    keep = [n for n, h in enumerate(header) if h is not None]
    path = tmp_path / "s.csv"
    names = [str(header[n]) for n in keep]
    write(path, [dict(zip(names, [list(r.values())[n] for n in keep], strict=True))
                 for r in data])
    return validate(path).issues.to_pylist()


def test_clean_header_has_no_structural_issue(tmp_path: Path) -> None:
    issues = _run(tmp_path, {})
    assert not [i for i in issues if i["rule"] in FAIL_CODES]


def test_missing_mandatory_column_is_fatal_and_other_rules_still_run(tmp_path: Path) -> None:
    issues = _run(tmp_path, {"Gender": None, "Postcode": None})
    assert at(issues, "CLD101") == {(1, "Gender"), (1, "Postcode")}
    assert all(i["severity"] == "fatal" for i in issues if i["rule"] == "CLD101")


def test_missing_voluntary_column_is_a_warning(tmp_path: Path) -> None:
    issues = _run(tmp_path, {"Dementia": None})
    assert at(issues, "CLD104") == {(1, "Dementia")}
    assert not at(issues, "CLD101")


def test_unknown_column_is_reported_and_ignored(tmp_path: Path) -> None:
    issues = _run(tmp_path, {"Dementia": "Favourite Colour"})
    assert (1, None) in at(issues, "CLD102")
    assert at(issues, "CLD104") == {(1, "Dementia")}


def test_alias_header_is_read_with_a_warning(tmp_path: Path) -> None:
    issues = _run(tmp_path, {"Unit Cost (£)": "Unit_Cost", "NHS Number": "nhs number"})
    assert at(issues, "CLD103") == {(1, "Unit Cost (£)"), (1, "NHS Number")}
    assert not at(issues, "CLD101") and not at(issues, "CLD104")


def test_qualifier_free_header_is_accepted(tmp_path: Path) -> None:
    d = "Delivery Mechanism (Long Term Community or Prison Only)"
    issues = _run(tmp_path, {d: "Delivery Mechanism"})
    assert at(issues, "CLD103") == {(1, d)}


def test_only_a_few_columns_still_runs_what_it_can(tmp_path: Path) -> None:
    keep = {"Person Unique Identifier", "Event Type", "Event Start Date", "Gender"}
    data = rows([{"Gender": "Femal"}])
    path = write(tmp_path / "few.csv", [{k: v for k, v in r.items() if k in keep} for r in data])
    result = validate(path)
    assert result.summary.fatal == sum(
        1 for i in result.issues.to_pylist() if i["rule"] == "CLD101")
    assert (2, "Gender") in at(result.issues.to_pylist(), "CLD302")
    assert "CLD502" in {s["rule"] for s in result.rules_skipped}  # no period in the file
    assert result.exit_code == 1


def test_header_issues_take_the_severity_their_rule_declares(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The severity of CLD101-104 is written once, in the registry; the reader names the code only.
    monkeypatch.setitem(RULES, "CLD104", replace(RULES["CLD104"], severity="error"))
    issues = _run(tmp_path, {"Dementia": None})
    assert {i["severity"] for i in issues if i["rule"] == "CLD104"} == {"error"}


def _block_file(tmp_path: Path, year: str) -> Path:
    """An official-layout CSV whose block says 2020/21 and whose Reporting Year column
    says `year` on every row."""
    grid = official_grid(load_spec(), rows())
    col = len(grid.rows[0]) + 1
    for n, r in enumerate(grid.rows):
        r.extend(["", ""])
        r[col] = ("Reporting Year" if n == grid.header_row
                  else year if n >= grid.first_record else "")
    path = tmp_path / "official.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\r\n").writerows(grid.rows)
    return path


def test_block_and_column_that_differ_are_an_error_at_the_block_cell(tmp_path: Path) -> None:
    issues = validate(_block_file(tmp_path, "2021/22")).issues.to_pylist()
    assert at(issues, "CLD105") == {(6, "Reporting Year")}  # the block's row 6, cell E6
    assert [i["severity"] for i in issues if i["rule"] == "CLD105"] == ["error"]


def test_block_and_column_that_agree_are_fine(tmp_path: Path) -> None:
    assert validate(_block_file(tmp_path, "2020/21")).issues.num_rows == 0
