"""cld.engines: the one place that opens the analytical engine."""

from __future__ import annotations

import pytest

from cld.engines import connect


def test_duckdb_backend_with_limits() -> None:
    con = connect("duckdb", memory_limit="1GB", threads=1)
    assert con.name == "duckdb"
    assert con.raw_sql("SELECT current_setting('threads')").fetchone() == (1,)
    assert con.raw_sql("SELECT current_setting('memory_limit')").fetchone()[0].startswith(
        ("953", "1.0", "1 "))


def test_unknown_engine_is_named() -> None:
    with pytest.raises(ValueError, match="unknown engine 'spark'"):
        connect("spark")
