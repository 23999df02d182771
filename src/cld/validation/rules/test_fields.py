"""Tests for the generated field rules (CLD301-CLD315)."""

from pathlib import Path

from cld.validation.rules.conftest import Case, cells, each, make_tests
from cld.validation.testing import issues_for

R, A, S, V = 2, 3, 4, 5  # rows of the sample's request, assessment, service, review



FAIL: list[Case] = [
    ("CLD301", [{"Event Start Date": ""}], [], {}, {(R, "Event Start Date")}),
    ("CLD301", each(**{"First Name": ""}), [], {}, cells("First Name")),
    ("CLD301", each(**{"Last Name": "  "}), [], {}, cells("Last Name")),
    ("CLD302", [{}, {}, {"Service Component": "Home Care"}], [], {}, {(S, "Service Component")}),
    ("CLD303", [{"Event Type": "request"}], [], {}, {(R, "Event Type")}),
    ("CLD303", [{}, {}, {}, {"Event Outcome": "no change  in PACKAGE"}], [], {},
     {(V, "Event Outcome")}),
    ("CLD303", each(Gender=" Female "), [], {}, cells("Gender")),
    ("CLD304", each(Gender="Unknown"), [], {}, cells("Gender")),
    ("CLD304", [{}, {"Assessment Type": "Long Term Support Assessment"}], [], {},
     {(A, "Assessment Type")}),
    ("CLD305", [{}, {"Event Start Date": "31/02/2020"}], [], {}, {(A, "Event Start Date")}),
    ("CLD305", [{}, {"Event End Date": "2020-05-10"}], [], {}, {(A, "Event End Date")}),
    ("CLD305", [{}, {"Event End Date": "10/05/2020 00:00"}], [], {}, {(A, "Event End Date")}),
    ("CLD305", [{}, {"Event End Date": "01/01/0000"}], [], {}, {(A, "Event End Date")}),
    ("CLD305", [{}, {"Event Start Date": "01/04/0021"}], [], {}, {(A, "Event Start Date")}),
    ("CLD306", [{}, {}, {"Unit Cost (£)": "£18.50"}], [], {}, {(S, "Unit Cost (£)")}),
    ("CLD306", [{}, {}, {"Planned units per week": "-2"}], [], {}, {(S, "Planned units per week")}),
    ("CLD307", [{}, {}, {"Unit Cost (£)": "18.505"}], [], {}, {(S, "Unit Cost (£)")}),
    ("CLD308", each(**{"NHS Number": "9434765918"}), [], {}, cells("NHS Number")),
    ("CLD308", each(**{"NHS Number": "943476591"}), [], {}, cells("NHS Number")),
    ("CLD308", each(**{"NHS Number": "+999000004"}), [], {}, cells("NHS Number")),
    ("CLD308", each(**{"NHS Number": "99_9000004"}), [], {}, cells("NHS Number")),
    ("CLD309", each(**{"NHS Number": "0000000000"}), [], {}, cells("NHS Number")),
    ("CLD309", each(**{"NHS Number": "9999999999"}), [], {}, cells("NHS Number")),
    ("CLD310", each(**{"NHS Number": ""}), [], {}, cells("NHS Number")),
    ("CLD311", each(Postcode="LN1"), [], {}, cells("Postcode")),
    ("CLD311", each(Postcode="QA1 1AA"), [], {}, cells("Postcode")),
    ("CLD312", each(**{"GP Practice Code": "12345"}), [], {}, cells("GP Practice Code")),
    ("CLD313", [{}, {}, {"Provider CQC ID": "ABC"}], [], {}, {(S, "Provider CQC ID")}),
]

PASS: list[Case] = [
    ("CLD301", [{"Event End Date": ""}], [], {}, set()),  # end date is conditional
    ("CLD302", [{}, {}, {"Service Component": "Other Long Term Community Support"}], [], {},
     set()),
    ("CLD303", [{"Event Type": "Request"}], [], {}, set()),
    ("CLD304", each(Gender="Not known"), [], {}, set()),
    ("CLD305", [{}, {"Event Start Date": "29/02/2020"}], [], {}, set()),  # a leap day
    ("CLD305", [{}, {"Event Start Date": " 03/05/2020 "}], [], {}, set()),  # padded
    ("CLD306", [{}, {}, {"Unit Cost (£)": "0"}], [], {}, set()),
    ("CLD307", [{}, {}, {"Unit Cost (£)": "18.5"}], [], {}, set()),
    ("CLD308", each(**{"NHS Number": "943 476 5919"}), [], {}, set()),
    ("CLD309", each(**{"NHS Number": "9434765919"}), [], {}, set()),
    ("CLD310", each(**{"NHS Number": "9434765919"}), [], {}, set()),
    ("CLD311", each(Postcode="ZZ99 3VZ"), [], {}, set()),
    ("CLD311", each(Postcode="ec1a1bb"), [], {}, set()),
    ("CLD312", each(**{"GP Practice Code": "A81001"}), [], {}, set()),
    ("CLD313", [{}, {}, {"Provider CQC ID": "1-123456789"}], [], {}, set()),
]


FAIL += [
    ("CLD314", each(**{"NHS Number": "9990000018"}), [], {}, cells("NHS Number")),  # test 999
    ("CLD314", each(**{"NHS Number": "5123456783"}), [], {}, cells("NHS Number")),  # reserved
    ("CLD314", each(**{"NHS Number": "8612345677"}), [], {}, cells("NHS Number")),
    ("CLD314", each(**{"NHS Number": "0001234560"}), [], {}, cells("NHS Number")),
    ("CLD314", each(**{"NHS Number": "3113000009"}), [], {}, cells("NHS Number")),
    ("CLD315", each(**{"NHS Number": "943 476 5919"}), [], {}, cells("NHS Number")),
    ("CLD315", [{"NHS Number": "943-476-5919"}], [], {}, {(R, "NHS Number")}),
]

PASS += [
    ("CLD314", each(**{"NHS Number": "6400000003"}), [], {}, set()),  # England/Wales
    ("CLD314", each(**{"NHS Number": "0101000006"}), [], {}, set()),  # first CHI number
    ("CLD314", each(**{"NHS Number": "9000000009"}), [], {}, set()),
    ("CLD314", each(**{"NHS Number": "9990000017"}), [], {}, set()),  # fails the check digit
    ("CLD315", [{"NHS Number": " 9434765919 "}], [], {}, set()),  # only padded: trimmed
    ("CLD315", [{"NHS Number": "943.476.5919"}], [], {}, set()),  # not read: CLD308
]


test_fails, test_passes = make_tests(FAIL, PASS)


def test_list_messages_use_the_right_article(tmp_path: Path) -> None:
    issues = issues_for(tmp_path, [{"Gender": "Purple", "Event Type": "Visit",
                                    "Accommodation Status": "Castle"}])
    messages = {i["column"]: i["message"] for i in issues if i["rule"] == "CLD302"}
    assert messages["Accommodation Status"] == ("Not an Accommodation Status value in the "
                                                "specification.")
    assert messages["Event Type"] == "Not an Event Type value in the specification."
    assert messages["Gender"] == "Not a Gender value in the specification."


def test_nhs_number_with_spaces_is_valid_for_the_other_checks(tmp_path: Path) -> None:
    issues = issues_for(tmp_path, [{"NHS Number": "943 476 5919"},
                                   {"NHS Number": "943-476-5919"}])
    assert {i["rule"] for i in issues} == {"CLD315"}
    assert {i["message"] for i in issues} == {"Read as 9434765919."}

