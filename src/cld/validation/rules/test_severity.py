"""The severity of every rule, written by hand: the rule tests check each hit against it.

Not derived from the rule registry, so that changing a rule's severity (and regenerating the
docs) fails a test until this table is changed too. A new rule is one line here."""

from cld.validation import rules as _rules  # noqa: F401  (registers the rules)
from cld.validation.registry import RULES

SEVERITY: dict[str, str] = {
    "CLD101": "fatal",  # Mandatory column missing
    "CLD102": "warning",  # Column not in the specification
    "CLD103": "warning",  # Header read under another spelling
    "CLD104": "warning",  # Voluntary column missing
    "CLD105": "error",  # Submission Information block differs from a column
    "CLD120": "warning",  # Row in another text encoding
    "CLD201": "error",  # LA Code not in the register
    "CLD202": "warning",  # LA Name does not match the LA Code
    "CLD203": "error",  # Submission information differs between rows
    "CLD204": "error",  # LA Code differs from the LA the file is submitted for
    "CLD205": "error",  # Reporting period differs from the period submitted for
    "CLD206": "error",  # Reporting Year invalid or not the period's financial year
    "CLD207": "error",  # Reporting period end before start or longer than a year
    "CLD208": "warning",  # Reporting period does not start on 1 April
    "CLD301": "error",  # Mandatory item blank
    "CLD302": "error",  # Value not in the defined list
    "CLD303": "warning",  # Value differs from the list in case, spacing or dashes
    "CLD304": "warning",  # Value spelt differently from the list value
    "CLD305": "error",  # Not a real date in dd/mm/yyyy
    "CLD306": "error",  # Not a number (0.00)
    "CLD307": "warning",  # More than two decimal places
    "CLD308": "error",  # NHS Number fails the check digit
    "CLD309": "error",  # NHS Number is a placeholder
    "CLD310": "warning",  # NHS Number missing
    "CLD311": "error",  # Postcode not in UK postcode format
    "CLD312": "warning",  # GP Practice Code not in ODS format
    "CLD313": "warning",  # Provider CQC ID not in CQC format
    "CLD314": "error",  # NHS number not in an issued range, or a 999 test number
    "CLD315": "warning",  # NHS number written with spaces or dashes
    "CLD401": "error",  # Event Outcome missing on an ended event
    "CLD402": "error",  # Route of Access missing on a request
    "CLD403": "error",  # Assessment Type missing on an assessment
    "CLD404": "error",  # Service Type or Service Component missing on a service
    "CLD405": "error",  # Delivery Mechanism missing on a long term community service
    "CLD406": "error",  # Review Reason missing on a review
    "CLD407": "warning",  # Item given for an event type it does not apply to
    "CLD408": "error",  # Accommodation Status missing for a learning disability client aged 18-64
    "CLD409": "error",  # Employment Status missing for a learning disability client aged 18-64
    "CLD410": "warning",  # Unit Cost or Cost Frequency missing on a costed service
    "CLD411": "warning",  # Planned units per week missing for an hourly, daily or per-session cost
    "CLD412": "warning",  # Event Outcome not expected for this event type
    "CLD413": "warning",  # Event Outcome given for an ongoing event
    "CLD414": "warning",  # Delivery Mechanism on a service other than long term community
    "CLD415": "error",  # NFA - Deceased with no Date of Death
    "CLD416": "warning",  # Service Component does not belong with the Service Type
    "CLD417": "warning",  # Short Term Support: End of Life (guidance only)
    "CLD501": "error",  # Event ends before it starts
    "CLD502": "error",  # Event ends after the reporting period
    "CLD503": "error",  # Event starts after the reporting period
    "CLD504": "warning",  # Event ended before the reporting period
    "CLD505": "warning",  # Client under 18 at the start of the event
    "CLD506": "error",  # Date of Death before the event starts
    "CLD507": "error",  # Date of Death after the reporting period
    "CLD508": "error",  # Date of Birth after the event starts
    "CLD509": "warning",  # Age over 115
    "CLD510": "warning",  # Event ends after the Date of Death
    "CLD511": "warning",  # Open event of a person who died in the period
    "CLD601": "error",  # Person details differ between the person's rows
    "CLD602": "error",  # NHS Number given for more than one person
    "CLD603": "error",  # Event Reference not unique
    "CLD604": "warning",  # Duplicate event
    "CLD605": "warning",  # Full cost client differs between costed services
    "CLD606": "warning",  # More than one Assessment for a person
}


def test_every_rule_has_a_severity_entry_and_no_entry_is_stale() -> None:
    assert set(RULES) - set(SEVERITY) == set(), "add these rules to SEVERITY"
    assert set(SEVERITY) - set(RULES) == set(), "SEVERITY names rules that do not exist"


def test_rules_have_the_severity_in_the_table() -> None:
    wrong = {c: (r.severity, SEVERITY[c]) for c, r in RULES.items() if r.severity != SEVERITY[c]}
    assert wrong == {}
