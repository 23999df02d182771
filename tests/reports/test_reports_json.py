from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from cld.issues import ISSUE_COLUMNS
from cld.reports import to_json_dict, write_json, write_report
from cld.validation.result import ValidationResult

SUMMARY_EXTRA_ORDER = ["rules_run", "rules_skipped", "rule_counts"]


def test_json_round_trip(result: ValidationResult, synthetic: Any, tmp_path: Path) -> None:
    path = tmp_path / "out" / "report.json"
    write_json(result, path)
    data = json.loads(path.read_text(encoding="utf-8"))

    assert set(data) == {"summary", "issues"}
    assert list(data["summary"]) == [*result.summary.as_dict(), *SUMMARY_EXTRA_ORDER]
    assert data["summary"]["la_code"] == "999"
    assert data["summary"]["some_future_key"] == {"nested": [1, 2]}
    assert data["summary"]["rules_run"] == result.rules_run
    assert data["summary"]["rules_skipped"] == synthetic.SKIPPED
    assert data["summary"]["rule_counts"][0] == {
        "rule": "S001",
        "severity": "fatal",
        "title": "Required column missing",
        "count": 1,
        "guidance": "Add the column to the file.",
    }

    assert len(data["issues"]) == len(synthetic.ISSUES)
    for record, issue in zip(data["issues"], synthetic.ISSUES, strict=True):
        assert list(record) == list(ISSUE_COLUMNS)
        assert record == issue.as_dict()  # raw values: JSON is not neutralised
    assert data["issues"][0]["row"] is None
    assert synthetic.UNICODE_NAME in path.read_text(encoding="utf-8")  # not \u-escaped

    assert to_json_dict(result) == data


def test_json_to_streams(result: ValidationResult) -> None:
    text_stream = io.StringIO()
    write_json(result, text_stream)
    binary_stream = io.BytesIO()
    write_json(result, binary_stream)
    assert not binary_stream.closed
    assert json.loads(text_stream.getvalue()) == json.loads(binary_stream.getvalue())


def test_json_empty(empty_result: ValidationResult, tmp_path: Path) -> None:
    path = tmp_path / "empty.json"
    write_report(empty_result, "json", path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["issues"] == []
    assert data["summary"]["errors"] == 0
    assert data["summary"]["rule_counts"] == []
