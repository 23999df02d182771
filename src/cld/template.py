"""Submission templates: a CSV header, or the official XLSX layout with drop-down lists.

The XLSX follows the "CLD Activity Template" of the v4.2 specification: a title, the
Submission Information block (label and value), a row of group headings, a
Mandatory/Voluntary row, the header row with an empty spacer column between items, a row of
data types, then the records. `cld.ingest.layout` reads the same layout back. The CSV
template stays one plain header row (all 45 items as columns), for files made by software.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import xlsxwriter

from cld.ingest.errors import column_letter
from cld.ingest.layout import GROUP_LABELS, REQUIREMENT_LABELS, TYPE_LABELS
from cld.spec import Spec, load_register, load_spec

BLANK_ROWS = 5000  # rows that get drop-down lists in the XLSX template
TITLE = "Social Care Client Level Data - Collection Template"
FIRST_COLUMN = 2  # items start in column C, as in the official template
BLOCK_ROW = 2  # "Submission Information" on sheet row 3, its five pairs below
EXAMPLES = {"la_code": "e.g. 503", "la_name": "e.g. Lincolnshire",
            "reporting_year": "e.g. 2020/21", "period_start": "e.g. 01/04/2020",
            "period_end": "e.g. 31/03/2021"}


@dataclass(frozen=True)
class Grid:
    """The official layout as (0-based) sheet rows of text; records follow `first_record`."""

    rows: list[list[str]]
    block_cells: dict[str, tuple[int, int]]  # item id -> (row, column) of its value
    item_columns: dict[str, int]  # data item id -> column
    header_row: int
    first_record: int


def header_text(name: str) -> str:
    """A long header wraps before its qualifier, as in the official template."""
    return name.replace(" (", "\n(", 1) if len(name) > 20 and " (" in name else name


def official_grid(spec: Spec, records: Sequence[dict[str, str]] = ()) -> Grid:
    """The template sheet as text; `records` (by item name) fill the block and the table."""
    items = spec.data_items
    cols = {i.id: FIRST_COLUMN + 2 * n for n, i in enumerate(items)}
    width = FIRST_COLUMN + 2 * len(items) - 1
    rows: list[list[str]] = []

    def row(cells: dict[int, str]) -> list[str]:
        out = [""] * width
        for c, v in cells.items():
            out[c] = v
        rows.append(out)
        return out

    row({FIRST_COLUMN: TITLE, width - 1: spec.version})
    row({})
    row({FIRST_COLUMN: GROUP_LABELS["submission"]})
    block: dict[str, tuple[int, int]] = {}
    first = records[0] if records else {}
    for item in spec.submission_items:
        block[item.id] = (len(rows), FIRST_COLUMN + 2)
        row({FIRST_COLUMN: item.name,
             FIRST_COLUMN + 2: first.get(item.name, "") or EXAMPLES.get(item.id, "")})
    row({})
    groups: dict[int, str] = {}
    for item in items:  # each section's heading above its first item
        if GROUP_LABELS[item.section] not in groups.values():
            groups[cols[item.id]] = GROUP_LABELS[item.section]
    row(groups)
    row({cols[i.id]: REQUIREMENT_LABELS[i.requirement] for i in items})
    header_row = len(rows)
    row({cols[i.id]: header_text(i.name) for i in items})
    row({cols[i.id]: TYPE_LABELS[i.type] for i in items})
    first_record = len(rows)
    for record in records:
        row({cols[i.id]: record.get(i.name, "") for i in items})
    return Grid(rows, block, cols, header_row, first_record)


def write_template(path: Path, fmt: str = "xlsx", spec_version: str = "v4.2",
                   records: Sequence[dict[str, str]] = ()) -> None:
    """Write a blank template (or one filled with `records`, keyed by item name)."""
    spec = load_spec(spec_version)
    if fmt == "csv":
        names = [i.name for i in spec.items]
        with open(path, "w", encoding="utf-8-sig", newline="") as f:
            w = csv.writer(f, lineterminator="\r\n")
            w.writerow(names)
            w.writerows([[r.get(n, "") for n in names] for r in records])
        return
    _write_xlsx(path, spec, official_grid(spec, records))


def _write_xlsx(path: Path, spec: Spec, grid: Grid) -> None:
    wb = xlsxwriter.Workbook(str(path))
    try:
        head = wb.add_format({"bold": True, "text_wrap": True, "valign": "top",
                              "bg_color": "#DDEBF7", "border": 1})
        head_m = wb.add_format({"bold": True, "text_wrap": True, "valign": "top",
                                "bg_color": "#F8CBAD", "border": 1})
        text = wb.add_format({"num_format": "@"})
        value = wb.add_format({"num_format": "@", "border": 1, "bg_color": "#FFF2CC"})
        wrap = wb.add_format({"text_wrap": True, "valign": "top"})
        bold = wb.add_format({"bold": True})
        italic = wb.add_format({"italic": True, "font_color": "#595959", "text_wrap": True})
        ws = wb.add_worksheet("CLD Submission")
        lists = wb.add_worksheet("Lists")
        guide = wb.add_worksheet("Guidance")
        las = wb.add_worksheet("LAs")
        # Lists sheet: one column per defined list, referenced by the drop-downs.
        list_ref: dict[str, str] = {}
        for n, (lid, dl) in enumerate(spec.lists.items()):
            lists.write_string(0, n, dl.name, bold)
            for r, v in enumerate(dl.canonical, start=1):
                lists.write_string(r, n, v)
            col = column_letter(n)
            list_ref[lid] = f"=Lists!${col}$2:${col}${len(dl.canonical) + 1}"
        # The sheet: every cell of the layout, then formats and drop-downs.
        by_item = {i.id: i for i in spec.items}
        block_cells = set(grid.block_cells.values())
        for r, cells in enumerate(grid.rows):
            for c, v in enumerate(cells):
                if (r, c) in block_cells:
                    ws.write_string(r, c, v, value)
                elif r == grid.header_row and v:
                    owner = next(i for i, col in grid.item_columns.items() if col == c)
                    mandatory = by_item[owner].requirement == "mandatory"
                    ws.write_string(r, c, v, head_m if mandatory else head)
                elif grid.header_row - 2 <= r < grid.first_record and v:
                    ws.write_string(r, c, v, italic if r > grid.header_row else bold)
                elif v:
                    ws.write_string(r, c, v, bold if r < grid.first_record else None)
        ws.write_string(0, FIRST_COLUMN, TITLE, wb.add_format({"bold": True, "font_size": 14}))
        codes = len(load_register())
        for item_id, (r, c) in grid.block_cells.items():
            if item_id == "la_code":
                ws.data_validation(r, c, r, c, {
                    "validate": "list", "source": f"=LAs!$A$2:$A${codes + 1}",
                    "error_type": "warning", "error_message": "Not a code in the LAs sheet."})
        ws.set_column(0, FIRST_COLUMN - 1, 2)
        last = grid.first_record + BLANK_ROWS
        for item_id, c in grid.item_columns.items():
            item = by_item[item_id]
            ws.set_column(c, c, max(14, min(40, len(item.name) + 2)), text)
            ws.set_column(c + 1, c + 1, 2)  # spacer
            if item.list_id:
                ws.data_validation(grid.first_record, c, last, c, {
                    "validate": "list", "source": list_ref[item.list_id],
                    "error_title": item.name[:32], "error_type": "warning",
                    "error_message": "Not a value of this item's defined list."})
            elif item.type == "date":
                ws.write_comment(grid.header_row, c, "dd/mm/yyyy, e.g. 01/04/2020 "
                                 "(no time stamp)")
        ws.set_column(FIRST_COLUMN, FIRST_COLUMN, 40, text)
        ws.set_row(grid.header_row, 45)
        ws.freeze_panes(grid.first_record, 0)
        _guidance(guide, spec, grid, head, wrap)
        las.write_row(0, 0, ["LA Code", "LA Name", "DSCRO region"], bold)
        for r, la in enumerate(load_register().values(), start=1):
            las.write_string(r, 0, la.code)
            las.write_string(r, 1, la.name)
            las.write_string(r, 2, la.region)
        las.set_column(0, 0, 10)
        las.set_column(1, 2, 40)
        ws.activate()
    finally:
        wb.close()


def _guidance(guide: xlsxwriter.worksheet.Worksheet, spec: Spec, grid: Grid,
              head: xlsxwriter.format.Format, wrap: xlsxwriter.format.Format) -> None:
    """The Guidance sheet: the specification as a table, with where each item goes."""
    cols = ["Cell / Column", "Item", "Section", "Mandatory / Voluntary", "When required",
            "Data type", "Event types", "Allowed values", "Description", "Reference"]
    for c, h in enumerate(cols):
        guide.write_string(0, c, h, head)
    for r, item in enumerate(spec.items, start=1):
        if item.id in grid.block_cells:
            br, bc = grid.block_cells[item.id]
            where = f"{column_letter(bc)}{br + 1}"
        else:
            where = column_letter(grid.item_columns[item.id])
        values = "; ".join(spec.lists[item.list_id].canonical) if item.list_id else ""
        row = [where, item.name, item.section, item.requirement,
               item.condition or ("always" if item.requirement == "mandatory" else ""),
               item.type, ", ".join(item.applies_to or ["all"]), values, item.description,
               item.spec_ref]
        for c, v in enumerate(row):
            guide.write_string(r, c, v, wrap)
    for c, width in enumerate([8, 30, 12, 12, 30, 12, 18, 60, 50, 40]):
        guide.set_column(c, c, width)
    guide.freeze_panes(1, 0)
