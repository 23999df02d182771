"""The tracker: every LA in the register, per quarter, with lateness against deadlines."""

from __future__ import annotations

from datetime import date, timedelta

from cld.dates import local_day
from cld.spec import load_register
from cld.store import Store, submit, tracker
from cld.store.models import Submission
from cld.store.years import Deadlines, parse_year
from tests.store.conftest import YEAR


def test_every_la_is_listed(store: Store, series: dict) -> None:
    submit(store, series["503"][0], "503", YEAR)
    rows = tracker(store, YEAR, today=date(2020, 7, 15))
    assert [r.la_code for r in rows] == sorted(load_register())
    by = {r.la_code: r for r in rows}
    lincs = by["503"]
    assert lincs.dscro_region == "GEM" and lincs.latest.startswith("v1 accepted")
    q = {p.period: p for p in lincs.periods}
    assert (q["Q1"].state, q["Q1"].version, q["Q1"].errors) == ("accepted", 1, 0)
    assert q["Q2"].state == "not due" and not q["Q2"].late
    other = {p.period: p for p in by["318"].periods}
    assert other["Q1"].state == "not submitted" and not other["Q1"].late  # due 11/08/2020
    assert other["Q1"].text == "due 11/08/2020"


def test_lateness(store: Store, series: dict) -> None:
    sub = submit(store, series["503"][0], "503", YEAR).submission
    # received long after the Q1 deadline (the test runs years later)
    rows = {r.la_code: r for r in tracker(store, YEAR, today=date(2020, 9, 1))}
    q1 = rows["503"].periods[0]
    assert q1.late and q1.text.endswith("(late)")
    assert rows["318"].periods[0].late and rows["318"].periods[0].text == "late: not submitted"
    assert rows["318"].as_row()["Q1"] == "late: not submitted"
    assert sub.received_at.date() > date(2020, 8, 11)


def test_rejected_and_superseded_periods(store: Store, series: dict, tmp_path) -> None:
    submit(store, series["503"][1], "503", YEAR)
    bad = tmp_path / "q2.csv"
    bad.write_text(series["503"][1].read_text().replace("01/04/2020", "01/05/2020"))
    submit(store, bad, "503", YEAR)
    rows = {r.la_code: r for r in tracker(store, YEAR)}
    q2 = rows["503"].periods[1]
    assert (q2.state, q2.version) == ("rejected", 2)
    assert rows["503"].latest.startswith("v2 rejected")
    assert Submission.objects.using(store.alias).count() == 2


def test_deadlines_configurable() -> None:
    y = parse_year("2020/21")
    q = y.quarters()
    d = Deadlines()
    assert d.due(y, q[0]) == date(2020, 6, 30) + timedelta(weeks=6)
    assert d.due(y, q[3]) == date(2021, 6, 30)
    d2 = Deadlines(weeks_after_period_end=4, year_end_day="15/07",
                   dates={"2020/21 Q2": "13/11/2020"})
    assert d2.due(y, q[0]) == date(2020, 7, 28)
    assert d2.due(y, q[1]) == date(2020, 11, 13)
    assert d2.due(y, q[3]) == date(2021, 7, 15)
    assert y.quarter_of(date(2021, 1, 31)) == "Q4" and y.quarter_of(date(2020, 4, 1)) == "Q1"
    assert y.quarter_of(date(2021, 4, 1)) is None


def test_an_earlier_quarter_covered_by_a_later_file(store: Store, series: dict) -> None:
    sub = submit(store, series["503"][1], "503", YEAR).submission  # the Q2 file first
    rows = {r.la_code: r for r in tracker(store, YEAR, today=date(2020, 12, 1))}
    q1, q2 = rows["503"].periods[:2]
    assert q1.version is None and q1.covered_by == 1
    assert q1.text == "late: not submitted; covered by v1"
    assert q2.version == 1 and q2.received == f"{local_day(sub.received_at):%d/%m/%Y}"
