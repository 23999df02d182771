"""Tests for the cross-row rules (CLD601-CLD603)."""

from cld.validation.rules.conftest import Case, cells, make_tests

OTHER = {"Person Unique Identifier": "P2", "Event Reference": "E9"}

FAIL: list[Case] = [
    ("CLD601", [{}, {"Postcode": "LN2 2BB"}], [], {}, cells("Postcode")),
    ("CLD601", [{}, {}, {"Date of Death": "01/03/2021"}], [], {}, cells("Date of Death")),
    ("CLD601", [{}, {"NHS Number": "4010232137"}], [], {}, cells("NHS Number")),
    ("CLD602", [], [OTHER], {}, cells("NHS Number", 2, 3, 4, 5, 6)),
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
