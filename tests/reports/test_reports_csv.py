from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pyarrow as pa

from cld.issues import ISSUE_COLUMNS, ISSUE_SCHEMA
from cld.reports import write_csv, write_report
from cld.validation.result import ValidationResult


def read_rows(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 BOM for Excel"
    return list(csv.reader(io.StringIO(raw[3:].decode("utf-8"), newline="")))


def test_csv_all_rows_neutralised(result: ValidationResult, synthetic: Any, tmp_path: Path) -> None:
    path = tmp_path / "issues.csv"
    write_csv(result, path)
    rows = read_rows(path)

    assert rows[0] == list(ISSUE_COLUMNS)
    body = rows[1:]
    assert len(body) == len(synthetic.ISSUES)
    values = [r[ISSUE_COLUMNS.index("value")] for r in body]
    assert "'" + synthetic.FORMULA in values
    assert synthetic.FORMULA not in values
    assert "'-12.50" in values  # negative numbers are prefixed too (documented)
    assert synthetic.SCRIPT in values  # not a formula: left as it is
    assert synthetic.UNICODE_NAME in values
    assert body[0][0] == ""  # file-level issue: no row
    assert [r[0] for r in body[1:]] == ["2", "3", "4", "5", "6"]
    for row in body:  # no text cell can start a formula
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row)


def test_csv_text_columns_are_neutralised_too(tmp_path: Path, synthetic: Any) -> None:
    result = synthetic.make_result()
    result.issues = pa.Table.from_pylist(
        [
            {
                "row": 2,
                "column": "@col",
                "rule": "+R",
                "severity": "error",
                "value": "ok",
                "message": "=cmd|' /C calc'!A0",
                "person": "-TEST",
                "event_reference": "\tTEST",
            }
        ],
        schema=ISSUE_SCHEMA,
    )
    path = tmp_path / "i.csv"
    write_csv(result, path)
    row = read_rows(path)[1]
    assert row == ["2", "'@col", "'+R", "error", "ok", "'=cmd|' /C calc'!A0", "'-TEST", "'\tTEST"]


def test_csv_empty(empty_result: ValidationResult, tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    write_report(empty_result, "csv", path)
    assert read_rows(path) == [list(ISSUE_COLUMNS)]
