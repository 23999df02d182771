"""What a file is, decided from its bytes before it is read: a regular file at all, a
workbook, some other format, or text in which encoding (with the evidence for it)."""

from __future__ import annotations

import os
import re
import stat
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from cld.ingest.errors import UnreadableFile

HEAD_BYTES = 1 << 16
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # a ZIP entry, an empty ZIP
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE compound file (.xls, encrypted .xlsx)
WORKBOOK_SUFFIXES = {".xlsx", ".xlsm"}
TEXT_SUFFIXES = {".csv"}
_FIX = "give the submission as a CSV file or an XLSX workbook"
#: ZIP bombs: what a workbook's parts may expand to in all, and how many times one part over
#: RATIO_FROM bytes may expand (real sheets expand about 10 times; a bomb, hundreds)
MAX_EXPANDED = 4 << 30
MAX_RATIO, RATIO_FROM = 100, 10 << 20
_BOMB = "it is refused as a possible ZIP bomb; save the data as CSV, or as .xlsx again"

_MAGIC = (  # leading bytes of formats a submission is sometimes confused with
    (b"%PDF-", "a PDF document"),
    (b"\x1f\x8b", "a gzip-compressed file"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"BZh", "a bzip2-compressed file"),
    (b"\xfd7zXZ\x00", "an xz-compressed file"),
    (b"\x28\xb5\x2f\xfd", "a zstd-compressed file"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"PAR1", "a Parquet file"),
    (b"\x7fELF", "a program (ELF executable)"),
)
_BOMS = (  # longest first: the UTF-32 LE mark starts with the UTF-16 LE one
    (b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"),
)
_CONTROL = re.compile(rb"[\x00-\x08\x0e-\x1f\x7f]")
_SPECIAL = (
    (stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def special_kind(path: Path) -> str | None:
    """What `path` is when it is not a regular file ('a folder', 'a named pipe (FIFO)', ...),
    found without opening it; None for a regular file (or a link to one)."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None  # missing or unreadable: opening it says which
    for test, what in _SPECIAL:
        if test(mode):
            return f"a link to {what}" if path.is_symlink() else what
    return None if stat.S_ISREG(mode) else "not a regular file"


def read_head(path: Path, file: str, size: int = HEAD_BYTES) -> bytes:
    """The first `size` bytes of a regular file. Anything else (folder, FIFO, device, socket,
    missing, unreadable, empty) is refused with a clear message, never waited on."""
    what = special_kind(path)
    if what is not None:
        raise UnreadableFile(file, f"this is {what}, not a file; {_FIX}")
    try:
        # Non-blocking: should the path become a FIFO after the check, opening cannot hang.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        gone = " (a link to a file that does not exist)" if path.is_symlink() else ""
        raise UnreadableFile(file, f"file not found{gone}") from None
    except OSError as exc:
        raise UnreadableFile(file, f"cannot open the file ({exc.strerror})") from None
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
            raise UnreadableFile(file, f"this is not a regular file; {_FIX}")
        try:
            head = f.read(size)
        except OSError as exc:
            raise UnreadableFile(file, f"cannot read the file ({exc.strerror})") from None
    if not head:
        raise UnreadableFile(file, "the file is empty")
    return head


def _zip_kind(path: Path, head: bytes, file: str) -> str:
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            mimetype = z.read("mimetype")[:80] if "mimetype" in names else b""
            _declared_expansion(z.infolist(), file)
    except (zipfile.BadZipFile, OSError, EOFError, KeyError, ValueError, RuntimeError,
            NotImplementedError, zlib.error):
        if b"xl/" in head or b"[Content_Types].xml" in head:
            raise UnreadableFile(file, "this is an Excel workbook that is damaged or incomplete "
                                 "(cut short in a download or copy?); save it again") from None
        raise UnreadableFile(file, "this is a damaged ZIP archive, not an Excel XLSX "
                             "workbook") from None
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "xl/workbook.bin" in names:
        what = "an Excel binary workbook (.xlsb)"
    elif b"opendocument.spreadsheet" in mimetype:
        what = "an OpenDocument spreadsheet (.ods)"
    elif "word/document.xml" in names:
        what = "a Word document (.docx)"
    elif "ppt/presentation.xml" in names:
        what = "a PowerPoint presentation (.pptx)"
    else:
        what = "a ZIP archive"
    raise UnreadableFile(file, f"this is {what}, not an Excel XLSX workbook; save the data "
                         "as .xlsx or CSV")


def _declared_expansion(parts: list[zipfile.ZipInfo], file: str) -> None:
    """Refuse a ZIP whose parts say they expand too much (before any is expanded)."""
    total = sum(p.file_size for p in parts)
    if total > MAX_EXPANDED:
        raise UnreadableFile(file, f"this workbook would expand to {total:,} bytes when "
                             f"opened (more than {MAX_EXPANDED:,}); {_BOMB}")
    for p in parts:
        times = p.file_size / max(1, p.compress_size)
        if p.file_size > RATIO_FROM and times > MAX_RATIO:
            raise UnreadableFile(file, f"the part {p.filename} of this workbook would expand "
                                 f"{times:,.0f} times when opened, to {p.file_size:,} bytes; "
                                 f"{_BOMB}")


def check_expansion(path: Path, file: str) -> None:
    """Expand every part of the workbook, counting, before a reader does: a part larger
    than its header says (a forged size) or a whole beyond MAX_EXPANDED is refused."""
    total = 0
    try:
        with zipfile.ZipFile(path) as z:
            for part in z.infolist():
                declared, part.file_size = part.file_size, MAX_EXPANDED + 1  # read it all
                size = 0
                with z.open(part) as f:
                    while chunk := f.read(1 << 20):
                        size, total = size + len(chunk), total + len(chunk)
                        if size > declared or total > MAX_EXPANDED:
                            raise UnreadableFile(file, f"the part {part.filename} of this "
                                                 "workbook expands beyond the size its "
                                                 f"header gives; {_BOMB}")
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, RuntimeError,
            NotImplementedError, zlib.error):
        raise UnreadableFile(file, "this is an Excel workbook that is damaged or incomplete "
                             "(cut short in a download or copy?); save it again") from None


def _has_utf16_name(path: Path, names: tuple[str, ...]) -> str | None:
    """The first of `names` stored (as OLE directory names are, UTF-16LE) in the file."""
    wanted = [(n, n.encode("utf-16-le")) for n in names]
    keep = max(len(b) for _, b in wanted)
    tail = b""
    with path.open("rb") as f:
        while chunk := f.read(1 << 22):
            block = tail + chunk
            for name, raw in wanted:
                if raw in block:
                    return name
            tail = block[-keep:]
    return None


def _ole_kind(path: Path, file: str) -> UnreadableFile:
    found = _has_utf16_name(path, ("EncryptionInfo", "EncryptedPackage", "WordDocument",
                                   "Workbook", "Book"))
    if found in {"EncryptionInfo", "EncryptedPackage"}:
        return UnreadableFile(file, "this is a password-protected (encrypted) Excel workbook; "
                              "remove the password and save it again as .xlsx")
    if found == "WordDocument":
        return UnreadableFile(file, "this is a Word 97-2003 document (.doc), not a CSV file "
                              "or XLSX workbook")
    if found in {"Workbook", "Book"}:
        return UnreadableFile(file, "this is a legacy Excel 97-2003 workbook (.xls), which "
                              "is not supported; save it as .xlsx or CSV")
    return UnreadableFile(file, "this is a legacy Office file (OLE compound document), not a "
                          "CSV file or XLSX workbook")


def _markup(text: str) -> str | None:
    """What a text file is when it is not CSV (JSON, HTML, XML, RTF), from its start."""
    start = text.lstrip("\ufeff \t\r\n")[:4096]
    low = start.lower()
    if re.match(r'[\[{]\s*(["\[{\]}]|-?\d|true|false|null)', start):
        return "a JSON document"
    if low.startswith("{\\rtf"):
        return "an RTF document"
    if low.startswith("<?xml"):
        if "urn:schemas-microsoft-com:office:spreadsheet" in low:
            return "an Excel 2003 XML spreadsheet"
        return "an XML document"
    if re.match(r"<(!doctype html|html|head|body|table|meta|!--)", low):
        return "an HTML web page"
    if low.startswith("<"):
        return "an HTML or XML document"
    return None


def kind(path: Path, head: bytes, file: str) -> str:
    """'xlsx' or 'text'; any other format is refused with a message saying what it is."""
    suffix = path.suffix.lower()
    if head.startswith(ZIP_MAGIC):
        _zip_kind(path, head, file)
        if suffix in TEXT_SUFFIXES:
            raise UnreadableFile(file, f"this is an Excel XLSX workbook, though its name ends "
                                 f"in {suffix}; rename it to .xlsx (or save it as CSV)")
        return "xlsx"
    if head.startswith(OLE_MAGIC):
        raise _ole_kind(path, file)
    for magic, what in _MAGIC:
        if head.startswith(magic):
            raise UnreadableFile(file, f"this is {what}, not a CSV file or XLSX workbook")
    guess = text_encoding(head)
    if guess.encoding is None:
        raise UnreadableFile(file, f"this is a binary file, not a CSV text file or XLSX "
                             f"workbook ({guess.evidence})")
    markup = _markup(head.decode(guess.codec, errors="replace"))
    if markup is not None:
        raise UnreadableFile(file, f"this is {markup}, not a CSV file or XLSX workbook")
    if suffix in WORKBOOK_SUFFIXES:
        raise UnreadableFile(file, f"the name ends in {suffix} but this is not an Excel "
                             "workbook: it is a text file; if it is CSV, name it .csv")
    return "text"


@dataclass(frozen=True)
class TextGuess:
    """The encoding the start of a file shows (None: not text), and why."""

    encoding: str | None  # utf-8 (to be confirmed by the whole file), utf-8-sig, utf-16...
    evidence: str
    codec: str = "utf-8"  # what Python decodes it with (BOM included where there is one)


def _utf16_without_bom(head: bytes) -> str | None:
    sample = head[: 4096 - 4096 % 2] if len(head) >= 2 else b""
    if len(sample) < 4:
        return None
    even = sample[0::2].count(0) / (len(sample) // 2)
    odd = sample[1::2].count(0) / (len(sample) // 2)
    for codec, zeros, other in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        if zeros >= 0.3 and other <= 0.02:
            try:
                sample[: len(sample) - 2].decode(codec)
            except UnicodeDecodeError:
                continue
            return codec
    return None


def text_encoding(head: bytes) -> TextGuess:
    """Decide from the first bytes: a byte-order mark, UTF-16 without one (every second byte
    zero), binary (control bytes), else UTF-8 or, where its bytes are not UTF-8,
    Windows-1252. The whole file confirms UTF-8 as it is read (see cld.ingest.text)."""
    for bom, codec in _BOMS:
        if head.startswith(bom):
            return TextGuess(codec, f"byte-order mark {bom.hex(' ')}", codec)
    utf16 = _utf16_without_bom(head)
    if utf16 is not None:
        order = "little" if utf16.endswith("le") else "big"
        return TextGuess(utf16, f"every second byte is zero: UTF-16 ({order}-endian) "
                         "without a byte-order mark", utf16)
    control = len(_CONTROL.findall(head))
    if control > max(8, len(head) // 20):
        return TextGuess(None, f"{control:,} control bytes in the first {len(head):,}")
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 3:  # not just a character cut at the end of the sample
            return TextGuess("cp1252", f"byte 0x{head[exc.start]:02x} at offset {exc.start:,} "
                             "is not UTF-8", "cp1252")
    return TextGuess("utf-8", "valid UTF-8 so far")


def line_ends(head: bytes) -> set[str]:
    """The kinds of line end in `head`: CRLF, CR (Excel for Mac), LF."""
    if head.endswith(b"\r"):
        head = head[:-1]  # may be half of a CRLF
    crlf = head.count(b"\r\n")
    found = {"CRLF": crlf, "CR": head.count(b"\r") - crlf, "LF": head.count(b"\n") - crlf}
    return {k for k, n in found.items() if n}


def first_line_problem(head: str, path: Path) -> str | None:
    """A message when the first line of a text file cannot be a header row: no line break
    in the first `len(head)` (1 MB) characters read."""
    if len(head) < 1 << 20 or "\n" in head or "\r" in head:
        return None
    size = path.stat().st_size
    return (f"the first line has no line break in its first {len(head):,} characters (the "
            f"file is {size:,} bytes): a CLD header row is about 2,000 characters, so this "
            "is not one; check it is the right file and that it is CSV")


def workbook_problem(exc: Exception) -> str:
    """A plain message for a workbook the XLSX reader refused (no exception names)."""
    text = f"{type(exc).__name__} {exc}".lower()
    if "nodata" in text or "no data" in text or "empty" in text:
        return "the workbook has no data: its sheets are empty"
    if "password" in text or "encrypt" in text:
        return ("the workbook is password-protected (encrypted); remove the password and "
                "save it again as .xlsx")
    return ("the workbook cannot be read: it is damaged or not a standard XLSX workbook; "
            "open it in Excel and save it again as .xlsx")
