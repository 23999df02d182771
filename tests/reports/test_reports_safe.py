from __future__ import annotations

import pyarrow as pa
from hypothesis import given
from hypothesis import strategies as st

from cld.reports.safe import neutralise, neutralise_array, neutralise_table


def test_neutralise_prefixes_dangerous_starts() -> None:
    for value in ["=1+1", "+44 7700", "-12.50", "@SUM(A1)", "\tx", "\rx", '=HYPERLINK("x")']:
        assert neutralise(value) == "'" + value


def test_neutralise_leaves_ordinary_text() -> None:
    for value in ["", "O’Brien", "12.50", "a=b", " =1", "'quoted", "Ünïcode"]:
        assert neutralise(value) == value
    assert neutralise(None) is None


@given(st.lists(st.one_of(st.none(), st.text(max_size=8))))
def test_vectorised_matches_scalar(values: list[str | None]) -> None:
    arr = pa.array(values, type=pa.string())
    assert neutralise_array(arr).to_pylist() == [neutralise(v) for v in values]


def test_neutralise_table_only_touches_strings() -> None:
    table = pa.table({"n": pa.array([-1, None], pa.int64()), "s": ["-1", None]})
    out = neutralise_table(table)
    assert out.column("n").to_pylist() == [-1, None]
    assert out.column("s").to_pylist() == ["'-1", None]
    assert out.schema == table.schema
