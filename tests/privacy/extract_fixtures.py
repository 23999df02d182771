"""Fixtures of the extract tests: a small synthetic store (LAs 503 and 318, 2020/21, SQLite)
and a key file. Test modules bind them by assignment (`xstore = extract_fixtures.xstore`);
x-prefixed, as the other privacy tests have their own `store` in conftest.py."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from cld.privacy.keys import KeyRing, load_key_file, new_key_file
from cld.store import Store
from cld.store.submit import submit
from cld.synth import generate, write_submission

YEAR = "2020/21"


@pytest.fixture(scope="session")
def xstore_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("privacy")
    st = Store.open(folder / "store", None, create=True)
    try:
        for la, seed in (("503", 21), ("318", 22)):
            df = generate(la, date(2020, 4, 1), date(2021, 3, 31), people=80, seed=seed)
            path = folder / f"{la}.csv"
            write_submission(df, path)
            assert submit(st, path, la=la, year=YEAR).kind == "accepted"
    finally:
        st.close()
    return folder / "store"


@pytest.fixture
def xstore(xstore_dir: Path) -> Iterator[Store]:
    st = Store.open(xstore_dir, None)
    yield st
    st.close()


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    path = tmp_path / "keys" / "pseudo.key"
    path.parent.mkdir()
    new_key_file(path, date(2026, 1, 1))
    return path


@pytest.fixture
def keys(key_file: Path) -> KeyRing:
    return load_key_file(key_file)
