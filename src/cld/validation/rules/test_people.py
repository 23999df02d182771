"""Tests for the cross-row rules (CLD601-CLD603)."""

from cld.validation.rules.conftest import Case, make_tests

OTHER = {"Person Unique Identifier": "P2", "Event Reference": "E9"}

FAIL: list[Case] = [
    ("CLD601", [{}, {"Postcode": "LN2 2BB"}], [], {}, {(2, "Postcode"), (3, "Postcode")}),
    ("CLD601", [{}, {}, {"Date of Death": "01/03/2021"}], [], {}, {(2, "Date of Death")}),
    ("CLD601", [{}, {"NHS Number": "4010232137"}], [], {}, {(3, "NHS Number")}),
    ("CLD602", [], [OTHER], {}, {(2, "NHS Number"), (6, "NHS Number")}),
    ("CLD603", [{}, {"Event Reference": "E1"}], [], {}, {(2, "Event Reference"),
                                                         (3, "Event Reference")}),
]

PASS: list[Case] = [
    ("CLD601", [{}, {"Gender": "female"}], [], {}, set()),  # same value once normalised
    ("CLD601", [{"Ethnicity": "Purple"}] * 4, [], {}, set()),  # invalid but consistent
    ("CLD602", [], [dict(OTHER, **{"NHS Number": "4010232137"})], {}, set()),
    ("CLD603", [{"Event Reference": ""}, {"Event Reference": ""}], [], {}, set()),
]


test_fails, test_passes = make_tests(FAIL, PASS)
