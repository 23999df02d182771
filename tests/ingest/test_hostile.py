"""Hostile input through the command line: every class of broken, foreign or strange file gets
exit code 2 and a message saying what it is (or 0/1 and the right issues when it is readable),
never a traceback, an exception's name or a hang. The corpus is generated here, not committed."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from cld.cli import app
from cld.validation.testing import rows

runner = CliRunner()
EXCEPTION_NAME = re.compile(r"\b[A-Z]\w*(Error|Exception)\b")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def cli(*args: str | Path) -> tuple[int, str, str]:
    """Run `cld ARGS` in-process: (exit code, all output with whitespace collapsed, stdout)."""
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        repr(result.exception))
    out = result.output
    assert "Traceback" not in out
    assert not EXCEPTION_NAME.search(out), out
    return result.exit_code, " ".join(out.split()), result.stdout


def sample(data: list[dict[str, str]] | None = None, newline: str = "\r\n") -> str:
    data = data or rows()
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator=newline)
    w.writerow(list(data[0]))
    for r in data:
        w.writerow(list(r.values()))
    return buf.getvalue()


def workbook(path: Path, data: list[dict[str, str]] | None = None) -> Path:
    data = data or rows()
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    for r, rec in enumerate([dict(zip(data[0], data[0], strict=True)), *data]):
        for c, v in enumerate(rec.values()):
            ws.write_string(r, c, v)
    wb.close()
    return path


def compound_file(*streams: str) -> bytes:
    """A minimal OLE compound file: header and one directory sector naming `streams`."""
    header = OLE_MAGIC + bytes(22) + b"\x3e\x00\x03\x00\xfe\xff\x09\x00\x06\x00"
    header = header.ljust(0x30, b"\x00") + (0).to_bytes(4, "little")
    entries = b""
    for n, name in enumerate(("Root Entry", *streams)):
        raw = name.encode("utf-16-le") + b"\x00\x00"
        entry = raw.ljust(64, b"\x00") + len(raw).to_bytes(2, "little")
        entry += bytes([5 if n == 0 else 2])
        entries += entry.ljust(128, b"\x00")
    return header.ljust(512, b"\x00") + entries.ljust(512, b"\x00")


def _zip(path: Path, files: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        for name, text in files.items():
            z.writestr(name, text)
    return path


def _write(name: str, content: bytes) -> Callable[[Path], Path]:
    def make(tmp: Path) -> Path:
        (tmp / name).write_bytes(content)
        return tmp / name
    return make


def _truncated(tmp: Path) -> Path:
    full = workbook(tmp / "full.xlsx").read_bytes()
    (tmp / "cut.xlsx").write_bytes(full[: len(full) * 2 // 3])
    return tmp / "cut.xlsx"


def _empty_workbook(tmp: Path) -> Path:
    wb = xlsxwriter.Workbook(str(tmp / "empty.xlsx"))
    wb.add_worksheet()
    wb.close()
    return tmp / "empty.xlsx"


def _xlsx_named_csv(tmp: Path) -> Path:
    return workbook(tmp / "named.csv")


def _folder(tmp: Path) -> Path:
    (tmp / "folder.csv").mkdir()
    return tmp / "folder.csv"


def _link_to_folder(tmp: Path) -> Path:
    (tmp / "real").mkdir()
    (tmp / "link.csv").symlink_to(tmp / "real")
    return tmp / "link.csv"


def _broken_link(tmp: Path) -> Path:
    (tmp / "gone.csv").symlink_to(tmp / "nothing-here.csv")
    return tmp / "gone.csv"


# (make the file, what the message must say); every one exits 2
UNREADABLE: dict[str, tuple[Callable[[Path], Path], str]] = {
    "folder": (_folder, "this is a folder, not a file"),
    "link to a folder": (_link_to_folder, "this is a link to a folder"),
    "broken link": (_broken_link, "a link to a file that does not exist"),
    "device": (lambda tmp: Path(os.devnull), "this is a character device"),
    "empty file": (_write("e.csv", b""), "the file is empty"),
    "encrypted xlsx": (_write("locked.xlsx", compound_file("EncryptionInfo",
                                                           "EncryptedPackage")),
                       "password-protected (encrypted) Excel workbook"),
    "legacy xls": (_write("old.xls", compound_file("Workbook")),
                   "legacy Excel 97-2003 workbook (.xls)"),
    "empty workbook": (_empty_workbook, "the workbook has no data"),
    "truncated workbook": (_truncated, "Excel workbook that is damaged or incomplete"),
    "json named csv": (_write("j.csv", json.dumps([{"LA Code": "503"}]).encode()),
                       "this is a JSON document"),
    "html named csv": (_write("h.csv", b"<!DOCTYPE html><html><table><tr><td>LA Code</td>"
                              b"</tr></table></html>"), "this is an HTML web page"),
    "pdf named csv": (_write("p.csv", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"),
                      "this is a PDF document"),
    "zip named csv": (lambda tmp: _zip(tmp / "z.csv", {"notes.txt": "hello"}),
                      "this is a ZIP archive"),
    "ods named xlsx": (lambda tmp: _zip(tmp / "o.xlsx", {
        "mimetype": "application/vnd.oasis.opendocument.spreadsheet", "content.xml": "<x/>"}),
        "OpenDocument spreadsheet (.ods)"),
    "xlsx named csv": (_xlsx_named_csv, "Excel XLSX workbook, though its name ends in .csv"),
    "csv named xlsx": (_write("c.xlsx", sample().encode()),
                       "not an Excel workbook: it is a text file"),
    "excel 2003 xml": (_write("x.csv", b'<?xml version="1.0"?>\n<Workbook xmlns="urn:schemas-'
                              b'microsoft-com:office:spreadsheet"></Workbook>'),
                       "Excel 2003 XML spreadsheet"),
    "gzip": (_write("g.csv", b"\x1f\x8b\x08\x00" + bytes(40)), "gzip-compressed file"),
    "binary junk": (_write("b.csv", bytes(range(256)) * 20), "this is a binary file"),
    "header line over 1 MB": (_write("long.csv", ("Person Unique Identifier," * 50_000
                                                  + "\r\n1\r\n").encode()),
                              "the first line has no line break in its first 1,048,576"),
}


@pytest.mark.parametrize("case", list(UNREADABLE))
def test_unreadable_file_exits_2_saying_what_it_is(tmp_path: Path, case: str) -> None:
    make, says = UNREADABLE[case]
    path = make(tmp_path)
    code, out, _ = cli("validate", path)
    assert code == 2, out
    assert says in out and path.name in out


def test_submit_refuses_the_same_files_plainly(tmp_path: Path) -> None:
    store = tmp_path / "store"
    locked = tmp_path / "locked.xlsx"
    locked.write_bytes(compound_file("EncryptionInfo", "EncryptedPackage"))
    code, out, _ = cli("submit", locked, "--la", "503", "--year", "2020/21", "--store", store)
    assert code == 1 and "rejected" in out and "password-protected" in out
    code, out, _ = cli("submit", _folder(tmp_path), "--la", "503", "--year", "2020/21",
                       "--store", store)
    assert code == 2 and "is not a file but a folder" in out


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX only")
def test_a_fifo_is_refused_without_waiting(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    proc = subprocess.run([sys.executable, "-m", "cld.cli", "validate", str(fifo)],
                          capture_output=True, text=True, timeout=120)  # a hang fails here
    assert proc.returncode == 2
    assert "named pipe (FIFO)" in " ".join(proc.stderr.split())
    assert "Traceback" not in proc.stderr + proc.stdout
    code, out, _ = cli("submit", fifo, "--la", "503", "--year", "2020/21", "--store",
                       tmp_path / "store")
    assert code == 2 and "is not a file but a named pipe (FIFO)" in out


def _issues(path: Path) -> tuple[int, dict, list[dict]]:
    code, _, stdout = cli("validate", path, "--format", "json")
    doc = json.loads(stdout)
    return code, doc["summary"], doc["issues"]


def _cells(issues: list[dict], rule: str) -> set[tuple[int, str]]:
    return {(i["row"], i["column"]) for i in issues if i["rule"] == rule}


def test_quotes_and_nul_bytes_in_values_reach_no_sql_text(tmp_path: Path) -> None:
    nasty = {"Gender": "Fe\x00male'", "LA Name": "O'Brien\x00\"", "Event Reference": "E'\x00",
             "Person Unique Identifier": "P'1\x00", "Reporting Year": "2020/21'\x00",
             "Unit Cost (£)": "1\x00"}
    text = sample(rows([nasty] * 4)).replace("Dementia", 'Demen"tia\x00', 1)
    path = tmp_path / "nasty.csv"
    path.write_text(text, encoding="utf-8")
    code, summary, issues = _issues(path)
    assert code == 1 and summary["rows"] == 4
    assert {(i["row"], i["value"]) for i in issues if i["rule"] == "CLD302"} == {
        (r, "Fe\x00male'") for r in range(2, 6)}
    assert {i["value"] for i in issues if i["rule"] == "CLD206"} == {"2020/21'\x00"}
    assert _cells(issues, "CLD103") == {(1, "Dementia")}
    assert not _cells(issues, "CLD203")  # the modal values hold the NUL too, and match
    code, out, _ = cli("validate", path, "--report-dir", tmp_path / "reports")
    assert code == 1 and len(list((tmp_path / "reports").iterdir())) == 4


def test_markup_and_escape_sequences_in_values_print_as_text(tmp_path: Path) -> None:
    path = tmp_path / "markup.csv"
    path.write_text(sample(rows([{"LA Code": "[/bold]", "LA Name": "[/x]\x1b[2J"}] * 4)),
                    encoding="utf-8")
    code, out, _ = cli("validate", path)
    assert code == 1 and "LA [/x]\\x1b[2J ([/bold])" in out


@pytest.mark.parametrize("value", ["9" * 400, "1e400", "inf", "-inf", "nan", "Infinity",
                                   "12345678901234.00"])
def test_numbers_beyond_0_00_are_invalid_values(tmp_path: Path, value: str) -> None:
    from cld.validation.engine import connect, validate

    path = tmp_path / "n.csv"
    path.write_text(sample(rows([{}, {}, {"Unit Cost (£)": value}])), encoding="utf-8")
    con = connect()
    issues = validate(path, con=con).issues.to_pylist()
    assert _cells(issues, "CLD306") == {(4, "Unit Cost (£)")}
    row = con.execute("SELECT count(*) FILTER (isinf(unit_cost__n) OR isnan(unit_cost__n)), "
                      "count(unit_cost__n) FROM prepared_base").fetchone()
    assert row == (0, 0)


def test_a_huge_number_is_not_stored_as_infinity(tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    path = tmp_path / "big.csv"
    path.write_text(sample(rows([{}, {}, {"Unit Cost (£)": "9" * 400}])), encoding="utf-8")
    store = tmp_path / "store"
    code, out, _ = cli("submit", path, "--la", "503", "--year", "2020/21", "--store", store)
    assert code == 0 and "accepted" in out
    (events,) = store.rglob("events.parquet")
    costs = pq.read_table(events).column("unit_cost").to_pylist()
    assert costs == [None, None, None, None]


@pytest.mark.parametrize("ends", ["CRLF", "LF", "CR", "mixed"])
def test_line_endings_are_read_with_the_right_rows(tmp_path: Path, ends: str) -> None:
    data = rows([{"Event Description": "two\nlines"}, {}, {"Gender": "X"}])
    text = sample(data, newline="\n")
    lines = text.split("\n")[:-1]
    marks = {"CRLF": ["\r\n"], "LF": ["\n"], "CR": ["\r"], "mixed": ["\r\n", "\n", "\r"]}[ends]
    out = "".join(line + marks[n % len(marks)] for n, line in enumerate(lines))
    path = tmp_path / f"{ends}.csv"
    path.write_bytes(out.encode("utf-8"))
    code, summary, issues = _issues(path)
    assert code == 1 and summary["rows"] == 4
    assert _cells(issues, "CLD302") == {(4, "Gender")}


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_is_read(tmp_path: Path, codec: str) -> None:
    path = tmp_path / "u16.csv"
    path.write_bytes(sample(rows([{"Last Name": "Zoë-Ça"}] * 4)).encode(codec))
    code, summary, issues = _issues(path)
    assert code == 0 and summary["encoding"] == "utf-16" and summary["rows"] == 4
    assert issues == []


def test_mixed_encodings_name_the_rows_and_read_each_right(tmp_path: Path) -> None:
    lines = sample(rows([{"Last Name": "Zoë"}] * 4)).split("\r\n")[:-1]
    path = tmp_path / "mixed.csv"
    path.write_bytes(b"".join((line + "\r\n").encode("cp1252" if n == 4 else "utf-8")
                              for n, line in enumerate(lines, start=1)))
    code, summary, issues = _issues(path)
    assert code == 0 and summary["encoding"] == "mixed: utf-8 and cp1252"
    assert [(i["row"], i["column"], i["value"]) for i in issues] == [(4, "Last Name", "Zoë")]


# Random input: whatever the bytes, reading ends in a table or in UnreadableFile.

@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=3000), suffix=st.sampled_from([".csv", ".xlsx", ".txt"]),
       prefix=st.sampled_from([b"", b"PK\x03\x04", OLE_MAGIC, b"\xff\xfe", b"\xef\xbb\xbf"]))
def test_random_bytes_never_escape_as_an_exception(tmp_path: Path, data: bytes, suffix: str,
                                                   prefix: bytes) -> None:
    from cld.ingest import UnreadableFile, load_submission
    from cld.spec import load_spec
    from cld.validation.engine import connect

    path = tmp_path / f"random{suffix}"
    path.write_bytes(prefix + data)
    try:
        load_submission(connect(), path, load_spec())
    except UnreadableFile as exc:
        assert str(exc).startswith(path.name)


_cell = st.one_of(st.just(""), st.text(max_size=12),
                  st.sampled_from(["'", '"', "\x00", "\r", "\n", ",", "1e400", "[/]", "ë"]))


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cells=st.lists(st.lists(_cell, min_size=3, max_size=3), min_size=1, max_size=4),
       newline=st.sampled_from(["\r\n", "\n", "\r"]),
       encoding=st.sampled_from(["utf-8", "utf-16", "cp1252"]))
def test_random_text_rows_are_read_and_parsed_or_refused(tmp_path: Path, cells: list[list[str]],
                                                         newline: str, encoding: str) -> None:
    """Random values in the list, number, date and submission columns of the sample: the file
    is read and parsed (every value through the SQL the rules read), or refused plainly."""
    from cld.ingest import UnreadableFile, load_submission
    from cld.spec import load_spec
    from cld.validation.engine import connect
    from cld.validation.prepare import Bounds, prepare

    columns = ("Gender", "Unit Cost (£)", "LA Name")
    data = rows([dict(zip(columns, r, strict=True)) for r in cells])
    path = tmp_path / "rows.csv"
    path.write_bytes(sample(data, newline).encode(encoding, errors="replace"))
    con = connect()
    spec = load_spec()
    try:
        loaded = load_submission(con, path, spec)
    except UnreadableFile as exc:
        assert str(exc).startswith(path.name)
        return
    prepare(con, spec, loaded.table, loaded.headers.present,
            Bounds(date(2020, 4, 1), date(2021, 3, 31)))
    row = con.execute("SELECT count(*), count(gender__c), max(unit_cost__n) FROM prepared")
    n, _, top = row.fetchone() or (0, 0, None)
    assert n == loaded.rows and (top is None or top < 1e14)


def zip_bomb(path: Path, expanded: int, forged: int | None = None) -> Path:
    """A small .xlsx (a real workbook's parts) whose sheet XML expands to `expanded` bytes (a
    run of the same row); `forged`: the size its headers claim for the sheet instead."""
    import struct

    sheet = "xl/worksheets/sheet1.xml"
    real = zipfile.ZipFile(workbook(path.with_suffix(".real.xlsx")))
    row = b'<row><c t="inlineStr"><is><t>0</t></is></c></row>'
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for part in real.namelist():
            if part != sheet:
                z.writestr(part, real.read(part))
        with z.open(sheet, "w", force_zip64=False) as f:
            f.write(b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
                    b'openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
            block = row * (1 << 14)
            for _ in range(expanded // len(block)):
                f.write(block)
            f.write(b"</sheetData></worksheet>")
    if forged is not None:
        data = bytearray(path.read_bytes())
        local = zipfile.ZipFile(path).getinfo(sheet).header_offset
        struct.pack_into("<I", data, local + 22, forged)
        central = data.index(b"PK\x01\x02")
        while data[central + 46:central + 46 + len(sheet)] != sheet.encode():
            central = data.index(b"PK\x01\x02", central + 4)
        struct.pack_into("<I", data, central + 24, forged)
        path.write_bytes(bytes(data))
    return path


def test_a_zip_bomb_is_refused_before_it_is_expanded(tmp_path: Path) -> None:
    from cld.ingest.sniff import MAX_RATIO

    path = zip_bomb(tmp_path / "bomb.xlsx", 120 << 20)
    assert path.stat().st_size * MAX_RATIO < 120 << 20  # it does expand over 100 times
    code, out, _ = cli("validate", path)
    assert code == 2 and "bomb.xlsx: the part xl/worksheets/sheet1.xml of this workbook " \
        "would expand" in out and "refused as a possible ZIP bomb" in out


def test_a_zip_bomb_with_forged_sizes_is_refused_as_it_expands(tmp_path: Path) -> None:
    path = zip_bomb(tmp_path / "forged.xlsx", 30 << 20, forged=1 << 20)
    info = zipfile.ZipFile(path).getinfo("xl/worksheets/sheet1.xml")
    assert info.file_size == 1 << 20  # the headers claim 1 MB, under the ratio check
    code, out, _ = cli("validate", path)
    assert code == 2 and "forged.xlsx: the part xl/worksheets/sheet1.xml of this workbook " \
        "expands beyond the size its header gives" in out
