"""Sequels: NHSE's chain (28/3-day first event, 3-day chain gap, breakers, service
hierarchy, final NFA outcomes and their ties) and DHSC's ordered rules 1-6; and the mapping
of sequels to a table's labels."""

from datetime import date

import ibis
import pyarrow as pa
import pytest

from cld.derive.blocks import short_term
from cld.derive.blocks.sequels import category
from cld.derive.blocks.short_term_params import NFA_TIE, UNCLASSIFIED, Table
from cld.derive.blocks.short_term_testkit import (
    COMMUNITY,
    DHSC,
    NHSE,
    NURSING,
    OTHER,
    RESIDENTIAL,
    STMAX,
    inputs,
    other,
    req,
    svc,
)
from cld.derive.testing import rows

PROGRESS = "Progress to Support Planning / Services"
BOTH = pytest.mark.parametrize("profile", [NHSE, DHSC])


def request_sequels(chronology, profile):
    t = short_term.request_sequels(inputs(chronology, profile))
    return rows(t, "ep_start", "sequel", "rule", "chained")


def st_max_sequels(chronology, profile):
    t = short_term.st_max_sequels(inputs(chronology, profile))
    return rows(t, "ep_start", "sequel", "rule", "chained")


REQ = req("01/05/2023", "02/05/2023", PROGRESS)
MAY1 = date(2023, 5, 1)


@BOTH
@pytest.mark.parametrize(("start", "in_scope"), [("30/05/2023", True), ("31/05/2023", False)])
def test_first_request_sequel_at_day_28_vs_29(profile, start, in_scope):
    got = request_sequels([REQ, svc(COMMUNITY, start, "30/09/2023")], profile)
    if in_scope:  # 28 days after the request's end
        assert got == [(MAY1, COMMUNITY, f"chain>service>{COMMUNITY}", True)]
    else:  # 29 days: later activity out of scope, the request's own outcome
        assert got == [(MAY1, PROGRESS, f"out of scope>{PROGRESS}", False)]


@BOTH
def test_open_first_event_is_in_scope_whenever_it_starts(profile):
    got = request_sequels([REQ, svc(NURSING, "01/08/2023", None)], profile)
    assert got == [(MAY1, NURSING, f"chain>service>{NURSING}", True)]


@BOTH
@pytest.mark.parametrize(("start", "found"), [("13/05/2023", True), ("14/05/2023", False)])
def test_chain_gap_3_vs_4_days(profile, start, found):
    chron = [REQ, other("Assessment", "03/05/2023", "10/05/2023", PROGRESS),
             svc(RESIDENTIAL, start, "30/09/2023")]
    got = request_sequels(chron, profile)
    if found:  # starts 3 days after the assessment's end: still the chain
        assert got == [(MAY1, RESIDENTIAL, f"chain>service>{RESIDENTIAL}", True)]
    else:  # 4 days: the chain broke; nothing usable in it
        assert got == [(MAY1, PROGRESS, f"no service found>{PROGRESS}", False)]


@BOTH
def test_a_request_first_in_the_chain_puts_later_activity_out_of_scope(profile):
    # request B (8 days later: its own episode) supersedes A; the service is B's sequel
    chron = [REQ, req("10/05/2023", "12/05/2023", PROGRESS),
             svc(COMMUNITY, "13/05/2023", None)]
    assert request_sequels(chron, profile) == [
        (MAY1, PROGRESS, f"out of scope>{PROGRESS}", False),
        (date(2023, 5, 10), COMMUNITY, f"chain>service>{COMMUNITY}", True)]


@BOTH
def test_no_later_events_is_no_chronology(profile):
    got = request_sequels([req("01/05/2023", "02/05/2023", "NFA - Deceased")], profile)
    assert got == [(MAY1, "NFA - Deceased", "no chronology>NFA - Deceased", False)]


@BOTH
def test_best_service_by_hierarchy_st_max_first_for_requests(profile):
    chron = [REQ, svc(COMMUNITY, "03/05/2023", "10/05/2023"),
             svc(NURSING, "05/05/2023", "20/05/2023"), svc(STMAX, "11/05/2023", "20/05/2023")]
    assert request_sequels(chron, profile)[0][1] == STMAX
    assert request_sequels(chron[:3], profile)[0][1] == NURSING


@BOTH
def test_several_nfa_outcomes_on_the_latest_end_day_are_nfa_other(profile):
    chron = [REQ, other("Assessment", "03/05/2023", "10/05/2023", "NFA - Support declined"),
             other("Assessment", "04/05/2023", "10/05/2023",
                   "NFA - Self-funded client (inc 12wk disregard)"),
             other("Review", "04/05/2023", "08/05/2023", "NFA - Deceased")]
    assert request_sequels(chron, profile) == [
        (MAY1, NFA_TIE, f"chain>several final outcomes>{NFA_TIE}", True)]
    # one of them ending later decides alone; the same outcome twice is that outcome
    later = [*chron[:2], other("Assessment", "04/05/2023", "11/05/2023",
                                "NFA - Support declined")]
    assert request_sequels(later, profile) == [
        (MAY1, "NFA - Support declined", "chain>outcome>NFA - Support declined", True)]


@BOTH
def test_end_of_life_is_a_final_outcome_for_requests(profile):
    chron = [REQ, other("Assessment", "03/05/2023", "10/05/2023",
                        "Progress to End of Life Care")]
    assert request_sequels(chron, profile)[0][1] == "Progress to End of Life Care"


# ST-Max sequels: NHSE's cohort is the ST-Max that followed a new client's request
ST = [req("01/05/2023", "02/05/2023", "Progress to Reablement/ST-Max"),
      svc(STMAX, "03/05/2023", "31/05/2023", "Service ended as planned")]
MAY3 = date(2023, 5, 3)


@pytest.mark.parametrize(("start", "nhse_found"), [("03/06/2023", True), ("04/06/2023", False)])
def test_st_max_first_sequel_3_vs_4_days(start, nhse_found):
    chron = [*ST, svc(COMMUNITY, start, "30/09/2023")]  # closed (an open one is in scope)
    nhse = st_max_sequels(chron, NHSE)
    if nhse_found:
        assert nhse == [(MAY3, COMMUNITY, f"chain>service>{COMMUNITY}", True)]
    else:
        assert nhse == [(MAY3, "Service ended as planned",
                         "out of scope>Service ended as planned", False)]
    # DHSC: the window is 7 days
    assert st_max_sequels(chron, DHSC) == [
        (MAY3, COMMUNITY, f"3 window>service>{COMMUNITY}", True)]


def test_nhse_st_max_chain_breaks_at_another_st_max_not_at_a_request():
    chron = [*ST, req("01/06/2023", "02/06/2023", PROGRESS), svc(NURSING, "03/06/2023", None)]
    assert st_max_sequels(chron, NHSE)[0][1] == NURSING
    chron = [*ST, svc(STMAX, "03/06/2023", "04/06/2023"), svc(NURSING, "05/06/2023", None)]
    assert st_max_sequels(chron, NHSE)[0][2] == "out of scope>Service ended as planned"


def test_nhse_st_max_cohort_needs_a_request_dhsc_does_not():
    chron = [svc(STMAX, "03/05/2023", "31/05/2023", "NFA - Support declined")]
    assert st_max_sequels(chron, NHSE) == []
    assert st_max_sequels(chron, DHSC) == [
        (MAY3, "NFA - Support declined", "4a outcome>episode>NFA - Support declined", True)]


@pytest.mark.parametrize(("dod", "deceased"), [("07/06/2023", True), ("08/06/2023", False)])
def test_death_7_vs_8_days_after_the_st_max_end(dod, deceased):
    chron = [{**e, "date_of_death": dod} for e in ST]
    got = st_max_sequels(chron, DHSC)
    if deceased:  # DHSC rule 1
        assert got == [(MAY3, "NFA - Deceased", "1 death>NFA - Deceased", True)]
    else:
        assert got == [(MAY3, "Service ended as planned",
                         "4a outcome>episode>Service ended as planned", True)]
    # NHSE looks for events, not deaths: nothing followed
    assert st_max_sequels(chron, NHSE) == [
        (MAY3, "Service ended as planned", "no chronology>Service ended as planned", False)]


def test_death_inside_an_open_st_max_ends_it_deceased_under_dhsc():
    # the death ends the open service (prepare), so the episode ends in the period
    chron = [{**e, "date_of_death": "20/06/2023"} for e in
             [ST[0], svc(STMAX, "03/05/2023", None, "Progress to Reablement/ST-Max")]]
    assert st_max_sequels(chron, DHSC) == [(MAY3, "NFA - Deceased", "1 death>NFA - Deceased",
                                            True)]
    # NHSE: nothing followed; its own outcome is not Service ended as planned
    assert st_max_sequels(chron, NHSE) == [
        (MAY3, "Progress to Reablement/ST-Max",
         "no chronology>Progress to Reablement/ST-Max", False)]


def st(outcome, *rest):
    return [svc(STMAX, "03/05/2023", "31/05/2023", outcome), *rest]


def dhsc(chron):
    (got,) = st_max_sequels(chron, DHSC)
    return got[1:3]


def test_dhsc_hospital_comes_before_services_in_the_window():
    got = dhsc(st("Admitted to hospital", svc(NURSING, "02/06/2023", None)))
    assert got == ("Admitted to hospital", "2 hospital>Admitted to hospital")


def test_dhsc_other_short_term_in_a_care_home_bed():
    bed = "Short term support: Residential or Nursing care"
    chron = st(PROGRESS, svc(OTHER, "05/06/2023", "20/06/2023", component="Home Support"),
               svc(OTHER, "06/06/2023", "20/06/2023", component="Short Term Nursing Care"))
    assert dhsc(chron) == (bed, f"3 window>service>{bed}")
    assert dhsc(chron[:2]) == (OTHER, f"3 window>service>{OTHER}")
    # 8 days after the end: outside the window; unusable outcome: unable to classify
    late = st(PROGRESS, svc(OTHER, "08/06/2023", "20/06/2023", component="Home Support"))
    assert dhsc(late) == (PROGRESS, f"6 unable to classify>{PROGRESS}")


def test_dhsc_best_usable_outcome_of_episode_window_and_nested_events():
    # 4b: a window review's usable outcome ("Service ended as planned" is not taken there)
    chron = st(PROGRESS, other("Review", "02/06/2023", "05/06/2023", "NFA - Moved to another LA"))
    assert dhsc(chron) == ("NFA - Moved to another LA",
                           "4b outcome>window>NFA - Moved to another LA")
    chron = st(PROGRESS, other("Review", "02/06/2023", "05/06/2023", "Service ended as planned"))
    assert dhsc(chron)[1].startswith("6 unable")
    # 4c: an assessment inside the episode ending 6 days before its end; 21 days: not nested
    nested = st(PROGRESS, other("Assessment", "03/05/2023", "25/05/2023", "NFA - Support declined"))
    assert dhsc(nested) == ("NFA - Support declined", "4c outcome>nested>NFA - Support declined")
    early = st(PROGRESS, other("Assessment", "03/05/2023", "10/05/2023", "NFA - Support declined"))
    assert dhsc(early)[1].startswith("6 unable")
    # the better-ranked of the episode's own outcome and a window outcome wins
    both = st("NFA - Support ended: Other reason",
              other("Review", "02/06/2023", "05/06/2023", "NFA - Moved to another LA"))
    assert dhsc(both)[0] == "NFA - Moved to another LA"


def test_dhsc_nested_equipment_is_ongoing_low_level():
    chron = st(PROGRESS, svc("Short Term Support: Ongoing Low Level", "10/05/2023",
                             "20/05/2023", component="Equipment"))
    assert dhsc(chron) == ("Short Term Support: Ongoing Low Level",
                           "5 nested equipment>Short Term Support: Ongoing Low Level")


def test_category_maps_chained_sequels_and_only_listed_unchained_ones():
    t = ibis.memtable(pa.table({"sequel": ["A", "A", "B", "C", None],
                                "chained": [True, False, False, True, False]}))
    table = Table(categories={"A": "a", "B": "b"}, unchained_maps=("B",))
    got = [r["c"] for r in t.select(c=category(t, table)).to_pyarrow().to_pylist()]
    assert got == ["a", UNCLASSIFIED, "b", UNCLASSIFIED, UNCLASSIFIED]
    table = Table(categories={"A": "a", "B": "b"}, unchained_maps="all")
    got = [r["c"] for r in t.select(c=category(t, table)).to_pyarrow().to_pylist()]
    assert got == ["a", "a", "b", UNCLASSIFIED, UNCLASSIFIED]
