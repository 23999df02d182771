"""XLSX report (xlsxwriter, constant_memory): Summary, Fields and Issues sheets.

Every text cell is neutralised (:func:`cld.reports.safe.neutralise`) and written with
``write_string``, so Excel never evaluates anything that came from the submission.
The Issues sheet holds the first `max_detail_rows` issues; when there are more, the Summary
sheet says so and points to the CSV report, which has them all.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from cld.issues import ISSUE_COLUMNS
from cld.reports._common import (
    SEVERITY_LABEL,
    PathLike,
    ensure_parent,
    extra_summary_items,
    generated_text,
    issues_table,
    la_text,
    period_text,
    rule_counts,
    rule_titles,
    severity_counts,
    verdict,
)
from cld.reports.safe import neutralise, neutralise_table
from cld.validation.result import ValidationResult

ISSUE_HEADERS: dict[str, str] = {
    "row": "Row",
    "column": "Column",
    "rule": "Rule",
    "severity": "Severity",
    "value": "Value",
    "message": "Message",
    "person": "Person",
    "event_reference": "Event reference",
}
ISSUE_WIDTHS: dict[str, float] = {
    "row": 8,
    "column": 32,
    "rule": 12,
    "severity": 10,
    "value": 28,
    "message": 70,
    "person": 18,
    "event_reference": 18,
}
CAP_NOTE = (
    "The Issues sheet lists the first {shown:,} of {total:,} issues. "
    "The full list is in the CSV report."
)
_BATCH = 20_000
_MAX_CELL = 32_767  # Excel's limit on the characters in one cell


class _Sheet:
    """A worksheet written strictly row by row (as constant_memory mode requires)."""

    def __init__(self, ws: Worksheet) -> None:
        self.ws = ws
        self.row = 0

    def cells(self, values: list[Any], fmt: Format | None = None, skip: int = 0) -> None:
        for col, value in enumerate(values):
            write_cell(self.ws, self.row, col, value, fmt if col >= skip else None)
        self.row += 1

    def blank(self, n: int = 1) -> None:
        self.row += n


def write_cell(ws: Worksheet, row: int, col: int, value: Any, fmt: Format | None = None) -> None:
    """Numbers as numbers; everything else neutralised text via write_string."""
    if value is None:
        if fmt is not None:
            ws.write_blank(row, col, None, fmt)
        return
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        ws.write_number(row, col, value, fmt)
        return
    shown = neutralise(str(value) if not isinstance(value, bool) else ("Yes" if value else "No"))
    assert shown is not None
    ws.write_string(row, col, shown[:_MAX_CELL], fmt)


def write_xlsx(result: ValidationResult, path: PathLike, max_detail_rows: int = 100_000) -> None:
    """Write the XLSX report to `path`."""
    ensure_parent(path)
    table = issues_table(result)
    total = table.num_rows
    shown = min(total, max(0, max_detail_rows))
    wb = xlsxwriter.Workbook(
        str(path),
        {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False},
    )
    try:
        f = _formats(wb)
        _summary_sheet(wb.add_worksheet("Summary"), result, f, shown, total)
        _fields_sheet(wb.add_worksheet("Fields"), result, f)
        _issues_sheet(wb.add_worksheet("Issues"), table.slice(0, shown), f)
    finally:
        wb.close()


def _formats(wb: xlsxwriter.Workbook) -> dict[str, Format]:
    return {
        "title": wb.add_format({"bold": True, "font_size": 14}),
        "heading": wb.add_format({"bold": True, "font_size": 12}),
        "bold": wb.add_format({"bold": True}),
        "header": wb.add_format(
            {"bold": True, "bg_color": "#D9E1F2", "border": 1, "text_wrap": True}
        ),
        "good": wb.add_format({"bold": True, "font_color": "#006100", "bg_color": "#C6EFCE"}),
        "bad": wb.add_format({"bold": True, "font_color": "#9C0006", "bg_color": "#FFC7CE"}),
        "note": wb.add_format({"bold": True, "font_color": "#9C5700", "bg_color": "#FFEB9C"}),
        "wrap": wb.add_format({"text_wrap": True, "valign": "top"}),
        "top": wb.add_format({"valign": "top"}),
        "int": wb.add_format({"num_format": "#,##0", "valign": "top"}),
        "pct": wb.add_format({"num_format": "0.0%"}),
        "pct_bad": wb.add_format(
            {"num_format": "0.0%", "font_color": "#9C0006", "bg_color": "#FFC7CE"}
        ),
        "left_int": wb.add_format({"num_format": "#,##0", "align": "left"}),
    }


def _summary_sheet(
    ws: Worksheet, result: ValidationResult, f: dict[str, Format], shown: int, total: int
) -> None:
    s = result.summary
    sheet = _Sheet(ws)
    ws.set_column(0, 0, 28)
    ws.set_column(1, 1, 14)
    ws.set_column(2, 2, 48)
    ws.set_column(3, 3, 10)
    ws.set_column(4, 4, 80)

    sheet.cells(["Client Level Data: data quality report"], f["title"])
    v = verdict(result)
    sheet.cells([v.text[0].upper() + v.text[1:]], f["good"] if v.accepted else f["bad"])
    if total > shown:
        sheet.cells([CAP_NOTE.format(shown=shown, total=total)], f["note"])
    sheet.blank()

    counts = severity_counts(result)
    details: list[tuple[str, Any]] = [
        ("File", s.file),
        ("Local authority", la_text(s)),
        ("Reporting period", period_text(s)),
        ("Specification version", s.spec_version),
        ("Data records (rows)", s.rows),
        ("People", s.people),
        ("Fatal problems", counts["fatal"]),
        ("Errors", counts["error"]),
        ("Warnings", counts["warning"]),
        ("Generated", generated_text(s)),
        ("Tool version", s.tool_version),
        *extra_summary_items(s),
    ]
    for label, value in details:
        write_cell(ws, sheet.row, 0, label, f["bold"])
        write_cell(ws, sheet.row, 1, value, f["left_int"] if isinstance(value, int) else None)
        sheet.row += 1
    sheet.blank()

    sheet.cells(["Issues by rule"], f["heading"])
    counts_list = rule_counts(result)
    if counts_list:
        sheet.cells(["Rule", "Severity", "Title", "Issues", "How to fix"], f["header"])
        for rc in counts_list:
            write_cell(ws, sheet.row, 0, rc.rule, f["top"])
            write_cell(ws, sheet.row, 1, SEVERITY_LABEL.get(rc.severity, rc.severity), f["top"])
            write_cell(ws, sheet.row, 2, rc.title, f["wrap"])
            write_cell(ws, sheet.row, 3, rc.count, f["int"])
            write_cell(ws, sheet.row, 4, rc.guidance, f["wrap"])
            sheet.row += 1
    else:
        sheet.cells(["No issues were found."])
    sheet.blank()

    titles = rule_titles(result)
    sheet.cells([f"Rules run ({len(result.rules_run):,})"], f["heading"])
    if result.rules_run:
        sheet.cells(["Rule", "Title"], f["header"])
        for rule in result.rules_run:
            sheet.cells([rule, titles.get(rule, "")])
    else:
        sheet.cells(["No rules were run."])
    sheet.blank()

    sheet.cells([f"Rules skipped ({len(result.rules_skipped):,})"], f["heading"])
    if result.rules_skipped:
        sheet.cells(["Rule", "Reason"], f["header"])
        for skipped in result.rules_skipped:
            sheet.cells([skipped.get("rule", ""), skipped.get("reason", "")])
    else:
        sheet.cells(["No rules were skipped."])


def _fields_sheet(ws: Worksheet, result: ValidationResult, f: dict[str, Format]) -> None:
    headers = [
        "Data item",
        "Requirement",
        "In file",
        "Rows",
        "Filled",
        "Invalid",
        "Completeness",
        "Validity",
    ]
    for col, width in enumerate([40, 13, 8, 11, 11, 11, 13, 11]):
        ws.set_column(col, col, width)
    sheet = _Sheet(ws)
    sheet.cells(headers, f["header"])
    ws.freeze_panes(1, 0)
    for fs in result.field_stats:
        mandatory_gap = fs.requirement.lower() == "mandatory" and fs.completeness < 1
        r = sheet.row
        write_cell(ws, r, 0, fs.column)
        write_cell(ws, r, 1, fs.requirement)
        write_cell(ws, r, 2, "Yes" if fs.present else "No")
        for col, value in ((3, fs.rows), (4, fs.filled), (5, fs.invalid)):
            ws.write_number(r, col, value, f["int"])
        ws.write_number(r, 6, fs.completeness, f["pct_bad"] if mandatory_gap else f["pct"])
        ws.write_number(r, 7, fs.validity, f["pct"])
        sheet.row += 1
    if result.field_stats:
        ws.autofilter(0, 0, len(result.field_stats), len(headers) - 1)


def _issues_sheet(ws: Worksheet, table: pa.Table, f: dict[str, Format]) -> None:
    for col, name in enumerate(ISSUE_COLUMNS):
        ws.set_column(col, col, ISSUE_WIDTHS[name])
    for col, name in enumerate(ISSUE_COLUMNS):
        ws.write_string(0, col, ISSUE_HEADERS[name], f["header"])
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(table.num_rows, 1), len(ISSUE_COLUMNS) - 1)
    write_string = ws.write_string
    write_number = ws.write_number
    r = 1
    for batch in table.to_batches(max_chunksize=_BATCH):
        safe = neutralise_table(pa.Table.from_batches([batch]))
        columns = [safe.column(i).to_pylist() for i in range(len(ISSUE_COLUMNS))]
        for values in zip(*columns, strict=True):
            row = values[0]
            if row is not None:
                write_number(r, 0, row)
            for col in range(1, len(values)):
                value = values[col]
                if value is not None:
                    write_string(r, col, value[:_MAX_CELL])
            r += 1


__all__ = ["CAP_NOTE", "write_xlsx"]
