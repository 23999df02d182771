"""Tests for the date rules (CLD501-CLD510)."""

from cld.validation.rules.conftest import Case, cells, each, make_tests

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


test_fails, test_passes = make_tests(FAIL, PASS)
