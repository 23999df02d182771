"""Blank submission templates: CSV header, or XLSX with drop-down lists and a guidance sheet."""

from __future__ import annotations

import csv
from pathlib import Path

import xlsxwriter

from cld.ingest.errors import column_letter
from cld.spec import load_register, load_spec

BLANK_ROWS = 5000  # rows that get drop-down lists in the XLSX template


def write_template(path: Path, fmt: str = "xlsx", spec_version: str = "v4.2") -> None:
    spec = load_spec(spec_version)
    names = [i.name for i in spec.items]
    if fmt == "csv":
        with open(path, "w", encoding="utf-8-sig", newline="") as f:
            csv.writer(f, lineterminator="\r\n").writerow(names)
        return
    wb = xlsxwriter.Workbook(str(path))
    try:
        head = wb.add_format({"bold": True, "text_wrap": True, "valign": "top",
                              "bg_color": "#DDEBF7", "border": 1})
        head_m = wb.add_format({"bold": True, "text_wrap": True, "valign": "top",
                                "bg_color": "#F8CBAD", "border": 1})
        text = wb.add_format({"num_format": "@"})
        wrap = wb.add_format({"text_wrap": True, "valign": "top"})
        bold = wb.add_format({"bold": True})
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
        for n, item in enumerate(spec.items):
            ws.write_string(0, n, item.name, head_m if item.requirement == "mandatory" else head)
            ws.set_column(n, n, max(14, min(40, len(item.name) + 2)), text)
            if item.list_id:
                ws.data_validation(1, n, BLANK_ROWS, n, {
                    "validate": "list", "source": list_ref[item.list_id],
                    "error_title": item.name[:32], "error_type": "warning",
                    "error_message": "Not a value of this item's defined list."})
            elif item.type == "date":
                ws.write_comment(0, n, "dd/mm/yyyy, e.g. 01/04/2020 (no time stamp)")
        ws.freeze_panes(1, 0)
        ws.set_row(0, 45)
        # Guidance sheet: the specification as a table.
        cols = ["Column", "Item", "Section", "Mandatory / Voluntary", "When required",
                "Data type", "Event types", "Allowed values", "Description", "Reference"]
        for c, h in enumerate(cols):
            guide.write_string(0, c, h, head)
        for r, item in enumerate(spec.items, start=1):
            values = "; ".join(spec.lists[item.list_id].canonical) if item.list_id else ""
            row = [column_letter(r - 1), item.name, item.section, item.requirement,
                   item.condition or ("always" if item.requirement == "mandatory" else ""),
                   item.type, ", ".join(item.applies_to or ["all"]), values, item.description,
                   item.spec_ref]
            for c, v in enumerate(row):
                guide.write_string(r, c, v, wrap)
        for c, width in enumerate([8, 30, 12, 12, 30, 12, 18, 60, 50, 40]):
            guide.set_column(c, c, width)
        guide.freeze_panes(1, 0)
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
