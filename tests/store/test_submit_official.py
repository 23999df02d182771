"""`cld submit` accepts the official v4.2 workbook as an LA fills it, and its Excel CSV."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from cld.store import Store, submit
from tests.ingest.official import RECORDS, clean_records, excel_csv, grid, workbook
from tests.store.conftest import YEAR


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_official_template_is_accepted(store: Store, tmp_path: Path, fmt: str) -> None:
    records = clean_records()
    g = grid(records)
    path = (workbook(tmp_path / "cld.xlsx", records) if fmt == "xlsx"
            else excel_csv(tmp_path / "cld.csv", g.rows))
    out = submit(store, path, "503", YEAR, by="tester")
    assert out.kind == "accepted" and out.exit_code == 0, out
    sub = out.submission
    assert sub.rows == RECORDS and sub.errors == 0 and sub.fatal == 0
    # each stored event points back at its row of the sheet
    events = store.path(sub.folder) / "events.parquet"
    first, last = duckdb.sql(f"SELECT min(_row), max(_row) FROM read_parquet('{events}')"
                             ).fetchone() or (None, None)
    assert (first, last) == (g.first_record + 1, g.first_record + RECORDS)
