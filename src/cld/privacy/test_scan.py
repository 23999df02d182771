from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import ibis
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from cld.engines import connect
from cld.privacy.scan import Finding, scan_dir

VALID = "9434765919"  # passes modulus 11 (see test_tokens)
TOKEN = hashlib.sha256(b"x").hexdigest()


def _source() -> pa.Table:
    return pa.table({
        "la_code": ["503", "503"], "person_id": ["P0000042", "P0000043"],
        "nhs_number": ["9434765919", None], "traced_nhs_number": [None, "4010232137"],
        "first_name": ["Zebedee", "Ann"], "last_name": ["Quinterro", "Tenant"],
        "date_of_birth": [date(1941, 2, 3), date(1950, 1, 1)],
        "postcode": ["wr23 8tu", "LS1 4AP"]})


def _scan(tmp_path: Path, columns: dict[str, list[object]], with_source: bool = True
          ) -> list[Finding]:
    folder = tmp_path / "x"
    folder.mkdir(exist_ok=True)
    t = pa.table(columns)
    pq.write_table(t, folder / "extract.parquet")
    con = connect()
    src = ibis.memtable(_source()) if with_source else None
    return scan_dir(folder, con, src)


def test_nhs_numbers_found_by_pattern_with_or_without_spaces(tmp_path: Path) -> None:
    found = _scan(tmp_path, {"a": ["ok", "943 476 5919", f"note {VALID}.", "9434765918",
                                   TOKEN, "1-" + VALID, None]}, with_source=False)
    assert found == [Finding("extract.parquet", "a", 2, "nhs_number"),
                     Finding("extract.parquet", "a", 3, "nhs_number")]


def test_postcodes_full_only(tmp_path: Path) -> None:
    found = _scan(tmp_path, {"pc": ["WR23", "WR23 8TU", "sw1a1aa", "B1", "at LS1 4AP now"]},
                  with_source=False)
    assert [(f.row, f.kind) for f in found] == [(2, "postcode"), (3, "postcode"),
                                                (5, "postcode")]


def test_source_values_found_by_value(tmp_path: Path) -> None:
    found = _scan(tmp_path, {
        "n": ["zebedee", "Quinterro ", "Tenant", "Ann", "Someone"],
        "d": [date(2020, 5, 1), date(1941, 2, 3), None, None, None],
        "s": ["03/02/1941", "p0000042", "P 0000043", "4010232137", "x"],
        "i": pa.array([1, 2, 3, 4, 5], pa.int64())})
    got = {(f.column, f.row, f.kind) for f in found}
    assert got == {("n", 1, "name"), ("n", 2, "name"),  # "Tenant" is a defined-list value
                   ("d", 2, "date_of_birth"), ("s", 1, "date_of_birth"),
                   ("s", 2, "person_id"), ("s", 3, "person_id"), ("s", 4, "nhs_number")}


def test_csv_rows_numbered_and_clean_extract_passes(tmp_path: Path) -> None:
    folder = tmp_path / "x"
    folder.mkdir()
    pacsv.write_csv(pa.table({"a": ["x", "y", "WR23 8TU"], "b": [TOKEN, "1941", "WR23"]}),
                    folder / "e.csv")
    assert scan_dir(folder) == [Finding("e.csv", "a", 3, "postcode")]
    (folder / "e.csv").unlink()
    pq.write_table(pa.table({"tok": [TOKEN], "birth_year": [1941], "m": [2]}),
                   folder / "e.parquet")
    con = connect()
    assert scan_dir(folder, con, ibis.memtable(_source())) == []


def test_findings_never_show_the_value() -> None:
    assert VALID not in str(Finding("f", "c", 1, "nhs_number"))
    assert isinstance(ibis.__version__, str)
