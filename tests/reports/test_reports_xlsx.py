from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from cld.reports import write_report, write_xlsx
from cld.validation.result import ValidationResult

SHEETS = ["Summary", "Fields", "Issues"]


def read(path: Path, sheet: str, has_header: bool = True) -> pl.DataFrame:
    return pl.read_excel(
        path, sheet_name=sheet, engine="calamine", has_header=has_header, infer_schema_length=0
    )


def all_text(df: pl.DataFrame) -> list[str]:
    return [str(v) for col in df.iter_columns() for v in col.to_list() if v is not None]


def test_xlsx_sheets_and_issues(result: ValidationResult, synthetic: Any, tmp_path: Path) -> None:
    path = tmp_path / "report.xlsx"
    write_xlsx(result, path)
    sheets = pl.read_excel(path, sheet_id=0, engine="calamine")
    assert list(sheets) == SHEETS

    issues = read(path, "Issues")
    assert issues.columns == [
        "Row",
        "Column",
        "Rule",
        "Severity",
        "Value",
        "Message",
        "Person",
        "Event reference",
    ]
    assert issues.height == len(synthetic.ISSUES)
    values = issues["Value"].to_list()
    assert "'" + synthetic.FORMULA in values
    assert synthetic.FORMULA not in values
    assert synthetic.SCRIPT in values
    assert synthetic.UNICODE_NAME in values
    assert issues["Rule"].to_list() == [i.rule for i in synthetic.ISSUES]

    summary_text = all_text(read(path, "Summary", has_header=False))
    assert "synthetic_test_submission.csv" in summary_text
    assert "Testshire (synthetic) (999)" in summary_text
    assert "Add the column to the file." in summary_text  # guidance
    assert "C200" in summary_text and "No Service events in the file" in summary_text
    assert not any("full list is in the CSV" in t for t in summary_text)

    fields = read(path, "Fields")
    assert fields["Data item"].to_list() == ["Gender", "Client Type", "Event Reference"]
    assert [float(v) for v in fields["Completeness"].to_list()] == pytest.approx([0.8, 1.0, 0.0])
    assert [float(v) for v in fields["Validity"].to_list()] == pytest.approx([0.5, 1.0, 1.0])


def test_xlsx_cap_note(result: ValidationResult, tmp_path: Path) -> None:
    path = tmp_path / "capped.xlsx"
    write_xlsx(result, path, max_detail_rows=2)
    assert read(path, "Issues").height == 2
    summary_text = all_text(read(path, "Summary", has_header=False))
    notes = [t for t in summary_text if "full list is in the CSV report" in t]
    assert notes == [
        "The Issues sheet lists the first 2 of 6 issues. The full list is in the CSV report."
    ]


def test_xlsx_summary_cells_neutralised(synthetic: Any, tmp_path: Path) -> None:
    result = synthetic.make_result()
    result.summary = replace(result.summary, file="=evil.csv")
    path = tmp_path / "r.xlsx"
    write_xlsx(result, path)
    assert "'=evil.csv" in all_text(read(path, "Summary", has_header=False))


def test_xlsx_empty(empty_result: ValidationResult, tmp_path: Path) -> None:
    path = tmp_path / "empty.xlsx"
    write_report(empty_result, "xlsx", path)
    assert list(pl.read_excel(path, sheet_id=0, engine="calamine")) == SHEETS
    assert read(path, "Issues").height == 0
    summary_text = all_text(read(path, "Summary", has_header=False))
    assert "No issues were found." in summary_text
    assert any("would be accepted" in t for t in summary_text)
