"""Validation's Prepared handle: the period the data covers, the normalised events, and
the store knowing nothing of the view behind it."""

from __future__ import annotations

import importlib
from datetime import date
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from cld.spec import load_spec
from cld.validation.engine import validate
from cld.validation.prepared import Prepared
from cld.validation.testing import rows, write


def _con(ends: list[tuple[str, str]],
         extra_types: tuple[str, ...] = ()) -> duckdb.DuckDBPyConnection:
    """A fake prepared view: event_end__d and event_type__c."""
    con = duckdb.connect()
    con.execute("CREATE TABLE prepared_base (event_end__d DATE, event_type__c VARCHAR)")
    rows = [(e, t) for e, t in ends] + [(None, t) for t in extra_types]
    if rows:
        con.executemany("INSERT INTO prepared_base VALUES (?, ?)", rows)
    return con


PRESENT = frozenset({"event_end", "event_type"})


def _prepared(con: duckdb.DuckDBPyConnection, present: set[str] | frozenset[str] = PRESENT
              ) -> Prepared:
    return Prepared(con, load_spec(), frozenset(present))
TYPES = ["Request", "Assessment", "Service", "Review"]


def _month(m: str, n: int, types: list[str] = TYPES) -> list[tuple[str, str]]:
    return [(f"{m}-15", types[i % len(types)]) for i in range(n)]


def test_derived_period_keeps_the_busy_months() -> None:
    ends = _month("2020-04", 100) + _month("2020-05", 100) + _month("2020-06", 100)
    ends += _month("2020-09", 3)  # < 2% of ended events: a stray date
    got = _prepared(_con(ends)).derived_period(date(2020, 8, 1))
    assert got == (date(2020, 4, 1), date(2020, 6, 30))


def test_derived_period_ignores_the_month_of_submission() -> None:
    ends = _month("2020-04", 100) + _month("2020-05", 100) + _month("2020-07", 100)
    got = _prepared(_con(ends)).derived_period(date(2020, 7, 20))
    assert got == (date(2020, 4, 1), date(2020, 5, 31))


def test_an_end_on_the_first_of_the_month_of_submission_is_ignored() -> None:
    ends = _month("2020-04", 100) + _month("2020-05", 100)
    ends += [("2020-07-01", t) for t in TYPES * 25]  # the first day of the month received
    got = _prepared(_con(ends)).derived_period(date(2020, 7, 20))
    assert got == (date(2020, 4, 1), date(2020, 5, 31))
    ends += [("2020-06-30", t) for t in TYPES * 25]  # the last day before it counts
    got = _prepared(_con(ends)).derived_period(date(2020, 7, 20))
    assert got == (date(2020, 4, 1), date(2020, 6, 30))


def test_derived_period_needs_most_event_types() -> None:
    # June holds many ends but only of one type out of four: not a month the data covers
    ends = _month("2020-04", 100) + _month("2020-05", 100) + _month("2020-06", 100, ["Service"])
    got = _prepared(_con(ends)).derived_period(date(2021, 1, 1))
    assert got == (date(2020, 4, 1), date(2020, 5, 31))


def test_small_files_keep_every_month() -> None:
    ends = _month("2020-04", 40) + _month("2020-12", 1)
    got = _prepared(_con(ends)).derived_period(date(2021, 1, 1))
    assert got == (date(2020, 4, 1), date(2020, 12, 31))


def test_no_ended_events() -> None:
    assert _prepared(_con([], ("Service",))).derived_period(date(2021, 1, 1)) is None
    assert _prepared(_con([]), {"event_type"}).derived_period(date(2021, 1, 1)) is None


def test_write_events_from_the_result_of_a_validation(tmp_path: Path) -> None:
    file = write(tmp_path / "f.csv", rows([{"Event Reference": "A1"}, {"Event Reference": ""},
                                           {"Event Reference": ""}]))
    result = validate(file)
    assert result.prepared is not None and "event_reference" in result.prepared.present
    out = tmp_path / "events.parquet"
    written = result.prepared.write_events(out)
    assert (written.rows, written.keys_from_reference, written.keys_derived) == (4, 2, 2)
    table = pq.read_table(out).sort_by("_row")  # (written in no promised order)
    keys = table.column("event_key").to_pylist()
    assert keys[0] == "R:A1" and keys[3] == "R:E4"
    assert keys[1].startswith("D:") and keys[2].startswith("D:") and keys[1] != keys[2]
    assert table.column("_row").to_pylist() == [2, 3, 4, 5]
    # every data item is a column, typed (list items canonical, dates as dates)
    assert {i.id for i in load_spec().items} <= set(table.column_names)
    assert str(table.schema.field("event_start").type) == "date32[day]"
    assert table.column("event_start").to_pylist()[0] == date(2020, 5, 2)
    result.prepared.close()


def test_the_store_names_no_view_and_no_column_suffix() -> None:
    """The store asks the handle; the shape of validation's typed view is validation's."""
    for name in ("cld.store.submit",):  # (the package's `submit` is the function)
        module = importlib.import_module(name)
        assert module.__file__ is not None
        source = Path(module.__file__).read_text(encoding="utf-8")
        for word in ("prepared_base", "__c", "__d", "__n", "nhs__digits", "sql_str",
                     "cld.validation.prepare "):
            assert word not in source, (name, word)


def test_connect_sets_the_threads_given_or_from_the_environment(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from cld.validation.engine import connect

    def threads(con: duckdb.DuckDBPyConnection) -> int:
        return int(con.execute("SELECT current_setting('threads')").fetchone()[0])  # type: ignore[index]

    assert threads(connect(threads=1)) == 1
    monkeypatch.setenv("CLD_THREADS", "3")
    assert threads(connect()) == 3
    assert threads(connect(threads=2)) == 2  # given beats the environment
