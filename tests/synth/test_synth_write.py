"""Writing synthetic submissions: CSV in three encodings and XLSX, read back unchanged."""

from __future__ import annotations

import csv
from pathlib import Path

import polars as pl
import pytest

from cld.synth import SynthResult, generate, write_submission

from .conftest import END, START


@pytest.fixture(scope="module")
def small() -> SynthResult:
    return generate("503", START, END, people=150, seed=4, defects=0.02)


def test_csv_utf8(tmp_path: Path, small: SynthResult) -> None:
    path = write_submission(small, tmp_path / "s.csv")
    back = pl.read_csv(path, infer_schema=False).with_columns(pl.all().fill_null(""))
    assert back.equals(small.rows)
    assert not path.read_bytes().startswith(b"\xef\xbb\xbf")


def test_csv_utf8_sig(tmp_path: Path, small: SynthResult) -> None:
    path = write_submission(small, tmp_path / "s.csv", encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    with open(path, encoding="utf-8-sig", newline="") as f:
        data = list(csv.reader(f))
    assert data[0] == small.rows.columns and len(data) == small.rows.height + 1


def test_csv_cp1252(tmp_path: Path, small: SynthResult, monkeypatch: pytest.MonkeyPatch) -> None:
    from cld.synth import writer

    monkeypatch.setattr(writer, "_CHUNK", 97)  # several chunks, one header
    path = write_submission(small, tmp_path / "s.csv", encoding="cp1252")
    assert "£".encode("cp1252") in path.read_bytes()
    with open(path, encoding="cp1252", newline="") as f:
        data = list(csv.reader(f))
    assert data[0] == small.rows.columns
    assert data[1:] == [list(r) for r in small.rows.iter_rows()]


def test_xlsx(tmp_path: Path, small: SynthResult) -> None:
    path = write_submission(small, tmp_path / "s.xlsx", fmt="xlsx")
    back = pl.read_excel(path, engine="calamine", infer_schema_length=0)
    assert back.columns == small.rows.columns
    assert back.with_columns(pl.all().cast(pl.String).fill_null("")).equals(small.rows)


def test_unknown_format_or_encoding(tmp_path: Path, small: SynthResult) -> None:
    with pytest.raises(ValueError):
        write_submission(small, tmp_path / "s.ods", fmt="ods")
    with pytest.raises(ValueError):
        write_submission(small, tmp_path / "s.csv", encoding="latin-1")
