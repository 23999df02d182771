"""Tests for the rules raised while a file's text is read (CLD120)."""

from pathlib import Path

import pytest

from cld.validation.engine import validate
from cld.validation.testing import at, rows, write

FAIL_CODES = {"CLD120"}


def _mixed(tmp_path: Path, cp1252_rows: set[int]) -> Path:
    """The sample with accented last names, rows in `cp1252_rows` (spreadsheet numbers)
    encoded as Windows-1252 and the rest as UTF-8."""
    utf8 = write(tmp_path / "u.csv", rows([{"Last Name": "Zoë-Ça"}] * 4)).read_bytes()
    lines = utf8.decode("utf-8").split("\r\n")
    data = b"".join((line + "\r\n").encode("cp1252" if n in cp1252_rows else "utf-8")
                    for n, line in enumerate(lines[:-1], start=1))
    path = tmp_path / "mixed.csv"
    path.write_bytes(data)
    return path


def test_rows_in_the_minority_encoding_are_named_and_read_right(tmp_path: Path) -> None:
    result = validate(_mixed(tmp_path, {3}))
    issues = result.issues.to_pylist()
    assert at(issues, "CLD120") == {(3, "Last Name")}
    assert result.summary.encoding == "mixed: utf-8 and cp1252"
    # every row read as its own encoding: the same name everywhere, so no person conflict
    assert not at(issues, "CLD601")


def test_a_mostly_windows_1252_file_names_its_utf8_rows(tmp_path: Path) -> None:
    issues = validate(_mixed(tmp_path, {1, 2, 4, 5})).issues.to_pylist()
    found = [i for i in issues if i["rule"] == "CLD120"]
    assert [(i["row"], i["value"]) for i in found] == [(3, "Zoë-Ça")]
    assert "UTF-8 but the rest of the file is in Windows-1252" in found[0]["message"]


@pytest.mark.parametrize("encoding", ["utf-8", "cp1252"])
def test_a_file_in_one_encoding_has_no_issue(tmp_path: Path, encoding: str) -> None:
    path = write(tmp_path / "one.csv", rows([{"Last Name": "Zoë-Ça"}] * 4), encoding=encoding)
    result = validate(path)
    assert not at(result.issues.to_pylist(), "CLD120")
    assert result.summary.encoding == encoding
