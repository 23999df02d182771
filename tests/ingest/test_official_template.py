"""The official v4.2 workbook as an LA fills it, and the CSV Excel saves from it."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from cld.cli import app
from cld.ingest import map_headers
from cld.ingest.errors import column_letter
from cld.ingest.layout import find_layout
from cld.spec import load_spec
from cld.validation.engine import validate
from cld.validation.testing import at, rows, write
from tests.ingest.official import RECORDS, clean_records, excel_csv, grid, workbook

SKIPPED = ("row 1 (title)", "rows 3-8 (Submission Information)", "row 10 (group headings)",
           "row 11 (Mandatory/Voluntary)", "row 13 (data types)")


@pytest.fixture(scope="module")
def records() -> list[dict[str, str]]:
    return clean_records()


def _issues(path: Path) -> list[dict]:
    return validate(path).issues.to_pylist()


def test_filled_workbook_validates_with_no_issue(tmp_path: Path, records: list) -> None:
    result = validate(workbook(tmp_path / "cld.xlsx", records))
    assert result.issues.to_pylist() == []
    s = result.summary
    assert s.rows == RECORDS and s.format == "xlsx"
    assert (s.la_code, s.la_name) == ("503", "Lincolnshire")
    assert (s.period_start, s.period_end) == (date(2020, 4, 1), date(2021, 3, 31))
    assert {"la_code", "la_name", "reporting_year", "period_start",
            "period_end"} <= set(s.present_items or ())
    for part in SKIPPED:
        assert s.layout is not None and part in s.layout
    assert "LA Code E4" in s.layout and "Reporting Period End Date E8" in s.layout


def test_the_csv_excel_saves_validates_with_no_issue(tmp_path: Path, records: list) -> None:
    path = excel_csv(tmp_path / "cld.csv", grid(records).rows, trailing=6)
    raw = path.read_bytes()
    assert b"\r\n,,,,,," in raw and b"Unit Cost (\xa3)" in raw  # cp1252, CRLF, empty rows
    assert b'"Autism Spectrum Disorder\n(ASD)"' in raw  # a wrapped header cell
    result = validate(path)
    assert result.issues.to_pylist() == []
    assert result.summary.rows == RECORDS and result.summary.encoding == "cp1252"
    last = grid(records).first_record + RECORDS
    assert f"rows {last + 1}-{last + 6} (empty, at the end)" in result.summary.layout
    for part in SKIPPED:
        assert part in result.summary.layout


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_rows_are_reported_as_the_sheet_numbers_them(tmp_path: Path, records: list,
                                                     fmt: str) -> None:
    bad = [dict(r) for r in records]
    bad[5]["Gender"] = "Femal"
    bad[120]["Event Start Date"] = "31/02/2020"
    g = grid(bad)
    path = (workbook(tmp_path / "cld.xlsx", bad) if fmt == "xlsx"
            else excel_csv(tmp_path / "cld.csv", g.rows))
    issues = _issues(path)
    assert at(issues, "CLD302") == {(g.first_record + 6, "Gender")}
    assert (g.first_record + 121, "Event Start Date") in at(issues, "CLD305")
    if fmt == "xlsx":  # the sheet itself has the bad value on that row
        sheet = pl.read_excel(path, sheet_name="CLD Submission", has_header=False,
                              engine="calamine", drop_empty_rows=False,
                              read_options={"skip_rows": 0})
        assert "Femal" in sheet.row(g.first_record + 5)


def test_block_differs_from_a_column_is_an_issue_at_the_block_cell(tmp_path: Path,
                                                                    records: list) -> None:
    g = grid(records)
    extra = len(g.rows[0]) + 1  # an LA Code column added after the last item
    for n, r in enumerate(g.rows):
        r.extend(["", ""])
        if n == g.header_row:
            r[extra] = "LA Code"
        elif n >= g.first_record:
            k = n - g.first_record
            r[extra] = "318" if k in (3, 9) else ("" if k == 4 else "503")
    issues = _issues(excel_csv(tmp_path / "cld.csv", g.rows))
    found = [i for i in issues if i["rule"] == "CLD105"]
    assert [(i["row"], i["column"], i["severity"]) for i in found] == [(4, "LA Code", "error")]
    assert "cell E4" in found[0]["message"]
    assert f"rows {g.first_record + 4}, {g.first_record + 10}" in found[0]["message"]
    # the block's value applies to every row: nothing else is reported
    assert {i["rule"] for i in issues} == {"CLD105"}


def test_block_value_equal_to_every_column_value_is_fine(tmp_path: Path,
                                                         records: list) -> None:
    g = grid(records)
    extra = len(g.rows[0]) + 1
    for n, r in enumerate(g.rows):
        r.extend(["", ""])
        if n == g.header_row:
            r[extra] = "Reporting Period End Date"
        elif n >= g.first_record:
            r[extra] = "31/03/2021"
    assert _issues(excel_csv(tmp_path / "cld.csv", g.rows)) == []


def test_unfilled_block_value_is_named_at_its_cell(tmp_path: Path, records: list) -> None:
    g = grid(records)
    r, c = g.block_cells["la_code"]
    g.rows[r][c] = "e.g. 503"  # the template's example left in place
    issues = _issues(excel_csv(tmp_path / "cld.csv", g.rows))
    fatal = [i for i in issues if i["rule"] == "CLD101"]
    assert [(i["row"], i["column"]) for i in fatal] == [(r + 1, "LA Code")]
    assert f"cell {column_letter(c)}{r + 1}" in fatal[0]["message"]


def test_spacer_columns_are_quiet_but_a_headerless_column_with_data_is_not(
        tmp_path: Path, records: list) -> None:
    g = grid(records)
    spacer = g.item_columns["person_id"] + 1
    g.rows[g.first_record + 2][spacer] = "note"
    issues = _issues(excel_csv(tmp_path / "cld.csv", g.rows))
    assert [(i["rule"], i["row"]) for i in issues] == [("CLD102", g.header_row + 1)]
    assert f"Column {column_letter(spacer)} has no header" in issues[0]["message"]


def test_cli_template_is_the_official_layout_and_round_trips(tmp_path: Path,
                                                             records: list) -> None:
    out = tmp_path / "t.xlsx"
    result = CliRunner().invoke(app, ["template", "-f", "xlsx", "-o", str(out)])
    assert result.exit_code == 0, result.output
    sheets = pl.read_excel(out, sheet_id=0, engine="calamine", has_header=False,
                           drop_empty_rows=False, read_options={"skip_rows": 0})
    assert {"CLD Submission", "Lists", "Guidance", "LAs"} <= set(sheets)
    # the sheet as an LA sees it (column C onwards: A and B are empty margins)
    sheet = [["" if v is None else v for v in row] for row in sheets["CLD Submission"].rows()]
    g = grid(records)
    assert sheet[2][0] == "Submission Information"
    assert [row[0] for row in sheet[3:8]] == ["LA Code", "LA Name", "Reporting Year",
                                              "Reporting Period Start Date",
                                              "Reporting Period End Date"]
    assert sheet[g.header_row][0] == "Person Unique Identifier" and sheet[g.header_row][1] == ""
    assert sheet[g.header_row + 1][0] == "Integer or Alpha-numeric"
    assert len(sheet) == g.first_record  # no records yet
    # fill the written sheet in as an LA would, save it as CSV: no issue at all
    filled = [["", "", *row] for row in sheet]
    for k in range(5):
        filled[3 + k][4] = g.rows[3 + k][4]
    filled += [["", "", *row[2:]] for row in g.rows[g.first_record:]]
    assert _issues(excel_csv(tmp_path / "t.csv", filled)) == []


def test_blank_template_is_refused_clearly(tmp_path: Path) -> None:
    out = tmp_path / "t.xlsx"
    CliRunner().invoke(app, ["template", "-f", "xlsx", "-o", str(out)])
    result = CliRunner().invoke(app, ["validate", str(out)])
    assert result.exit_code == 2
    assert "no records" in result.output and "Traceback" not in result.output


def test_trailing_empty_rows_of_a_plain_csv_are_dropped(tmp_path: Path) -> None:
    path = write(tmp_path / "s.csv", rows())
    path.write_bytes(path.read_bytes() + (b"," * 44 + b"\r\n") * 3)
    result = validate(path)
    assert result.summary.rows == 4 and result.issues.num_rows == 0
    assert result.summary.layout == "Skipped rows 6-8 (empty, at the end)."


def test_plain_csv_has_no_layout_note(tmp_path: Path) -> None:
    result = validate(write(tmp_path / "s.csv", rows()))
    assert result.summary.layout is None


def test_a_row_below_the_header_that_is_not_layout_is_a_record() -> None:
    spec = load_spec()
    header = [i.name for i in spec.data_items]
    types = ["Text"] * len(header)
    odd = ["Text", "Female"] + [""] * (len(header) - 2)  # a record, whatever it looks like
    layout = find_layout([["CLD"], header, types, odd], spec)
    assert (layout.header_row, layout.first_row) == (2, 4)
    assert layout.skipped == [(1, "other"), (3, "types")]


def test_header_cells_with_line_breaks_are_read_as_the_names() -> None:
    spec = load_spec()
    names = [i.name for i in spec.items]
    wrapped = [n.replace(" ", "\n", 1) if len(n) > 15 else n for n in names]
    wrapped[names.index("Planned units per week")] = "Planned units \nper week"
    headers = map_headers(wrapped, spec, "f.csv")
    assert headers.issues == [] and headers.present == {i.id for i in spec.items}


def test_block_typed_as_a_number_and_dates_in_a_workbook(tmp_path: Path, records: list) -> None:
    """Excel keeps 503 as a number and 01/04/2020 as a date cell when an LA types them."""
    import xlsxwriter

    g = grid(records)
    typed = {"la_code": 503, "period_start": datetime(2020, 4, 1),
             "period_end": datetime(2021, 3, 31)}
    path = tmp_path / "typed.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Sheet1")
    day = wb.add_format({"num_format": "dd/mm/yyyy"})
    for r, cells in enumerate(g.rows):
        for c, v in enumerate(cells):
            if v:
                ws.write_string(r, c, v)
    for item_id, value in typed.items():
        r, c = g.block_cells[item_id]
        if isinstance(value, datetime):
            ws.write_datetime(r, c, value, day)
        else:
            ws.write_number(r, c, value)
    wb.close()
    result = validate(path)
    assert result.issues.to_pylist() == []
    assert (result.summary.la_code, result.summary.period_end) == ("503", date(2021, 3, 31))


def test_the_specification_sheet_top_rows_are_skipped_and_the_block_read() -> None:
    """The rows above the table in the v4.2 specification's template sheet, as transcribed."""
    spec = load_spec()
    sheet = [
        ["", "", "Social Care Client Level Data - Collection Template", "", "", "", "v.4,2"],
        ["", "", "", "", "Mandatory", "", "Voluntary", "", "Remove?", "", "*"],
        ["", "", "Summary:", "", "Count of mandatory data items", "",
         "Count of voluntary data items", "", "Count of total data items"],
        ["", "", "", "", "23", "", "17", "", "40"],
        ["", "", "Submission Information"],
        ["", "", "LA Code", "", "503"],
        ["", "", "LA Name", "", "Lincolnshire"],
        ["", "", "Reporting Year", "", "2020/21"],
        ["", "", "Reporting Period Start Date", "", "2020-04-01 00:00:00"],
        ["", "", "Reporting Period End Date", "", "e.g. 31/03/2021"],
        ["", "", "", "", "1", "", "1"],
        ["", "", "Person Details - Present on ALL rows with unique values", "", "", "",
         "Events (All)", "", "Costs (Services Only)"],
        ["", "", "Mandatory", "", "Mandatory", "", "Voluntary"],
        ["", "", *[c for i in spec.data_items for c in (i.name, "")]],
        ["", "", "Integer or Alpha-numeric", "", "Integer", "", "Defined List…", "",
         "dd/mm/yyyy", "", "Numeric (0.00)"],
        ["", "", "P1", "", "9434765919"],
    ]
    layout = find_layout(sheet, spec)
    assert (layout.header_row, layout.first_row) == (14, 16)
    assert dict(layout.skipped) == {1: "title", 2: "other", 3: "other", 4: "other",
                                    5: "block", 6: "block", 7: "block", 8: "block",
                                    9: "block", 10: "block", 11: "other", 12: "group",
                                    13: "requirement", 15: "types"}
    values = {k: (b.value, b.cell) for k, b in layout.block.items()}
    assert values == {"la_code": ("503", "E6"), "la_name": ("Lincolnshire", "E7"),
                      "reporting_year": ("2020/21", "E8"),
                      "period_start": ("01/04/2020", "E9"), "period_end": (None, "E10")}


def test_the_csv_utf8_excel_saves_validates_with_no_issue(tmp_path: Path,
                                                          records: list) -> None:
    path = excel_csv(tmp_path / "cld.csv", grid(records).rows, encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf,,Social Care")
    result = validate(path)
    assert result.issues.to_pylist() == [] and result.summary.rows == RECORDS
    assert result.summary.encoding == "utf-8-sig"
