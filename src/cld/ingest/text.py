"""Text files made one shape before they are parsed: UTF-8 with LF line ends.

Line ends CR (Excel for Mac), LF, CRLF and any mix of them become LF (a file keeps its
number of lines, so row numbers do not move). UTF-16 and UTF-32 are decoded whole. Other files
are decoded line by line on each line's own evidence: UTF-8 where its bytes are UTF-8,
Windows-1252 where they are not. A file whose lines disagree is read correctly and the rows in
the minority encoding are named (see `mixed_rows`), never silently garbled.
"""

from __future__ import annotations

import codecs
import csv
from dataclasses import dataclass, field
from pathlib import Path

from cld.ingest.errors import UnreadableFile
from cld.issues import Notice

CHUNK = 1 << 22
MAX_LINE = 1 << 26  # a line (without line break) longer than this is not CLD data
LABEL = {"utf-8": "UTF-8", "cp1252": "Windows-1252"}


def _latin1_fallback(err: UnicodeError) -> tuple[str | bytes, int]:
    # The five bytes Windows-1252 leaves undefined decode as their Latin-1 code points.
    assert isinstance(err, UnicodeDecodeError)
    return err.object[err.start : err.end].decode("latin-1"), err.end


codecs.register_error("cld_latin1_fallback", _latin1_fallback)


@dataclass
class Recoded:
    path: Path  # the UTF-8, LF copy
    encoding: str  # utf-8, utf-8-sig, cp1252, utf-16, utf-32, or "mixed: utf-8 and cp1252"
    changed: bool  # False when the copy is byte for byte the original
    lines: dict[str, list[int]] = field(default_factory=dict)  # non-ASCII lines per encoding

    @property
    def minority(self) -> tuple[str, list[int]] | None:
        """In a mixed file, the encoding fewer lines are in and those lines (1-based)."""
        if len([e for e, n in self.lines.items() if n]) < 2:
            return None
        enc = min(self.lines, key=lambda e: (len(self.lines[e]), e))
        return enc, self.lines[enc]


def _lf(block: bytes) -> bytes:
    return block.replace(b"\r\n", b"\n").replace(b"\r", b"\n")


def _is_utf8(line: bytes) -> bool:
    # A replacement character marks bytes that are not UTF-8 (no exception per line); only a
    # line that holds an encoded U+FFFD itself needs the strict check.
    if "\ufffd" not in line.decode("utf-8", errors="replace"):
        return True
    if b"\xef\xbf\xbd" not in line:
        return False
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _recode_lines(block: bytes, first: int, lines: dict[str, list[int]]) -> bytes:
    """A block of whole LF lines as UTF-8: each non-ASCII line kept if it is UTF-8, else
    decoded as Windows-1252; the line numbers of each kind noted."""
    if block.isascii():
        return block
    try:
        block.decode("utf-8")
        whole_utf8 = True
    except UnicodeDecodeError:
        whole_utf8 = False
    parts = block.split(b"\n")
    changed = False
    for n, part in enumerate(parts):
        if part.isascii():
            continue
        if not whole_utf8 and not _is_utf8(part):
            parts[n] = part.decode("cp1252", errors="cld_latin1_fallback").encode("utf-8")
            lines["cp1252"].append(first + n)
            changed = True
            continue
        lines["utf-8"].append(first + n)
    return b"\n".join(parts) if changed else block


def _bytes_to_utf8(path: Path, out: Path, file: str) -> Recoded:
    lines: dict[str, list[int]] = {"utf-8": [], "cp1252": []}
    changed = bom = False
    line = 1
    with path.open("rb") as src, out.open("wb") as dst:
        carry = b""
        while True:
            chunk = src.read(CHUNK)
            data = carry + chunk
            if line == 1 and not carry and data.startswith(b"\xef\xbb\xbf"):
                data, bom, changed = data[3:], True, True
            if chunk:
                # whole lines only; a CR at the very end may be half of a CRLF
                end = len(data) - data.endswith(b"\r")
                cut = max(data.rfind(b"\n", 0, end), data.rfind(b"\r", 0, end))
                if cut < 0:
                    if len(data) > MAX_LINE:
                        raise UnreadableFile(file, f"line {line:,} is longer than "
                                             f"{MAX_LINE >> 20} MB: this is not CLD data")
                    carry = data
                    continue
                block, carry = data[: cut + 1], data[cut + 1 :]
            else:
                block, carry = data, b""
            if b"\r" in block:
                block, changed = _lf(block), True
            dst.write(_recode_lines(block, line, lines))
            line += block.count(b"\n")
            if not chunk:
                break
    if lines["cp1252"]:
        changed = True
        encoding = "mixed: utf-8 and cp1252" if lines["utf-8"] else "cp1252"
    else:
        encoding = "utf-8-sig" if bom else "utf-8"
    return Recoded(out, encoding, changed, lines)


def _wide_to_utf8(path: Path, out: Path, codec: str, file: str) -> Recoded:
    label = codec.split("-le")[0].split("-be")[0].upper()
    first = True
    try:
        with (path.open(encoding=codec, errors="strict", newline="") as src,
              out.open("w", encoding="utf-8", newline="") as dst):
            carry = ""
            while chunk := src.read(CHUNK):
                text = carry + chunk
                if first:
                    text, first = text.lstrip("\ufeff"), False
                text, carry = (text[:-1], "\r") if text.endswith("\r") else (text, "")
                dst.write(text.replace("\r\n", "\n").replace("\r", "\n"))
            dst.write(carry.replace("\r", "\n"))
    except UnicodeDecodeError as exc:
        raise UnreadableFile(file, f"the file is not valid {label} text ({exc.reason}); save it "
                             "again as CSV UTF-8") from None
    return Recoded(out, codec.removesuffix("-le").removesuffix("-be"), True)


def to_utf8(path: Path, codec: str, workdir: Path, file: str) -> Recoded:
    """Write a UTF-8, LF copy of `path` into `workdir` (streamed, any size). `codec` is what the
    start of the file shows (cld.ingest.sniff.text_encoding)."""
    out = workdir / "recoded.csv"
    if codec.startswith(("utf-16", "utf-32")):
        return _wide_to_utf8(path, out, codec, file)
    return _bytes_to_utf8(path, out, file)


def mixed_rows(recoded: Recoded) -> list[tuple[int, int, str]]:
    """(row, column index, value) for each record holding a line in the minority encoding of a
    mixed file: the record's row as a spreadsheet numbers it (header = 1) and its first
    non-ASCII cell."""
    minority = recoded.minority
    if minority is None:
        return []
    wanted = sorted(minority[1])
    out: list[tuple[int, int, str]] = []
    csv.field_size_limit(1 << 30)
    k = 0
    with recoded.path.open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        try:
            for row, record in enumerate(reader, start=1):
                last = reader.line_num
                if k < len(wanted) and wanted[k] <= last:
                    cells = [(i, c) for i, c in enumerate(record) if not c.isascii()]
                    col, value = cells[0] if cells else (0, record[0] if record else "")
                    out.append((row, col, value))
                    while k < len(wanted) and wanted[k] <= last:
                        k += 1
                if k >= len(wanted):
                    break
        except csv.Error:
            pass  # a malformed file is reported by the reader; rows named so far stand
    return out


def mixed_issues(recoded: Recoded, columns: list[str | None]) -> list[Notice]:
    """One CLD120 warning per record of a mixed file that is in the minority encoding;
    `columns` names the file's columns (None where not a data item)."""
    minority = recoded.minority
    if minority is None:
        return []
    enc = minority[0]
    other = "cp1252" if enc == "utf-8" else "utf-8"
    message = (f"This row is in {LABEL[enc]} but the rest of the file is in {LABEL[other]}; "
               f"it was read as {LABEL[enc]}. Check its accented letters and symbols, and "
               "save the file again as CSV UTF-8.")
    return [Notice("CLD120", message, row=row,
                   column=columns[col] if col < len(columns) else None, value=value)
            for row, col, value in mixed_rows(recoded)]
