"""Fixtures of the store tests: every test runs on SQLite and on a real PostgreSQL (the `pg`
server fixture is in tests/conftest.py)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from cld.store import Store
from cld.synth import generate, write_submission
from cld.synth.series import cut
from tests.store.pg import PgServer

YEAR = "2020/21"
QUARTER_ENDS = (date(2020, 6, 30), date(2020, 9, 30), date(2020, 12, 31), date(2021, 3, 31))


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest) -> str | None:
    """A fresh, empty metadata database: None (SQLite in the store folder) or a URL."""
    if request.param == "sqlite":
        return None
    server: PgServer = request.getfixturevalue("pg")
    return server.create_database("cld_" + uuid.uuid4().hex[:12])


@pytest.fixture
def store(tmp_path: Path, database: str | None) -> Iterator[Store]:
    st = Store.open(tmp_path / "store", database)
    yield st
    st.close()


@pytest.fixture(scope="session")
def series(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Path]]:
    """Cumulative quarterly CSV files (Q1..Q4 of 2020/21) for LAs 503 and 318."""
    folder = tmp_path_factory.mktemp("series")
    out: dict[str, list[Path]] = {}
    for la, seed in (("503", 11), ("318", 12)):
        full = generate(la, date(2020, 4, 1), QUARTER_ENDS[-1], people=150, seed=seed)
        out[la] = []
        for n, end in enumerate(QUARTER_ENDS, start=1):
            path = folder / f"{la}-Q{n}.csv"
            write_submission(cut(full, end), path)
            out[la].append(path)
    return out


def edit_column(src: Path, dest: Path, column: str, value: str | None) -> Path:
    """A copy of CSV `src` with `column` set to `value` on every row (None: column removed).
    Synthetic files have no quoted commas, so a plain split is enough."""
    lines = src.read_text().splitlines()
    k = lines[0].split(",").index(column)
    out = []
    for n, line in enumerate(lines):
        cells = line.split(",")
        if value is None:
            del cells[k]
        elif n:
            cells[k] = value
        out.append(",".join(cells))
    dest.write_text("\n".join(out) + "\n")
    return dest
