"""Official-template files for tests: the workbook an LA fills in, and the CSV Excel saves."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

from cld.spec import load_spec
from cld.synth import generate
from cld.template import Grid, official_grid, write_template

RECORDS = 200


def clean_records(n: int = RECORDS, seed: int = 3) -> list[dict[str, str]]:
    """`n` clean synthetic records (item name -> text) of LA 503 for 2020/21."""
    made = generate("503", date(2020, 4, 1), date(2021, 3, 31), people=n // 3, seed=seed)
    assert made.rows.height >= n
    return made.rows.head(n).to_dicts()


def grid(records: list[dict[str, str]]) -> Grid:
    return official_grid(load_spec(), records)


def workbook(path: Path, records: list[dict[str, str]]) -> Path:
    write_template(path, "xlsx", records=records)
    return path


def excel_csv(path: Path, rows: list[list[str]], trailing: int = 6,
              encoding: str = "cp1252") -> Path:
    """What Excel's "Save As CSV (Comma delimited)" writes: every row as wide as the used
    range, `trailing` all-empty `,,,,` rows after the records, Windows-1252 (or, for "CSV
    UTF-8", utf-8-sig), CRLF (line breaks inside a cell stay LF, in quotes)."""
    width = max(len(r) for r in rows)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    for r in [*rows, *[[]] * trailing]:
        w.writerow(r + [""] * (width - len(r)))
    path.write_bytes(buf.getvalue().encode(encoding))
    return path
