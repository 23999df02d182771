"""The official "CLD Activity Template" layout around the header row.

An LA that fills in the v4.2 workbook itself sends a sheet with, above the table, a title, a
Submission Information block of label/value pairs (LA Code, LA Name, Reporting Year, period
dates), a row of group headings and a Mandatory/Voluntary row; then the header row (items
with an empty spacer column between them, some headers wrapped over two lines); then a row of
data types ("Defined List…", "dd/mm/yyyy"); then the records. Excel's "Save As CSV" keeps
all of it, plus trailing `,,,,` rows.

This module finds the header row, reads the block, and recognises the rows around the header
by their content. Rows it cannot recognise below the header are records, never guessed away.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from cld.ingest.errors import column_letter
from cld.ingest.headers import HeaderMap
from cld.ingest.rows import load_rows
from cld.issues import Notice
from cld.spec import Spec, header_key

SCAN_RECORDS = 200  # the header must be within the first records of a file or sheet
SCAN_CHARS = 1 << 20

# Group headings of the template, per specification section (row above the header).
GROUP_LABELS = {
    "submission": "Submission Information",
    "person": "Person Details",
    "event": "Events (All)",
    "request": "Events (Requests only)",
    "assessment": "Events (Assessments only)",
    "service": "Events (Services only)",
    "review": "Events (Reviews only)",
    "cost": "Costs (Services Only)",
}
# The template's data-type row, per specification data type.
TYPE_LABELS = {
    "id": "Integer or Alpha-numeric",
    "integer": "Integer",
    "text": "Text",
    "alphanumeric": "Alpha-numeric",
    "list": "Defined List…",
    "date": "dd/mm/yyyy",
    "numeric": "Numeric (0.00)",
    "year": "yyyy/yy",
}
REQUIREMENT_LABELS = {"mandatory": "Mandatory", "voluntary": "Voluntary"}
EXAMPLE_PREFIX = "e.g."  # the template's placeholder in an unfilled block value


def _key(text: str) -> str:
    """Letters and digits only, lower case (parentheses kept, unlike header_key)."""
    return re.sub(r"[^0-9a-z/]", "", unicodedata.normalize("NFKC", text).lower())


_TYPE_KEYS = {_key(t) for t in TYPE_LABELS.values()} | {
    _key(t) for t in ("Defined List", "Defined List...", "Alphanumeric", "Numeric", "Date",
                      "Numeric (0.00)", "dd/mm/yyyy (no time stamp)")}
_GROUP_KEYS = tuple(_key(t) for t in GROUP_LABELS.values())
_REQUIREMENT_KEYS = {_key(t) for t in REQUIREMENT_LABELS.values()}
KINDS = {  # how each kind of skipped row is named in the note
    "title": "title",
    "block": "Submission Information",
    "group": "group headings",
    "requirement": "Mandatory/Voluntary",
    "types": "data types",
    "other": "text above the header",
    "empty": "empty",
}


@dataclass(frozen=True)
class BlockValue:
    """One Submission Information pair: the value and the sheet cell it is in."""

    item_id: str
    label: str
    value: str | None  # None: left blank (or the template's "e.g. ..." example)
    row: int  # sheet row
    column: str  # sheet column letter of the value (of the label when blank)

    @property
    def cell(self) -> str:
        return f"{self.column}{self.row}"


@dataclass
class Layout:
    """Where the header and the records are; `index` values count records from 0."""

    header_index: int = 0
    first_record: int = 1
    block: dict[str, BlockValue] = field(default_factory=dict)
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (sheet row, kind)
    trailing_empty: list[int] = field(default_factory=list)  # sheet rows dropped at the end

    @property
    def header_row(self) -> int:
        return self.header_index + 1

    @property
    def first_row(self) -> int:
        """Sheet row of the first record."""
        return self.first_record + 1

    @property
    def plain(self) -> bool:
        """A header on the first row and records from the second: nothing to do."""
        return self.header_index == 0 and self.first_record == 1 and not self.block

    def note(self) -> str | None:
        """Which rows were skipped, for the summary (None for a plain file)."""
        parts = [f"{_span(rows)} ({what})" for what, rows in _runs(self.skipped)]
        if self.trailing_empty:
            parts.append(f"{_span(self.trailing_empty)} (empty, at the end)")
        if not parts:
            return None
        text = "Skipped " + "; ".join(parts) + "."
        if self.block:
            text += (" Submission Information read from the block: "
                     + ", ".join(f"{b.label} {b.cell}" for b in self.block.values()) + ".")
        return text


def _span(rows: list[int]) -> str:
    out: list[str] = []
    start = prev = rows[0]
    for r in [*rows[1:], None]:
        if r is not None and r == prev + 1:
            prev = r
            continue
        out.append(f"{start}" if start == prev else f"{start}-{prev}")
        if r is not None:
            start = prev = r
    return ("row " if len(rows) == 1 else "rows ") + ", ".join(out)


def _runs(skipped: list[tuple[int, str]]) -> list[tuple[str, list[int]]]:
    runs: list[tuple[str, list[int]]] = []
    for row, kind in skipped:
        if runs and runs[-1][0] == KINDS[kind]:
            runs[-1][1].append(row)
        else:
            runs.append((KINDS[kind], [row]))
    return runs


def _filled(record: Sequence[str]) -> list[tuple[int, str]]:
    return [(n, c.strip()) for n, c in enumerate(record) if c and c.strip()]


def _kind(record: Sequence[str], spec: Spec) -> str | None:
    """What a non-record row is: 'group', 'requirement', 'types', 'empty', or None."""
    cells = [c for _, c in _filled(record)]
    if not cells:
        return "empty"
    keys = [_key(c) for c in cells]
    if all(k in _REQUIREMENT_KEYS for k in keys):
        return "requirement"
    if all(k in _TYPE_KEYS for k in keys):
        return "types"
    if all(k.startswith(_GROUP_KEYS) for k in keys):
        return "group"
    return None


def header_hits(record: Sequence[str], index: dict[str, str]) -> int:
    return sum(1 for _, c in _filled(record) if header_key(c) in index)


def find_layout(records: Sequence[Sequence[str]], spec: Spec,
                header_index: int | None = None) -> Layout:
    """Find the header among the first records and classify the rows around it."""
    if header_index is None:  # the first row naming five items or more
        index = spec.header_index()
        header_index = next((n for n, record in enumerate(records[:SCAN_RECORDS])
                             if header_hits(record, index) >= 5), 0)
    layout = Layout(header_index=header_index, first_record=header_index + 1)
    labels = {header_key(h): i.id for i in spec.submission_items for h in [i.name, *i.aliases]}
    for n, record in enumerate(records[:header_index]):
        cells = _filled(record)
        if not cells:
            continue
        text = cells[0][1]
        item_id = labels.get(header_key(text))
        if item_id is not None and len(cells) <= 3:
            kind = "block"
            if item_id not in layout.block:
                layout.block[item_id] = _block_value(item_id, text, cells, n + 1)
        elif len(cells) == 1 and _key(text) == _key(GROUP_LABELS["submission"]):
            kind = "block"
        elif "collectiontemplate" in _key(text) or "clientleveldata" in _key(text):
            kind = "title"
        else:
            kind = _kind(record, spec) or "other"
        layout.skipped.append((n + 1, kind))
    n = header_index + 1
    while n < len(records) and (below := _kind(records[n], spec)) is not None:
        layout.skipped.append((n + 1, below))
        n += 1
    layout.first_record = n
    return layout


def _block_value(item_id: str, label: str, cells: list[tuple[int, str]], row: int) -> BlockValue:
    col, value = cells[1] if len(cells) > 1 else (cells[0][0], "")
    if not value or value.lower().startswith(EXAMPLE_PREFIX):
        return BlockValue(item_id, label, None, row, column_letter(col))
    return BlockValue(item_id, label, _iso_to_ddmmyyyy(value), row, column_letter(col))


def _iso_to_ddmmyyyy(value: str) -> str:
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})([ T]00:00:00(\.0+)?)?", value)
    return f"{m[3]}/{m[2]}/{m[1]}" if m else value


# --- CSV: find the records in the text, trim the file to header + records ---------------

_SPECIAL = re.compile(r'["\r\n]')


def _record_spans(text: str, limit: int, whole: bool) -> list[tuple[int, int]]:
    """(start, end) offsets of the first `limit` CSV records (quote-aware); `whole`: the
    text is the whole file, so a last record without a line end counts too."""
    spans: list[tuple[int, int]] = []
    start, quoted, n = 0, False, len(text)
    pos = 0
    while len(spans) < limit and (m := _SPECIAL.search(text, pos)):
        i = m.start()
        if text[i] == '"':
            # A quote opens a quoted field only at the field's start (else it is text).
            if quoted or i == start or text[i - 1] == ",":
                quoted = not quoted
            pos = i + 1
            continue
        end = i + 2 if text.startswith("\r\n", i) else i + 1
        if not quoted:
            if text[i] == "\r" and end == n and not whole:
                break  # the terminator may continue beyond the head
            spans.append((start, end))
            start = end
        pos = end
    if whole and start < n and len(spans) < limit:
        spans.append((start, n))
    return spans


class NotUtf8(ValueError):
    """The rows up to the header are not UTF-8 text (the reader tries Windows-1252)."""


def csv_layout(path: Path, spec: Spec, workdir: Path) -> tuple[Layout, list[str] | None, Path]:
    """The layout of a UTF-8 CSV; for a non-plain one, its header and a trimmed copy.

    The copy holds the header record then every record from the first one on, byte for byte,
    so the loaded table numbers records from `layout.first_row`.
    """
    with path.open("rb") as f:
        head = f.read(SCAN_CHARS)
    bom = 3 if head.startswith(b"\xef\xbb\xbf") else 0
    # surrogateescape keeps byte offsets exact even where the text is not UTF-8
    text = head[bom:].decode("utf-8", errors="surrogateescape")
    spans = _record_spans(text, SCAN_RECORDS, whole=len(head) < SCAN_CHARS)
    try:
        records = list(csv.reader(text[s:e] for s, e in spans))
    except csv.Error:  # not CSV as Python reads it: DuckDB's reader names the problem
        return Layout(), None, path
    layout = find_layout(records, spec)
    hs, he = spans[layout.header_index] if spans else (0, 0)
    if re.search("[\udc80-\udcff]", text[:he]):
        raise NotUtf8(path.name)
    ending = text[hs:he][len(text[hs:he].rstrip("\r\n")):]
    if (layout.plain and not any(c in text[hs:he - len(ending)] for c in "\r\n")) or not spans:
        return Layout(), None, path
    if layout.first_record >= len(spans):
        layout.first_record = len(spans)

    def offset(char: int) -> int:
        return bom + len(text[:char].encode("utf-8", errors="surrogateescape"))

    data = offset(spans[layout.first_record][0] if layout.first_record < len(spans)
                  else spans[-1][1])
    out = workdir / "records.csv"
    # The header goes on one line: DuckDB reads no rows at all after a header cell holding
    # a line break in a CRLF file (as Excel writes wrapped headers).
    header = [" ".join(c.split()) for c in records[layout.header_index]]
    line = io.StringIO()
    csv.writer(line, lineterminator=ending).writerow(header)
    with path.open("rb") as src, out.open("wb") as dst:
        dst.write(line.getvalue().encode("utf-8", errors="surrogateescape"))
        src.seek(data)
        while chunk := src.read(1 << 22):
            dst.write(chunk)
    return layout, records[layout.header_index], out


# --- After loading: block values, spacer columns, trailing empty rows ---------------------

def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def drop_trailing_empty(con: duckdb.DuckDBPyConnection, table: str, layout: Layout,
                        columns: list[str]) -> None:
    """Delete all-empty rows at the end of a CSV table (Excel writes `,,,,` rows)."""
    blank = " AND ".join(f"coalesce(trim({_q(c)}), '') = ''" for c in columns)
    total = con.execute(f"SELECT count(*) FROM {table}").fetchone()
    n = int(total[0]) if total else 0
    k = 1
    while True:  # look at the tail only: most files end with a record
        # rowid bounds are inlined (integers): as parameters DuckDB scans the whole table
        row = con.execute(f"SELECT count(*) FILTER (WHERE NOT ({blank})), max(rowid) FILTER "
                          f"(WHERE NOT ({blank})) FROM {table} WHERE rowid >= {int(n - k)}"
                          ).fetchone()
        assert row is not None
        if row[0] or k >= n:
            last = -1 if row[1] is None else int(row[1])
            break
        k *= 4
    if last < n - 1:
        con.execute(f"DELETE FROM {table} WHERE rowid > {int(last)}")
        layout.trailing_empty = list(range(layout.first_row + last + 1, layout.first_row + n))


def quiet_spacers(con: duckdb.DuckDBPyConnection, table: str, headers_in_file: list[str],
                  storage: list[str], issues: list[Notice]) -> list[Notice]:
    """Drop the 'no header' warning of columns that are empty all the way down."""
    empty = [n for n, h in enumerate(headers_in_file) if not h.strip().lstrip("\ufeff")]
    if not empty:
        return issues
    counts = con.execute("SELECT " + ", ".join(
        f"count(*) FILTER (WHERE trim({_q(storage[n])}) <> '')" for n in empty)
        + f" FROM {table}").fetchone()
    assert counts is not None
    spacers = {f"Column {column_letter(n)} has no header" for n, c in zip(empty, counts,
                                                                          strict=True) if not c}
    return [i for i in issues
            if not (i.rule == "CLD102" and i.message.split(";")[0] in spacers)]


def apply_block(con: duckdb.DuckDBPyConnection, table: str, layout: Layout, spec: Spec,
                present: set[str], row_sql: str) -> tuple[list[str], list[Notice]]:
    """Give every row the block's values. Returns the items added as columns and issues.

    A column value that differs from the block is an issue at the block's cell (the block
    wins, so the rows agree afterwards).
    """
    added: list[str] = []
    issues: list[Notice] = []
    for item_id, b in layout.block.items():
        if b.value is None:
            continue
        item = spec.item(item_id)
        col = _q(item_id)
        load_rows(con, "block_value", {"v": "VARCHAR"}, [{"v": b.value}])
        value = "(SELECT v FROM block_value)"
        if item_id in present:
            same = f"lower(trim(c)) = lower(trim({value}))"
            if item.type == "date":
                same += (" OR try_strptime(trim(c), '%d/%m/%Y') = "
                         f"try_strptime(trim({value}), '%d/%m/%Y')")
            rows = con.execute(
                f"SELECT count(*), list(r ORDER BY r)[1:5] FROM (SELECT {row_sql} AS r, "
                f"{col} AS c FROM {table}) WHERE NULLIF(trim(c), '') IS NOT NULL "
                f"AND NOT ({same})").fetchone()
            assert rows is not None
            if rows[0]:
                listed = ", ".join(str(r) for r in rows[1]) + (", ..." if rows[0] > 5 else "")
                issues.append(Notice(
                    "CLD105",
                    f"{item.name} is {b.value} in the Submission Information block (cell "
                    f"{b.cell}) but {rows[0]:,} row(s) of the {item.name} column differ "
                    f"(rows {listed}); the block's value was used.",
                    row=b.row, column=item.name, value=b.value))
        else:
            con.execute(f"ALTER TABLE {table} ADD COLUMN {col} VARCHAR")
            added.append(item_id)
        con.execute(f"UPDATE {table} SET {col} = {value}")
    con.execute("DROP TABLE IF EXISTS block_value")
    return added, issues


def finish(con: duckdb.DuckDBPyConnection, table: str, layout: Layout, spec: Spec,
           headers: HeaderMap, row_sql: str, csv_rows: bool) -> None:
    """Apply the layout to a loaded table and its header map (in place)."""
    names = headers.storage_names()
    if csv_rows:
        drop_trailing_empty(con, table, layout, names)
    issues = quiet_spacers(con, table, headers.headers, names, headers.issues)
    added, block_issues = apply_block(con, table, layout, spec, headers.present, row_sql)
    for item_id in added:
        headers.headers.append(spec.item(item_id).name)
        headers.item_of_column.append(item_id)
    blank = {spec.item(i).name: b for i, b in layout.block.items() if b.value is None}
    kept: list[Notice] = []
    for issue in issues:
        b = blank.get(issue.column or "")
        if issue.rule in ("CLD101", "CLD104") and issue.column in {
                spec.item(i).name for i in added}:
            continue
        if issue.rule == "CLD101" and b is not None:
            issue = Notice("CLD101", f"{issue.column} is blank in the Submission "
                           f"Information block (cell {b.cell}) and there is no "
                           f"{issue.column} column; fill it in.", row=b.row,
                           column=issue.column)
        kept.append(issue)
    headers.issues = kept + block_issues


def first_column(path: Path, sheet: str) -> int:
    """Index of the first column the workbook reader returns for `sheet` (0 = column A)."""
    import fastexcel

    try:
        columns = fastexcel.read_excel(path).load_sheet(sheet, header_row=None, n_rows=1,
                                                        dtypes="string").available_columns()
    except Exception:  # fastexcel raises its own error types; the sheet was read before
        return 0
    return int(columns[0].absolute_index) if columns else 0
