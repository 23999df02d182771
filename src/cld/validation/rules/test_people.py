"""Tests for the cross-row rules (CLD601-CLD606)."""

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


REQUEST_AGAIN = {"Event Reference": "E5"}
LATER_REQUEST = {"Event Reference": "E5", "Event Start Date": "03/05/2020",
                 "Event End Date": "03/05/2020"}
ASSESSMENT = {"Event Type": "Assessment", "Event Reference": "E6",
              "Event Start Date": "01/03/2021", "Event End Date": "05/03/2021",
              "Event Outcome": "Progress to Support Planning / Services",
              "Request: Route of Access": "", "Assessment Type": "Long Term Assessment"}
SERVICE = {"Event Type": "Service", "Event Reference": "E7", "Event Start Date": "01/06/2020",
           "Event End Date": "", "Event Outcome": "", "Request: Route of Access": "",
           "Service Type": "Long Term Support: Community", "Service Component": "Day Support",
           "Delivery Mechanism (Long Term Community or Prison Only)":
           "Community: CASSR Managed Personal Budget", "Unit Cost (£)": "40.00",
           "Cost Frequency (Unit Type)": "Weekly", "Full cost client": "Yes"}
COMMISSIONED = {"Delivery Mechanism (Long Term Community or Prison Only)":
                "Community: CASSR Commissioned Support"}

FAIL += [
    ("CLD604", [], [REQUEST_AGAIN], {}, {(6, "Event Start Date")}),
    # the same service twice (a different cost does not make it another service)
    ("CLD604", [], [dict(SERVICE, **{"Event Start Date": "11/05/2020",
                                     "Service Component": "Home Support",
                                     "Full cost client": "No"})], {},
     {(6, "Event Start Date")}),
    ("CLD605", [], [SERVICE], {}, {(4, "Full cost client"), (6, "Full cost client")}),
    ("CLD606", [], [ASSESSMENT], {}, {(6, "Event Type")}),
    # the later row in the file is the earlier assessment: the other one is flagged
    ("CLD606", [], [dict(ASSESSMENT, **{"Event Start Date": "01/05/2020",
                                        "Event End Date": "01/05/2020"})], {},
     {(3, "Event Type")}),
]

PASS += [
    ("CLD604", [], [LATER_REQUEST], {}, set()),  # the next day
    ("CLD604", [], [dict(REQUEST_AGAIN, **{"Request: Route of Access": "Prison"})], {}, set()),
    ("CLD604", [], [dict(REQUEST_AGAIN, **OTHER)], {}, set()),  # another person
    ("CLD604", [], [dict(SERVICE, **{"Event Start Date": "11/05/2020"})], {}, set()),
    # the other service is CASSR commissioned, so not costed
    ("CLD605", [], [dict(SERVICE, **COMMISSIONED)], {}, set()),
    ("CLD605", [], [dict(SERVICE, **{"Full cost client": "No"})], {}, set()),
    ("CLD606", [], [dict(ASSESSMENT, **OTHER)], {}, set()),  # another person's assessment
    ("CLD606", [], [dict(ASSESSMENT, **{"Event Type": "Review", "Assessment Type": "",
                                        "Review Reason": "Planned",
                                        "Event Outcome": "No change in package"})], {}, set()),
]


test_fails, test_passes = make_tests(FAIL, PASS)
