"""Tests for the conditional rules (CLD401-CLD417)."""

from cld.validation.rules.conftest import Case, cells, make_tests

R, A, S, V = 2, 3, 4, 5
LD = {"Primary Support Reason": "Learning Disability Support", "Date of Birth": "01/01/1980"}



FAIL: list[Case] = [
    ("CLD401", [{"Event Outcome": ""}], [], {}, {(R, "Event Outcome")}),
    ("CLD402", [{"Request: Route of Access": ""}], [], {}, {(R, "Request: Route of Access")}),
    ("CLD403", [{}, {"Assessment Type": ""}], [], {}, {(A, "Assessment Type")}),
    ("CLD404", [{}, {}, {"Service Type": "", "Service Component": ""}], [], {},
     {(S, "Service Type"), (S, "Service Component")}),
    ("CLD405", [{}, {}, {"Delivery Mechanism (Long Term Community or Prison Only)": ""}], [],
     {}, {(S, "Delivery Mechanism (Long Term Community or Prison Only)")}),
    ("CLD406", [{}, {}, {}, {"Review Reason": ""}], [], {}, {(V, "Review Reason")}),
    ("CLD407", [{"Review Reason": "Planned"}], [], {}, {(R, "Review Reason")}),
    ("CLD407", [{}, {"Unit Cost (£)": "10.00"}], [], {}, {(A, "Unit Cost (£)")}),
    ("CLD408", [LD] * 4, [], {}, cells("Accommodation Status")),
    ("CLD409", [LD] * 4, [], {}, cells("Employment Status")),
    ("CLD410", [{}, {}, {"Unit Cost (£)": ""}], [], {}, {(S, "Unit Cost (£)")}),
    ("CLD410", [{}, {}, {"Service Type": "Short Term Support: Other Short Term",
                         "Service Component": "Short Term Residential Care",
                         "Delivery Mechanism (Long Term Community or Prison Only)": "",
                         "Cost Frequency (Unit Type)": ""}], [], {},
     {(S, "Cost Frequency (Unit Type)")}),
    ("CLD411", [{}, {}, {"Planned units per week": ""}], [], {}, {(S, "Planned units per week")}),
    ("CLD412", [{"Event Outcome": "No change in package"}], [], {}, {(R, "Event Outcome")}),
    ("CLD413", [{}, {}, {"Event Outcome": "Service ended as planned"}], [], {},
     {(S, "Event Outcome")}),
    ("CLD414", [{}, {}, {"Service Type": "Long Term Support: Residential Care",
                         "Service Component": "Long Term Residential Care"}], [], {},
     {(S, "Delivery Mechanism (Long Term Community or Prison Only)")}),
]

PASS: list[Case] = [
    ("CLD401", [{"Event End Date": "", "Event Outcome": ""}], [], {}, set()),
    ("CLD402", [], [], {}, set()),
    ("CLD403", [], [], {}, set()),
    ("CLD404", [], [], {}, set()),
    ("CLD405", [{}, {}, {"Service Type": "Long Term Support: Residential Care",
                         "Service Component": "Long Term Residential Care",
                         "Delivery Mechanism (Long Term Community or Prison Only)": ""}], [],
     {}, set()),
    ("CLD406", [], [], {}, set()),
    ("CLD407", [], [], {}, set()),
    ("CLD408", [dict(LD, **{"Date of Birth": "01/01/1950"})] * 4, [], {}, set()),  # aged 70
    ("CLD409", [dict(LD, **{"Employment Status": "Unknown",
                            "Accommodation Status": "Tenant"})] * 4, [], {}, set()),
    ("CLD410", [{}, {}, {"Delivery Mechanism (Long Term Community or Prison Only)":
                         "Community: CASSR Commissioned Support", "Unit Cost (£)": "",
                         "Cost Frequency (Unit Type)": "", "Planned units per week": ""}], [],
     {}, set()),
    ("CLD411", [{}, {}, {"Cost Frequency (Unit Type)": "Weekly", "Planned units per week": ""}],
     [], {}, set()),
    ("CLD412", [{"Event Outcome": "NFA - Deceased"}], [], {}, set()),
    ("CLD413", [], [], {}, set()),
    ("CLD414", [], [], {}, set()),
]


DM = "Delivery Mechanism (Long Term Community or Prison Only)"
NURSING = {"Service Type": "Long Term Support: Nursing Care", DM: ""}
DECEASED = {"Event Outcome": "NFA - Deceased"}
EOL = "Short Term Support: End of Life"

FAIL += [
    ("CLD415", [{}, {}, {}, DECEASED], [], {}, {(V, "Date of Death")}),
    ("CLD416", [{}, {}, NURSING], [], {}, {(S, "Service Component")}),
    ("CLD416", [{}, {}, {"Service Component": "Reablement"}], [], {},
     {(S, "Service Component")}),
    ("CLD416", [{}, {}, {"Service Type": "Short Term Support: ST-Max", DM: "",
                         "Service Component": "Long Term Residential Care"}], [], {},
     {(S, "Service Component")}),
    ("CLD417", [{}, {}, {"Service Type": EOL, "Service Component": "End of Life Care", DM: ""}],
     [], {}, {(S, "Service Type")}),
    ("CLD417", [{}, {}, {"Service Type": "short term support: end of life",
                         "Service Component": "End of Life Care", DM: ""}],
     [], {}, {(S, "Service Type")}),
]

PASS += [
    # the person's Date of Death is given on every row
    ("CLD415", [{"Date of Death": "01/02/2021"}] * 3 + [dict(DECEASED, **{
        "Date of Death": "01/02/2021"})], [], {}, set()),
    ("CLD415", [{}, {}, {}, {"Event Outcome": "NFA - Moved to another LA"}], [], {}, set()),
    ("CLD416", [{}, {}, dict(NURSING, **{"Service Component": "Long Term Nursing Care"})], [],
     {}, set()),
    ("CLD416", [{}, {}, {"Service Type": "Short Term Support: ST-Max", DM: "",
                         "Service Component": "Reablement"}], [], {}, set()),
    ("CLD416", [{}, {}, {"Service Component": "Direct Payment"}], [], {}, set()),
    ("CLD417", [{}, {}, {"Service Type": "Short Term Support: Other Short Term",
                         "Service Component": "End of Life Care", DM: ""}], [], {}, set()),
]


test_fails, test_passes = make_tests(FAIL, PASS)
