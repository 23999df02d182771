"""ASCOF 2A: parts (numerator, denominator, exclusions) by age group under both profiles,
one hand-computed chronology, and properties (numerator within denominator, row order
irrelevant)."""

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cld.derive.blocks.short_term_testkit import (
    COMMUNITY,
    DHSC,
    LOW,
    NHSE,
    STMAX,
    contributions,
    other,
    req,
    svc,
)
from cld.derive.outputs.ascof2a import (
    ASCOF2A,
    DENOMINATOR,
    EX_AGE,
    EX_OUTCOME,
    EX_UNCLASSIFIED,
    EX_UNDER,
    NUMERATOR,
)
from cld.derive.testing import rows

ENDED = "Service ended as planned"
IA = "NFA - Information & Advice / Signposting only"


def episode(person, outcome, *after, **facts):
    """A new client's request, the ST-Max that follows it (03/05-31/05/2023), then `after`."""
    return [{**e, "person_id": person, **facts} for e in [
        req("01/05/2023", "02/05/2023", "Progress to Reablement/ST-Max"),
        svc(STMAX, "03/05/2023", "31/05/2023", outcome), *after]]


CHRONOLOGY = [
    *episode("A", ENDED, svc(COMMUNITY, "02/06/2023", None)),           # long-term support
    *episode("J", IA, date_of_birth=date(1980, 1, 1)),                   # 18-64, nothing after
    *episode("K", ENDED),                                                # ended as planned
    *episode("L", ENDED, svc(LOW, "01/06/2023", "30/06/2023"),
             date_of_birth=date(2010, 1, 1)),                            # aged 13
    *episode("M", ENDED, date_of_death=date(2023, 6, 2)),                # died 2 days after
    *episode("N", ENDED, date_of_birth=None),                            # age unknown
]

EXPECTED = {
    NHSE: [("A", DENOMINATOR, "65+"),
           ("J", EX_UNCLASSIFIED, "18-64"),  # "No_Chronology_" outcome: unclassifiable
           ("K", DENOMINATOR, "65+"), ("K", NUMERATOR, "65+"),
           ("L", EX_UNDER, "Unknown"),
           ("M", DENOMINATOR, "65+"), ("M", NUMERATOR, "65+"),  # NHSE ignores the death
           ("N", EX_AGE, "Unknown")],
    DHSC: [("A", DENOMINATOR, "65+"),
           ("J", DENOMINATOR, "18-64"), ("J", NUMERATOR, "18-64"),
           ("K", DENOMINATOR, "65+"), ("K", NUMERATOR, "65+"),
           ("L", EX_UNDER, "Unknown"),
           ("M", EX_OUTCOME, "65+"),  # deceased: out of both
           ("N", DENOMINATOR, "Unknown"), ("N", NUMERATOR, "Unknown")],  # total only
}


def person(unit):
    return unit.split("@")[0].split(":")[-1]


@pytest.mark.parametrize("profile", [NHSE, DHSC])
def test_parts_and_groups(profile):
    got = sorted((person(u), p, g) for u, p, g in
                 rows(contributions("ASCOF2A", CHRONOLOGY, profile), "unit", "part", "group"))
    assert got == EXPECTED[profile]


def test_measure_and_old_code():
    assert ASCOF2A.measure is not None
    assert (ASCOF2A.measure.numerator, ASCOF2A.measure.denominator, ASCOF2A.measure.scale) == (
        NUMERATOR, DENOMINATOR, 100)
    assert ASCOF2A.old_code == "2D"
    assert ASCOF2A.dims["group"] == ("18-64", "65+", "Unknown")


def test_dhsc_new_client_91_days_nhse_cohort_by_request():
    # an LTS ended 60 days before the ST-Max: DHSC existing (not in 2A); NHSE's cohort is
    # the request's sequel and its request starts after the LTS ended: new
    chron = [svc(COMMUNITY, "01/01/2023", "04/03/2023"), *episode("P1", ENDED)]
    assert rows(contributions("ASCOF2A", chron, DHSC), "part") == []
    assert rows(contributions("ASCOF2A", chron, NHSE), "part") == [(DENOMINATOR,),
                                                                     (NUMERATOR,)]


# Properties over generated chronologies
DAY0 = date(2023, 3, 1)
KINDS = {
    "request": lambda s, e, o: req(s, e, o),
    "st_max": lambda s, e, o: svc(STMAX, s, e, o, component="Reablement"),
    "community": lambda s, e, o: svc(COMMUNITY, s, e, o, component="Home Support"),
    "low": lambda s, e, o: svc(LOW, s, e, o, component="Equipment"),
    "assessment": lambda s, e, o: other("Assessment", s, e, o),
}
OUTCOMES = [None, ENDED, IA, "NFA - Support declined", "Progress to Reablement/ST-Max",
            "Admitted to hospital", "NFA - Deceased"]


def ddmmyyyy(d):
    return d.strftime("%d/%m/%Y")


@st.composite
def chronologies(draw):
    # a seed request and the ST-Max right after it (so most examples have an episode), then
    # random events of both people
    s = DAY0 + timedelta(days=draw(st.integers(30, 380)))
    st_end = s + timedelta(days=draw(st.integers(2, 40)))
    out = [req(ddmmyyyy(s), ddmmyyyy(s + timedelta(days=1)), "Progress to Reablement/ST-Max"),
           svc(STMAX, ddmmyyyy(s + timedelta(days=2)), ddmmyyyy(st_end),
               draw(st.sampled_from(OUTCOMES)))]
    for _ in range(draw(st.integers(1, 7))):
        kind = draw(st.sampled_from(sorted(KINDS)))
        start = DAY0 + timedelta(days=draw(st.integers(0, 420)))
        length = draw(st.one_of(st.none(), st.integers(0, 40)))
        end = None if length is None else ddmmyyyy(start + timedelta(days=length))
        e = KINDS[kind](ddmmyyyy(start), end, draw(st.sampled_from(OUTCOMES)))
        e["person_id"] = draw(st.sampled_from(["A", "B"]))
        e["date_of_birth"] = {"A": date(1950, 6, 1), "B": date(1990, 6, 1)}[e["person_id"]]
        out.append(e)
    return [{"date_of_birth": date(1950, 6, 1), "person_id": "A", **e} for e in out]


@settings(max_examples=6, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(chron=chronologies(), profile=st.sampled_from([NHSE, DHSC]), data=st.data())
def test_numerator_within_denominator_and_row_order_irrelevant(chron, profile, data):
    cols = ("la_code", "unit", "part", "group", "rule")
    got = rows(contributions("ASCOF2A", chron, profile), *cols)
    shuffled = data.draw(st.permutations(chron))
    assert rows(contributions("ASCOF2A", shuffled, profile), *cols) == got
    num = {(u, g) for _, u, p, g, _ in got if p == NUMERATOR}
    den = {(u, g) for _, u, p, g, _ in got if p == DENOMINATOR}
    assert num <= den
    units = [u for _, u, p, _, _ in got if p != NUMERATOR]
    assert len(units) == len(set(units))  # each episode in exactly one part besides numerator

