"""Reading submissions: encodings, line endings, quoting, XLSX, and bad input (exit 2)."""

from __future__ import annotations

import io
from pathlib import Path

import polars as pl
import pytest

from cld.ingest import UnreadableFile
from cld.validation.engine import validate
from cld.validation.testing import rows, write


def _csv_text(data: list[dict[str, str]]) -> str:
    import csv

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(list(data[0]))
    for r in data:
        w.writerow(list(r.values()))
    return buf.getvalue()


NAME = [{"Last Name": "O’Brien-Ça"}] * 4  # curly apostrophe and a cedilla: not ASCII


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
def test_encodings_read_to_the_same_values(tmp_path: Path, encoding: str) -> None:
    path = write(tmp_path / "s.csv", rows(NAME), encoding=encoding)
    result = validate(path)
    assert result.summary.rows == 4
    assert result.summary.errors == 0 and result.summary.fatal == 0
    assert result.issues.num_rows == 0
    expected = {"utf-8": "utf-8", "utf-8-sig": "utf-8-sig", "cp1252": "cp1252",
                "utf-16": "utf-16"}[encoding]
    assert result.summary.encoding == expected


def test_cp1252_values_are_decoded(tmp_path: Path) -> None:
    data = rows([{"Gender": "Femal’e"}] + [{"Gender": "Femal’e"}] * 3)
    path = write(tmp_path / "s.csv", data, encoding="cp1252")
    values = {i["value"] for i in validate(path).issues.to_pylist() if i["rule"] == "CLD302"}
    assert values == {"Femal’e"}


def test_lf_line_endings_and_quoted_fields(tmp_path: Path) -> None:
    data = rows([{"Event Description": 'Home support, "double-up"\nsecond line'}])
    text = _csv_text(data).replace("\r\n", "\n")
    # the csv writer quotes the multi-line value; the row number counts records, not lines
    data2 = rows([{}, {"Gender": "X"}] )
    path = tmp_path / "s.csv"
    path.write_text(text, encoding="utf-8")
    assert validate(path).issues.num_rows == 0
    path.write_text(_csv_text(data) + _csv_text(data2).split("\r\n", 1)[1], encoding="utf-8")
    issues = validate(path).issues.to_pylist()
    assert {(i["row"], i["column"]) for i in issues if i["rule"] == "CLD302"} == {(7, "Gender")}


def test_xlsx_with_a_title_row_and_date_cells(tmp_path: Path) -> None:
    import xlsxwriter

    data = rows()
    path = tmp_path / "s.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Return")
    ws.write_string(0, 0, "Social Care Client Level Data - Collection Template")
    date_fmt = wb.add_format({"num_format": "dd/mm/yyyy"})
    from datetime import datetime

    for c, h in enumerate(data[0]):
        ws.write_string(2, c, h)
    for r, rec in enumerate(data, start=3):
        for c, (h, v) in enumerate(rec.items()):
            if h == "Event Start Date":
                ws.write_datetime(r, c, datetime.strptime(v, "%d/%m/%Y"), date_fmt)
            else:
                ws.write_string(r, c, v)
    ws.write_string(5, 11, "Femal")  # row index 5 is spreadsheet row 6 (Gender column)
    wb.close()
    result = validate(path)
    assert result.summary.format == "xlsx" and result.summary.rows == 4
    assert [(i["row"], i["column"]) for i in result.issues.to_pylist()
            if i["rule"] == "CLD302"] == [(6, "Gender")]
    assert not [i for i in result.issues.to_pylist() if i["rule"] == "CLD305"]


def test_xlsx_rows_count_leading_empty_rows(tmp_path: Path) -> None:
    import xlsxwriter

    data = rows([{}, {"Gender": "Femal"}])
    path = tmp_path / "lead.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    for c, h in enumerate(data[0]):
        ws.write_string(2, c, h)  # header on sheet row 3, rows 1-2 empty
    for r, rec in enumerate(data, start=3):
        for c, v in enumerate(rec.values()):
            ws.write_string(r, c, v)
    wb.close()
    issues = validate(path).issues.to_pylist()
    assert [(i["row"], i["column"]) for i in issues if i["rule"] == "CLD302"] == [(5, "Gender")]


def test_xlsx_written_by_polars_is_read(tmp_path: Path) -> None:
    path = tmp_path / "p.xlsx"
    pl.DataFrame(rows()).write_excel(path)
    result = validate(path)
    assert result.summary.rows == 4 and result.issues.num_rows == 0


def _bad(tmp_path: Path, name: str, content: bytes) -> UnreadableFile:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(UnreadableFile) as info:
        validate(path)
    return info.value


def test_empty_file(tmp_path: Path) -> None:
    assert "empty" in str(_bad(tmp_path, "e.csv", b""))


def test_whitespace_only_file(tmp_path: Path) -> None:
    assert "empty" in str(_bad(tmp_path, "e.csv", b"\r\n\r\n  \n"))


def test_header_only(tmp_path: Path) -> None:
    header = _csv_text(rows()).split("\r\n")[0] + "\r\n"
    err = _bad(tmp_path, "h.csv", header.encode())
    assert "no records" in str(err) and err.file == "h.csv"


def test_binary_junk(tmp_path: Path) -> None:
    err = _bad(tmp_path, "junk.csv", bytes(range(256)) * 50)
    assert "binary" in str(err)


def test_wrong_delimiter(tmp_path: Path) -> None:
    text = _csv_text(rows()).replace(",", ";")
    err = _bad(tmp_path, "semi.csv", text.encode())
    assert "semicolons" in str(err) and err.row == 1


def test_ragged_row(tmp_path: Path) -> None:
    lines = _csv_text(rows()).split("\r\n")
    lines[2] = lines[2].rsplit(",", 1)[0]  # the second record loses its last field
    err = _bad(tmp_path, "ragged.csv", "\r\n".join(lines).encode())
    assert err.row == 3 and "fields" in str(err)


def test_ten_megabyte_field(tmp_path: Path) -> None:
    data = rows([{"Event Description": "x" * 10_000_000}])
    err = _bad(tmp_path, "big.csv", _csv_text(data).encode())
    assert err.row == 2 and err.column is not None and "characters" in str(err)


def test_unclosed_quote(tmp_path: Path) -> None:
    text = _csv_text(rows()) + '503,"Lincolnshire\r\n'
    err = _bad(tmp_path, "q.csv", text.encode())
    assert err.row is not None


def test_duplicate_headers(tmp_path: Path) -> None:
    text = _csv_text(rows()).replace("Dementia", "NHS_Number", 1)
    err = _bad(tmp_path, "dup.csv", text.encode())
    assert "NHS Number" in str(err) and err.row == 1


def test_xlsx_that_is_not_one(tmp_path: Path) -> None:
    err = _bad(tmp_path, "fake.xlsx", _csv_text(rows()).encode())
    assert "not an Excel workbook" in str(err)


def test_zip_that_is_not_a_workbook(tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "z.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("hello.txt", "hi")
    with pytest.raises(UnreadableFile, match="ZIP archive"):
        validate(path)


def test_corrupt_xlsx(tmp_path: Path) -> None:
    err = _bad(tmp_path, "c.xlsx", b"PK\x03\x04" + b"\x00garbage" * 100)
    assert "workbook" in str(err) or "ZIP" in str(err)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFile, match="not found"):
        validate(tmp_path / "nope.csv")


def test_many_distinct_list_values_use_the_join_path(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from cld.validation import prepare

    monkeypatch.setattr(prepare, "MAP_LIMIT", 2)
    data = rows([{"Event Outcome": "Nope A"}, {"Event Outcome": "nope b"},
                 {}, {"Event Outcome": "no change in package"}])
    issues = validate(write(tmp_path / "s.csv", data)).issues.to_pylist()
    assert {(i["row"], i["rule"]) for i in issues if i["column"] == "Event Outcome"} == {
        (2, "CLD302"), (3, "CLD302"), (5, "CLD303")}


def test_xlsx_header_issues_are_reported_at_the_header_row(tmp_path: Path) -> None:
    import xlsxwriter

    data = rows()
    path = tmp_path / "h.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    ws.write_string(0, 0, "CLD return")
    header = [h if h != "Dementia" else "Favourite colour" for h in data[0]]
    for c, h in enumerate(header):
        ws.write_string(3, c, h)  # header on sheet row 4
    for r, rec in enumerate(data, start=4):
        for c, v in enumerate(rec.values()):
            ws.write_string(r, c, v)
    wb.close()
    issues = validate(path).issues.to_pylist()
    assert {(i["row"], i["rule"]) for i in issues} == {(4, "CLD102"), (4, "CLD104")}
