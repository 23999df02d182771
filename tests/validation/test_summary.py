"""The typed summary of a validation: its JSON form is the JSON report's summary."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from cld.reports import write_json
from cld.validation.engine import validate
from cld.validation.result import Summary
from cld.validation.testing import rows, write

# The keys, in order, that the JSON report's summary has had (docs and users rely on them).
KEYS = ["file", "format", "encoding", "spec_version", "la_code", "la_name", "dscro_region",
        "period_start", "period_end", "stated_la_code", "stated_period_start",
        "stated_period_end", "present_items", "rows", "people", "columns", "layout", "fatal",
        "errors", "warnings", "generated_at", "tool_version"]


def test_as_dict_is_the_json_reports_summary(tmp_path: Path) -> None:
    result = validate(write(tmp_path / "f.csv", rows([{"Gender": "Mail"}])))
    s = result.summary
    severities = [i["severity"] for i in result.issues.to_pylist()]
    assert s.errors == severities.count("error") > 0 and s.fatal == severities.count("fatal")
    assert (s.rows, s.people, s.la_code, s.format) == (4, 1, "503", "csv")
    assert (s.period_start, s.stated_period_end) == (date(2020, 4, 1), date(2021, 3, 31))
    assert s.stated_period_start == date(2020, 4, 1) and s.file == "f.csv"
    assert s.layout is None and s.present_items is not None and "gender" in s.present_items
    write_json(result, tmp_path / "r.json")
    doc = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["summary"]
    assert list(s.as_dict()) == KEYS
    assert list(doc) == [*KEYS, "rules_run", "rules_skipped", "rule_counts"]
    assert {k: doc[k] for k in KEYS} == s.as_dict()
    assert doc["period_start"] == "01/04/2020" and doc["stated_period_end"] == "31/03/2021"
    assert isinstance(doc["present_items"], list)


def test_from_dict_round_trips_and_keeps_unknown_keys() -> None:
    doc = {"file": "f.csv", "period_end": "31/03/2021", "rows": 3, "errors": 2,
           "present_items": ["gender"], "layout": "Skipped rows 1-2.", "later_key": [1]}
    s = Summary.from_dict(doc)
    assert s.period_end == date(2021, 3, 31) and s.present_items == ("gender",)
    assert s.extra == {"later_key": [1]} and s.fatal is None
    back = s.as_dict()
    assert {k: back[k] for k in doc} == doc
    assert list(back)[-1] == "later_key"  # unknown keys come after the known ones
    assert Summary.from_dict(back) == s


def test_a_key_named_extra_in_a_document_is_kept_as_an_unknown_key() -> None:
    s = Summary.from_dict({"rows": 3, "extra": "from a later version"})
    assert (s.rows, dict(s.extra)) == (3, {"extra": "from a later version"})
    assert s.as_dict()["extra"] == "from a later version"


def test_progress_names_each_step(tmp_path: Path) -> None:
    steps: list[str] = []
    result = validate(write(tmp_path / "f.csv", rows([{}, {}])), progress=steps.append)
    assert steps == ["Reading the file", f"Parsing {result.summary.rows:,} rows",
                     "Checking the rules", "Summarising"]


def test_a_clean_file_counts_no_errors(tmp_path: Path) -> None:
    s = validate(write(tmp_path / "clean.csv", rows([{}]))).summary
    assert (s.fatal, s.errors) == (0, 0)
