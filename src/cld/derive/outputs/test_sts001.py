"""STS001 over one small hand-computed chronology, whole table asserted under both
profiles, plus route labels."""

import pytest

from cld.derive.blocks.short_term import EXCLUDED_DOB
from cld.derive.blocks.short_term_params import UNCLASSIFIED
from cld.derive.blocks.short_term_testkit import (
    COMMUNITY,
    DHSC,
    NHSE,
    NURSING,
    STMAX,
    contributions,
    other,
    req,
    run,
    svc,
)
from cld.derive.cells import cells
from cld.derive.outputs.sts001 import ROUTES, SEQUELS, STS001
from cld.derive.testing import rows

HOSP, COMM, PLANNED = "Discharge from Hospital", "Community / Other route", \
    "Planned Entry (Transition)"
IA = "NFA - Information & Advice / Signposting only"
PROGRESS = "Progress to Support Planning / Services"

CHRONOLOGY = [
    # A: request, then ST-Max the next day -> ST-Max
    req("01/05/2023", "02/05/2023", "Progress to Reablement/ST-Max", HOSP, person_id="A"),
    svc(STMAX, "03/05/2023", "31/05/2023", "Service ended as planned", person_id="A"),
    # B: signposted, nothing after -> Universal services (no chronology)
    req("10/06/2023", "10/06/2023", IA, COMM, person_id="B"),
    # C: an existing client (open LTS): not a new client's request
    svc(COMMUNITY, "01/01/2023", None, person_id="C"),
    req("01/07/2023", "03/07/2023", IA, COMM, person_id="C"),
    # D: assessment the next day ends in NFA declined -> No services: other reason
    req("01/08/2023", "02/08/2023", "Progress to Assessment / Unplanned Review", COMM,
        person_id="D"),
    other("Assessment", "03/08/2023", "20/08/2023", "NFA - Support declined", person_id="D"),
    # E: no route; the only later event starts 90 days on -> out of scope, own outcome
    # unmappable -> Unable to classify, route Unknown
    req("01/09/2023", "02/09/2023", PROGRESS, None, person_id="E"),
    svc(COMMUNITY, "01/12/2023", "31/12/2023", person_id="E"),
    # F: ended before the period: not counted
    req("01/02/2023", "05/02/2023", IA, COMM, person_id="F"),
    # G: two requests 4 days apart: one episode, ends on the second (deceased)
    req("01/10/2023", "02/10/2023", "NFA - Support declined", COMM, person_id="G"),
    req("06/10/2023", "07/10/2023", "NFA - Deceased", PLANNED, person_id="G"),
    # H: no date of birth (NHSE requires one)
    req("01/11/2023", "01/11/2023", IA, COMM, person_id="H", date_of_birth=None),
    # I: nursing care 8 days after the request -> Long Term Support Nursing
    req("01/12/2023", "02/12/2023", PROGRESS, HOSP, person_id="I"),
    svc(NURSING, "10/12/2023", None, person_id="I"),
]

COMMON = {
    ("Short Term Support to Maximise Independence", HOSP): 1,
    ("Universal Services/ Signposted to other services", COMM): 1,
    ("No Services Provided - other reason", COMM): 1,
    (UNCLASSIFIED, "Unknown"): 1,
    ("No Services Provided - Deceased", PLANNED): 1,
    ("Long Term Support Nursing", HOSP): 1,
}
EXPECTED = {
    NHSE: {**COMMON, (EXCLUDED_DOB, COMM): 1},
    DHSC: {**COMMON, ("Universal Services/ Signposted to other services", COMM): 2},
}


@pytest.mark.parametrize("profile", [NHSE, DHSC])
def test_whole_table(profile):
    got = rows(cells(STS001, contributions("STS001", CHRONOLOGY, profile), ["503"]),
               "sequel", "route_of_access", "value")
    assert len(got) == len(SEQUELS) * len(ROUTES)  # every cell listed, zero-filled
    assert {(s, r): v for s, r, v in got if v} == EXPECTED[profile]


def test_rule_paths_explain_each_request():
    got = {u.split(":")[-1].split("@")[0]: r
           for u, r in rows(contributions("STS001", CHRONOLOGY, NHSE), "unit", "rule")}
    assert got == {
        "A": f"chain>service>{STMAX}",
        "B": f"no chronology>{IA}",
        "D": "chain>outcome>NFA - Support declined",
        "E": f"out of scope>{PROGRESS}",
        "G": "no chronology>NFA - Deceased",
        "H": f"no chronology>{IA}",
        "I": f"chain>service>{NURSING}",
    }


def test_routes_are_the_v42_list_and_unknown():
    assert ROUTES[:4] == ("Planned Entry (Transition)", "Discharge from Hospital",
                          "Diversion from Hospital Services", "Community / Other route")
    assert ROUTES[-1] == "Unknown" and len(ROUTES) == 10
    got = run("STS001", [req("01/05/2023", "01/05/2023", IA, "Transfer from Other LA")], DHSC,
              "route_of_access")
    assert got == [("Transfer from Other LA",)]


def test_through_derive_the_same_table():
    from cld.derive.blocks.short_term_testkit import AFTER, P0, P1
    from cld.derive.compute import derive
    from cld.derive.load import load_profile
    from cld.derive.testing import events

    d = derive(events(CHRONOLOGY), load_profile(NHSE), P0, P1, today=AFTER, only=["STS001"])
    got = rows(d.cells["STS001"], "sequel", "route_of_access", "value")
    assert {(s, r): v for s, r, v in got if v} == EXPECTED[NHSE]
