"""Read a CSV or XLSX submission into a DuckDB table of text columns, once.

The loaded table has one VARCHAR column per file column (named by data item id, or x<n> for
columns not in the specification) holding the raw cell text, in file order: `rowid +
layout.first_row` is the spreadsheet row number of a CSV record (cld.ingest.layout).
Everything later reads this table; nothing re-parses the file.
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from cld.ingest.errors import UnreadableFile, column_letter
from cld.ingest.headers import HeaderMap, map_headers
from cld.ingest.layout import Layout, NotUtf8, csv_layout, find_layout, finish, first_column
from cld.ingest.sniff import (
    check_expansion,
    first_line_problem,
    kind,
    line_ends,
    read_head,
    text_encoding,
    workbook_problem,
)
from cld.ingest.text import Recoded, mixed_issues, to_utf8
from cld.spec import Spec, header_key

MAX_FIELD_BYTES = 1_000_000  # a cell longer than this is not CLD data


@dataclass
class Loaded:
    file: str
    table: str  # DuckDB table name
    format: str  # csv / xlsx
    encoding: str
    header_row: int
    rows: int
    headers: HeaderMap
    layout: Layout = field(default_factory=Layout)  # rows around the header (official template)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _first_record(path: Path, encoding: str, file: str) -> list[str]:
    with open(path, encoding=encoding, errors="replace", newline="") as f:
        head = f.read(1 << 20)
    if not head.strip():
        raise UnreadableFile(file, "the file is empty")
    if problem := first_line_problem(head, path):
        raise UnreadableFile(file, problem, row=1)
    first_line = head.splitlines()[0] if head.splitlines() else ""
    try:
        record = next(csv.reader(io.StringIO(head, newline="")))
    except (csv.Error, StopIteration) as exc:
        raise UnreadableFile(file, f"the header row cannot be read ({exc})", row=1) from exc
    if len(record) == 1:
        for sep, name in ((";", "semicolons"), ("\t", "tabs"), ("|", "pipes")):
            if first_line.count(sep) >= 2:
                raise UnreadableFile(
                    file,
                    f"the columns are separated by {name}; CLD files must be comma-separated "
                    "CSV (save as 'CSV UTF-8 (Comma delimited)')",
                    row=1,
                )
    return record


def _diagnose(path: Path, encoding: str, width: int, file: str, fallback: str) -> UnreadableFile:
    """Find the first malformed record with Python's csv module (only on the error path)."""
    csv.field_size_limit(1 << 30)
    with open(path, encoding=encoding, errors="replace", newline="") as f:
        reader = csv.reader(f, strict=True)
        try:
            for n, record in enumerate(reader, start=1):
                if len(record) != width:
                    return UnreadableFile(
                        file,
                        f"this row has {len(record)} fields but the header has {width}; "
                        "check for a missing or extra comma, or an unquoted comma in a value",
                        row=n,
                    )
                for i, cell in enumerate(record):
                    if len(cell) > MAX_FIELD_BYTES:
                        return UnreadableFile(
                            file,
                            f"a value of {len(cell):,} characters is far longer than any CLD "
                            "item; check for an unclosed quote",
                            row=n,
                            column=column_letter(i),
                        )
        except csv.Error as exc:
            return UnreadableFile(file, f"malformed CSV ({exc})", row=reader.line_num)
    return UnreadableFile(file, fallback)


def _duck_error(exc: Exception) -> str:
    text = str(exc)
    line = re.search(r"on Line: (\d+)", text)
    what = "the file is not valid CSV"
    if "Expected Number of Columns" in text:
        what = "a row has a different number of fields from the header"
    elif "unterminated quote" in text:
        what = "a quoted value is never closed"
    elif "Maximum line size" in text:
        what = "a line is longer than the maximum allowed"
    return what + (f" (near line {line.group(1)})" if line else "")


def _read_csv(con: duckdb.DuckDBPyConnection, path: Path, spec: Spec, file: str,
              table: str, workdir: Path, head: bytes) -> Loaded:
    guess = text_encoding(head)
    assert guess.encoding is not None  # binary files were refused by sniff.kind
    encoding, source = guess.encoding, path
    recoded: Recoded | None = None
    if encoding not in {"utf-8", "utf-8-sig"} or len(line_ends(head)) > 1:
        recoded = to_utf8(path, guess.codec, workdir, file)
        encoding, source = recoded.encoding, recoded.path

    layout = Layout()

    def load(src: Path, retry: bool) -> HeaderMap:
        nonlocal layout
        record = _first_record(src, "utf-8-sig", file)
        layout, header, src = csv_layout(src, spec, workdir)
        headers = map_headers(header or record, spec, file, header_row=layout.header_row)
        names = headers.storage_names()
        columns = "{" + ", ".join(f"'{n}': 'VARCHAR'" for n in names) + "}"
        try:
            # The path is inlined (quoted): a prepared parameter made the scan slower.
            literal = "'" + str(src).replace("'", "''") + "'"
            con.execute(
                f"CREATE OR REPLACE TABLE {table}_raw AS SELECT * FROM read_csv({literal}, "
                f"auto_detect=false, header=true, delim=',', quote='\"', escape='\"', "
                f"columns={columns}, strict_mode=true, null_padding=false, encoding='utf-8')"
            )
        except duckdb.Error as exc:
            if retry:
                raise
            raise _diagnose(src, "utf-8-sig", len(names), file, _duck_error(exc)) from None
        return headers

    try:
        headers = load(source, retry=recoded is None)
    except (duckdb.Error, NotUtf8):  # not all UTF-8, or mixed line ends: read it line by line
        recoded = to_utf8(path, guess.codec, workdir, file)
        encoding = recoded.encoding
        headers = load(recoded.path, retry=False)
    if recoded is not None:
        headers.issues += mixed_issues(recoded, [spec.item(i).name if i else None
                                                 for i in headers.item_of_column])
    finish(con, f"{table}_raw", layout, spec, headers, f"rowid + {layout.first_row}", True)
    return _finish(con, table, file, "csv", encoding, layout.header_row, headers, layout)


def _read_xlsx(con: duckdb.DuckDBPyConnection, path: Path, spec: Spec, file: str,
               table: str) -> Loaded:
    import polars as pl

    check_expansion(path, file)  # before calamine expands it (ZIP bombs)
    try:
        # skip_rows=0 keeps leading empty rows, so frame row n is sheet row n + 1.
        sheets = pl.read_excel(path, engine="calamine", sheet_id=0, has_header=False,
                               infer_schema_length=0, drop_empty_rows=False,
                               drop_empty_cols=False, read_options={"skip_rows": 0})
    except Exception as exc:  # fastexcel raises its own error types
        raise UnreadableFile(file, workbook_problem(exc)) from None
    best: tuple[int, str, int] | None = None
    index = spec.header_index()
    for name, frame in sheets.items():
        for r in range(min(30, frame.height)):
            cells = [c for c in frame.row(r) if c]
            hits = sum(1 for c in cells if header_key(str(c)) in index)
            if hits >= 5 and (best is None or hits > best[2]):
                best = (r, name, hits)
    if best is None:
        raise UnreadableFile(file, "no sheet has a CLD header row (e.g. 'Person Unique "
                             "Identifier', 'Event Type') in its first 30 rows")
    r, sheet, _ = best
    frame = sheets[sheet]
    pad = first_column(path, sheet)  # the frame starts at the first used column
    frame = frame.select(*[pl.lit(None, pl.String).alias(f"_pad{n}") for n in range(pad)],
                         pl.all())
    layout = find_layout([["" if c is None else str(c) for c in frame.row(n)]
                          for n in range(min(frame.height, 200))], spec, header_index=r)
    record = ["" if c is None else str(c) for c in frame.row(r)]
    while record and not record[-1].strip():
        record.pop()
    headers = map_headers(record, spec, f"{file} [{sheet}]", header_row=r + 1)
    names = headers.storage_names()
    body = frame.slice(layout.first_record).select(frame.columns[: len(names)])
    body.columns = names
    body = body.with_row_index("_row", offset=layout.first_row).with_columns(
        pl.col("_row").cast(pl.Int64))
    # Date cells come as ISO date-times; write them as the dd/mm/yyyy the spec asks for.
    iso = r"^(\d{4})-(\d{2})-(\d{2})[ T]00:00:00(\.0+)?$"
    body = body.with_columns(pl.all().exclude("_row").str.replace(iso, "$3/$2/$1"))
    # Trailing empty rows are layout, not records.
    data = pl.all().exclude("_row")
    body = body.filter(~pl.all_horizontal(data.is_null() | (data.str.strip_chars() == "")))
    con.register(f"{table}_frame", body.to_arrow())
    con.execute(f"CREATE OR REPLACE TABLE {table}_raw AS SELECT * FROM {table}_frame")
    con.unregister(f"{table}_frame")
    finish(con, f"{table}_raw", layout, spec, headers, "_row", False)
    return _finish(con, table, file, "xlsx", "xlsx", r + 1, headers, layout)


def _finish(con: duckdb.DuckDBPyConnection, table: str, file: str, fmt: str, encoding: str,
            header_row: int, headers: HeaderMap, layout: Layout) -> Loaded:
    # The raw table keeps every cell as read. CSV: rowid + layout.first_row is the spreadsheet
    # row; XLSX: the `_row` column holds the sheet row (blank rows dropped).
    con.execute(f"DROP TABLE IF EXISTS {table}")
    con.execute(f"ALTER TABLE {table}_raw RENAME TO {table}")
    row = con.execute(f"SELECT count(*) FROM {table}").fetchone()
    rows = int(row[0]) if row else 0
    if rows == 0:
        raise UnreadableFile(file, "the file has a header row but no records")
    return Loaded(file, table, fmt, encoding, header_row, rows, headers, layout)


def load_submission(con: duckdb.DuckDBPyConnection, path: str | Path, spec: Spec,
                    table: str = "submission", display_name: str | None = None) -> Loaded:
    """Read `path` into table `table`. Raises UnreadableFile with a clear message."""
    path = Path(path)
    file = display_name or path.name
    head = read_head(path, file)  # refuses folders, FIFOs, devices before opening them
    if kind(path, head, file) == "xlsx":  # other formats are refused, saying what they are
        return _read_xlsx(con, path, spec, file, table)
    with tempfile.TemporaryDirectory(prefix="cld-") as tmp:
        return _read_csv(con, path, spec, file, table, Path(tmp), head)
