"""Years, the derived period of a file, and the migrations being up to date."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from cld.dates import parse_year
from cld.store.events import derived_period


@pytest.mark.parametrize(("text", "label"), [("2020/21", "2020/21"),
                                             (" 2020 / 2021 ", "2020/21"),
                                             ("2099/00", "2099/00")])
def test_parse_year(text: str, label: str) -> None:
    y = parse_year(text)
    assert y.label == label and y.start.month == 4 and y.end.month == 3
    assert y.end.year == y.start.year + 1


@pytest.mark.parametrize("text", ["2020", "2020/22", "20/21", "1999/00", "", "2020-21x"])
def test_parse_year_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="financial year|outside"):
        parse_year(text)


def _con(ends: list[tuple[str, str]],
         extra_types: tuple[str, ...] = ()) -> duckdb.DuckDBPyConnection:
    """A fake prepared view: event_end__d and event_type__c."""
    con = duckdb.connect()
    con.execute("CREATE TABLE prepared_base (event_end__d DATE, event_type__c VARCHAR)")
    rows = [(e, t) for e, t in ends] + [(None, t) for t in extra_types]
    if rows:
        con.executemany("INSERT INTO prepared_base VALUES (?, ?)", rows)
    return con


PRESENT = {"event_end", "event_type"}
TYPES = ["Request", "Assessment", "Service", "Review"]


def _month(m: str, n: int, types: list[str] = TYPES) -> list[tuple[str, str]]:
    return [(f"{m}-15", types[i % len(types)]) for i in range(n)]


def test_derived_period_keeps_the_busy_months() -> None:
    ends = _month("2020-04", 100) + _month("2020-05", 100) + _month("2020-06", 100)
    ends += _month("2020-09", 3)  # < 2% of ended events: a stray date
    got = derived_period(_con(ends), date(2020, 8, 1), PRESENT)
    assert got == (date(2020, 4, 1), date(2020, 6, 30))


def test_derived_period_ignores_the_month_of_submission() -> None:
    ends = _month("2020-04", 100) + _month("2020-05", 100) + _month("2020-07", 100)
    got = derived_period(_con(ends), date(2020, 7, 20), PRESENT)
    assert got == (date(2020, 4, 1), date(2020, 5, 31))


def test_derived_period_needs_most_event_types() -> None:
    # June holds many ends but only of one type out of four: not a month the data covers
    ends = _month("2020-04", 100) + _month("2020-05", 100) + _month("2020-06", 100, ["Service"])
    got = derived_period(_con(ends), date(2021, 1, 1), PRESENT)
    assert got == (date(2020, 4, 1), date(2020, 5, 31))


def test_small_files_keep_every_month() -> None:
    ends = _month("2020-04", 40) + _month("2020-12", 1)
    got = derived_period(_con(ends), date(2021, 1, 1), PRESENT)
    assert got == (date(2020, 4, 1), date(2020, 12, 31))


def test_no_ended_events() -> None:
    assert derived_period(_con([], ("Service",)), date(2021, 1, 1), PRESENT) is None
    assert derived_period(_con([]), date(2021, 1, 1), {"event_type"}) is None


def test_migrations_match_the_models() -> None:
    from django.core.management import call_command

    import cld.store  # noqa: F401  (configures Django)

    # exits with SystemExit(1) when a model change has no migration
    call_command("makemigrations", "store", "--check", "--dry-run", verbosity=0)
