"""Write a synthetic submission (CSV in three encodings, or XLSX) and its defect manifest."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl

from cld.synth.frame import SynthResult

ENCODINGS = ("utf-8", "utf-8-sig", "cp1252")
_CHUNK = 100_000  # rows re-encoded at a time for cp1252


def write_submission(result: SynthResult, path: str | Path, fmt: str = "csv",
                     encoding: str = "utf-8") -> Path:
    """Write the rows as CSV (header row, CRLF line ends, `encoding`) or as XLSX (one sheet,
    blank cells for blank items; `encoding` is ignored)."""
    path = Path(path)
    if fmt == "xlsx":
        frame = result.rows.with_columns(pl.all().replace("", None))
        frame.write_excel(path, worksheet="CLD Submission", autofit=False)
        return path
    if fmt != "csv":
        raise ValueError(f"unknown format {fmt!r}: csv or xlsx")
    if encoding not in ENCODINGS:
        raise ValueError(f"unknown encoding {encoding!r}: one of {', '.join(ENCODINGS)}")
    rows = result.rows
    if encoding == "utf-8":
        rows.write_csv(path, line_terminator="\r\n")
        return path
    with open(path, "wb") as f:
        if encoding == "utf-8-sig":
            f.write(b"\xef\xbb\xbf")
            rows.write_csv(f, line_terminator="\r\n")
            return path
        for k, start in enumerate(range(0, max(rows.height, 1), _CHUNK)):
            text = rows.slice(start, _CHUNK).write_csv(include_header=k == 0,
                                                       line_terminator="\r\n")
            f.write(text.encode("cp1252"))
    return path


def write_manifest(result: SynthResult, path: str | Path) -> Path:
    """The injected defects as a JSON list (row, column, rule, value, note)."""
    path = Path(path)
    path.write_text(json.dumps(result.manifest, indent=1, ensure_ascii=False) + "\n",
                    encoding="utf-8")
    return path
