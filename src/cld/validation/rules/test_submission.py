"""Tests for the submission information rules (CLD201-CLD208)."""

from cld.validation.rules.conftest import Case, each, make_tests


def in_year(code: str, name: str, year: str) -> list[dict[str, str]]:
    """The sample submitted by another LA for another financial year."""
    first = year[:4]
    return each(**{"LA Code": code, "LA Name": name, "Reporting Year": year,
                   "Reporting Period Start Date": f"01/04/{first}",
                   "Reporting Period End Date": f"31/03/{int(first) + 1}"})


FAIL: list[Case] = [
    ("CLD201", each(**{"LA Code": "999"}), [], {}, {(2, "LA Code")}),
    # Cumberland exists from April 2023; Northamptonshire was abolished in April 2021
    ("CLD201", in_year("E06000063", "Cumberland", "2020/21"), [], {}, {(2, "LA Code")}),
    ("CLD201", in_year("504", "Northamptonshire", "2021/22"), [], {}, {(2, "LA Code")}),
    ("CLD201", in_year("102", "Cumbria", "2023/24"), [], {}, {(2, "LA Code")}),
    ("CLD202", each(**{"LA Name": "Liverpool"}), [], {}, {(2, "LA Name")}),
    ("CLD203", [{}, {}, {"Reporting Period End Date": "30/06/2020"}], [], {},
     {(4, "Reporting Period End Date")}),
    ("CLD204", [], [], {"la_code": "316"}, {(2, "LA Code")}),
    ("CLD205", [], [], {"period_start": "01/04/2020", "period_end": "30/06/2020"},
     {(2, "Reporting Period End Date")}),
    ("CLD206", each(**{"Reporting Year": "2020-21"}), [], {}, {(2, "Reporting Year")}),
    ("CLD206", each(**{"Reporting Year": "2021/22"}), [], {}, {(2, "Reporting Year")}),
    ("CLD207", each(**{"Reporting Period End Date": "31/03/2020"}), [], {},
     {(2, "Reporting Period End Date")}),
    ("CLD207", each(**{"Reporting Period End Date": "01/04/2021"}), [], {},
     {(2, "Reporting Period End Date")}),
    ("CLD208", each(**{"Reporting Period Start Date": "01/05/2020"}), [], {},
     {(2, "Reporting Period Start Date")}),
]

PASS: list[Case] = [
    ("CLD201", [], [], {}, set()),
    ("CLD201", in_year("E06000063", "Cumberland", "2023/24"), [], {}, set()),
    ("CLD201", in_year("504", "Northamptonshire", "2020/21"), [], {}, set()),
    ("CLD201", in_year("102", "Cumbria", "2022/23"), [], {}, set()),
    ("CLD202", in_year("E06000063", "Cumberland", "2023/24"), [], {}, set()),
    ("CLD202", each(**{"LA Code": "116", "LA Name": "County Durham"}), [], {}, set()),
    ("CLD202", each(**{"LA Name": "LINCOLNSHIRE "}), [], {}, set()),
    ("CLD202", each(**{"LA Code": "318", "LA Name": "St Helens"}), [], {}, set()),
    ("CLD203", [], [], {}, set()),
    ("CLD204", [], [], {"la_code": "503"}, set()),
    ("CLD205", [], [], {"period_start": "01/04/2020", "period_end": "31/03/2021"}, set()),
    ("CLD206", [], [], {}, set()),
    ("CLD207", each(**{"Reporting Period End Date": "30/06/2020"}), [], {}, set()),
    ("CLD208", [], [], {}, set()),
]


test_fails, test_passes = make_tests(FAIL, PASS)


def test_once_per_value(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A wrong LA code on every row is reported once, at its first row."""
    from cld.validation.testing import at, issues_for

    issues = issues_for(tmp_path, each(**{"LA Code": "999"}))
    assert at(issues, "CLD201") == {(2, "LA Code")}
