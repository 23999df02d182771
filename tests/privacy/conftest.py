"""Fixtures of the benchmark tests: the derive toy outputs plus one that counts exactly three
people per LA, and a store of synthetic submissions from three LAs (two in one region)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import ibis
import ibis.expr.types as ir
import pytest

from cld.derive.registry import OUTPUTS, Inputs, Output
from cld.store import Store, submit
from cld.synth import generate, write_submission
from tests.derive.conftest import TOYS, YEAR

# 503 Lincolnshire is in GEM (0CL); 318 St. Helens and 304 Bolton in North West (0CV)
LAS = {"503": 31, "318": 32, "304": 33}


def build_three(i: Inputs) -> ir.Table:
    """The first three people (by key) of each LA: a cell of 3 in every LA."""
    e = i.events
    t = e.select(la_code=e.la_code, unit=e.person_key).distinct()
    t = t.mutate(n=ibis.row_number().over(group_by=t.la_code, order_by=t.unit))
    t = t.filter(t.n < 3).select("la_code", "unit")
    return t.mutate(group=ibis.literal("All"), rule=ibis.literal("toy>three"),
                    value=ibis.literal(1))


THREE = Output(code="TOY004", title="Toy: three people per LA", kind="salt",
               dims={"group": ("All",)}, build=build_three)


@pytest.fixture
def toys() -> Iterator[list[str]]:
    """The toy outputs registered (and only they)."""
    import cld.derive.outputs  # noqa: F401  (registers the real outputs first)

    saved = dict(OUTPUTS)
    OUTPUTS.clear()
    for o in (*TOYS, THREE):
        OUTPUTS[o.name] = o
    yield list(OUTPUTS)
    OUTPUTS.clear()
    OUTPUTS.update(saved)


@pytest.fixture(scope="session")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("bench-files")
    root = tmp_path_factory.mktemp("bench-store") / "store"
    st = Store.open(root)
    for la, seed in LAS.items():
        path = folder / f"{la}.csv"
        write_submission(generate(la, date(2020, 4, 1), date(2021, 3, 31), people=60,
                                  seed=seed), path)
        o = submit(st, path, la, YEAR, by="test")
        assert o.kind == "accepted", o.message
    st.close()
    return root


@pytest.fixture
def store(store_dir: Path) -> Iterator[Store]:
    st = Store.open(store_dir)
    yield st
    st.close()
