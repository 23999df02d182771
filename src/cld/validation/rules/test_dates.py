"""Tests for the date rules (CLD501-CLD511)."""

from pathlib import Path

import duckdb
import pytest

from cld.validation.prepare import _age
from cld.validation.rules.conftest import Case, cells, each, make_tests
from cld.validation.testing import at, issues_for

R, A, S, V = 2, 3, 4, 5



FAIL: list[Case] = [
    ("CLD501", [{"Event End Date": "01/05/2020"}], [], {}, {(R, "Event End Date")}),
    ("CLD502", [{}, {}, {}, {"Event End Date": "01/04/2021"}], [], {}, {(V, "Event End Date")}),
    ("CLD503", [{}, {}, {}, {"Event Start Date": "02/04/2021", "Event End Date": ""}], [], {},
     {(V, "Event Start Date")}),
    ("CLD504", [{"Event Start Date": "01/03/2020", "Event End Date": "02/03/2020"}], [], {},
     {(R, "Event End Date")}),
    ("CLD505", each(**{"Date of Birth": "01/06/2002"}), [], {},
     cells("Date of Birth", R, A, S)),  # the review (01/02/2021) is after the 18th birthday
    ("CLD506", each(**{"Date of Death": "01/01/2021"}), [], {}, {(V, "Date of Death")}),
    ("CLD507", each(**{"Date of Death": "01/04/2021"}), [], {}, cells("Date of Death")),
    ("CLD508", each(**{"Date of Birth": "01/01/2021"}), [], {},
     cells("Date of Birth", R, A, S)),  # the review (01/02/2021) is after the birth
    ("CLD509", each(**{"Date of Birth": "01/01/1900"}), [], {}, cells("Date of Birth")),
    ("CLD510", each(**{"Date of Death": "05/05/2020"}), [], {},
     cells("Event End Date", A, V)),  # the open service has no end date
]

PASS: list[Case] = [
    ("CLD501", [{"Event Start Date": "02/05/2020", "Event End Date": "02/05/2020"}], [], {},
     set()),
    ("CLD502", [{}, {}, {}, {"Event End Date": "31/03/2021"}], [], {}, set()),
    ("CLD503", [{}, {}, {}, {"Event Start Date": "31/03/2021", "Event End Date": "31/03/2021"}],
     [], {}, set()),
    ("CLD504", [{"Event Start Date": "01/03/2020", "Event End Date": "01/04/2020"}], [], {},
     set()),
    ("CLD505", each(**{"Date of Birth": "02/05/2002"}), [], {}, set()),  # 18 on the day
    # a service that began at 17, before the period, is an adult's service in the period
    ("CLD505", [{"Date of Birth": "15/03/2002"}, {"Date of Birth": "15/03/2002"},
                {"Date of Birth": "15/03/2002", "Event Start Date": "01/03/2020"},
                {"Date of Birth": "15/03/2002"}], [], {}, set()),
    ("CLD506", each(**{"Date of Death": "01/03/2021"}), [], {}, set()),
    ("CLD506", [{"Date of Death": "01/02/2021"}] * 4, [], {}, set()),  # death = review start
    ("CLD507", each(**{"Date of Death": "31/03/2021"}), [], {}, set()),
    ("CLD508", [], [], {}, set()),
    ("CLD508", each(**{"Date of Birth": "02/05/2020"}), [], {}, set()),  # birth = request start
    # 114 at the period end (31/03/2021) by whole years; one day earlier would be 115
    ("CLD509", each(**{"Date of Birth": "01/04/1906"}), [], {}, set()),
    ("CLD509", each(**{"Date of Birth": "31/03/1906"}), [], {}, set()),  # exactly 115: allowed
    ("CLD510", each(**{"Date of Death": "31/03/2021"}), [], {}, set()),
    ("CLD510", [{"Date of Death": "01/02/2021", "Event End Date": ""}, {}, {}, {}], [], {}, set()),
]


FAIL += [
    ("CLD511", each(**{"Date of Death": "01/03/2021"}), [], {}, {(S, "Event End Date")}),
    # died on the last day of the period
    ("CLD511", each(**{"Date of Death": "31/03/2021"}), [], {}, {(S, "Event End Date")}),
    # died on the first day of the period (the open service started before it)
    ("CLD511", [{"Date of Death": "01/04/2020"}] * 2 + [{
        "Date of Death": "01/04/2020", "Event Start Date": "01/01/2020"}]
     + [{"Date of Death": "01/04/2020"}], [], {}, {(S, "Event End Date")}),
]

PASS += [
    # the open service is closed on the day of death
    ("CLD511", [{"Date of Death": "01/03/2021"}] * 2 + [{
        "Date of Death": "01/03/2021", "Event End Date": "01/03/2021",
        "Event Outcome": "NFA - Deceased"}, {"Date of Death": "01/03/2021"}], [], {}, set()),
    # died the day after the period ends: not in the period (CLD507 says so)
    ("CLD511", each(**{"Date of Death": "01/04/2021"}), [], {}, set()),
    # died the day before the period starts
    ("CLD511", each(**{"Date of Death": "31/03/2020"}), [], {}, set()),
]


test_fails, test_passes = make_tests(FAIL, PASS)


Y2122 = {"Reporting Year": "2021/22", "Reporting Period Start Date": "01/04/2021",
         "Reporting Period End Date": "31/03/2022", "Date of Birth": "29/02/2004"}


def _leap(start: str) -> list[dict[str, str]]:
    """The sample moved to 2021/22 for a client born on 29 February 2004 whose request
    starts (and ends) on `start`."""
    later = {"Event Start Date": "15/03/2022", "Event End Date": "15/03/2022"}
    return [dict(Y2122, **{"Event Start Date": start, "Event End Date": start}),
            dict(Y2122, **later), dict(Y2122, **{"Event Start Date": "16/03/2022"}),
            dict(Y2122, **{"Event Start Date": "17/03/2022", "Event End Date": "17/03/2022"})]


@pytest.mark.parametrize(("start", "under_18"), [("28/02/2022", True), ("01/03/2022", False)])
def test_a_leap_day_birthday_is_reached_on_1_march(tmp_path: Path, start: str,
                                                    under_18: bool) -> None:
    found = at(issues_for(tmp_path, _leap(start)), "CLD505")
    assert ((2, "Date of Birth") in found) is under_18
    assert (3, "Date of Birth") not in found


@pytest.mark.parametrize(("dob", "on", "age"), [
    ("2000-02-29", "2001-02-28", 0), ("2000-02-29", "2001-03-01", 1),  # not a leap year
    ("2000-02-29", "2004-02-28", 3), ("2000-02-29", "2004-02-29", 4),  # a leap year
    ("2000-02-29", "2000-02-29", 0), ("2000-03-01", "2004-02-29", 3),
    ("2000-02-28", "2001-02-28", 1), ("2000-02-28", "2001-02-27", 0),
    ("1999-12-31", "2000-01-01", 0), ("1999-12-31", "2017-12-31", 18),
    ("1999-12-31", "2017-12-30", 17), ("1920-01-01", "2036-01-01", 116),
])
def test_age_in_whole_years_at_every_boundary(dob: str, on: str, age: int) -> None:
    sql = _age(f"DATE '{dob}'", f"DATE '{on}'")
    assert duckdb.sql(f"SELECT {sql}").fetchall() == [(age,)]
