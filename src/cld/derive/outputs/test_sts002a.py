"""STS002a: the cohort and labels per profile."""

import pytest

from cld.derive.blocks.short_term_params import UNCLASSIFIED
from cld.derive.blocks.short_term_testkit import (
    COMMUNITY,
    DHSC,
    NHSE,
    OTHER,
    STMAX,
    contributions,
    req,
    run,
    svc,
)
from cld.derive.cells import cells
from cld.derive.outputs.sts002a import SEQUELS, STS002A
from cld.derive.testing import rows

REQ = req("01/05/2023", "02/05/2023", "Progress to Reablement/ST-Max")
OTHER_LABEL = "No services provided – other"
EARLY = SEQUELS[0]


def test_labels_in_print_order_with_unclassified():
    assert SEQUELS[4] == OTHER_LABEL and SEQUELS[-2] == UNCLASSIFIED
    assert "100% NHS funded care/End of Life/deceased" in EARLY


@pytest.mark.parametrize("profile", [NHSE, DHSC])
def test_ltc_other_short_term_and_nfa(profile):
    chron = [REQ, svc(STMAX, "03/05/2023", "31/05/2023", "Service ended as planned"),
             svc(COMMUNITY, "02/06/2023", None),
             req("01/08/2023", "02/08/2023", "Progress to Reablement/ST-Max", person_id="B"),
             svc(STMAX, "03/08/2023", "31/08/2023", person_id="B"),
             svc(OTHER, "01/09/2023", "10/09/2023", component="Home Support", person_id="B")]
    got = [r[0] for r in run("STS002a", chron, profile, "sequel")]
    assert got == ["Long Term Support (any setting)", "Short Term Support (other)"]


def test_unchained_own_outcome_nhse_maps_only_service_ended_as_planned():
    # nothing after the episode: NHSE keeps its "No_Chronology_" prefix (unclassifiable)
    # except for Service ended as planned; DHSC takes the usable own outcome (rule 4a)
    declined = [REQ, svc(STMAX, "03/05/2023", "31/05/2023", "NFA - Support declined")]
    ended = [REQ, svc(STMAX, "03/05/2023", "31/05/2023", "Service ended as planned")]
    assert run("STS002a", declined, NHSE, "sequel") == [(UNCLASSIFIED,)]
    assert run("STS002a", declined, DHSC, "sequel") == [
        ("No services provided – needs identified but support declined",)]
    for profile in (NHSE, DHSC):
        assert run("STS002a", ended, profile, "sequel") == [(OTHER_LABEL,)]


def test_death_soon_after_is_early_cessation_under_dhsc():
    chron = [{**e, "date_of_death": "05/06/2023"} for e in
             [REQ, svc(STMAX, "03/05/2023", "31/05/2023", "Service ended as planned")]]
    assert run("STS002a", chron, DHSC, "sequel") == [(EARLY,)]
    assert run("STS002a", chron, NHSE, "sequel") == [(OTHER_LABEL,)]


def test_cells_are_zero_filled_for_every_label():
    chron = [REQ, svc(STMAX, "03/05/2023", "31/05/2023", "Service ended as planned")]
    got = rows(cells(STS002A, contributions("STS002a", chron, DHSC), ["503", "504"]),
               "la_code", "sequel", "value")
    assert len(got) == 2 * len(SEQUELS)
    assert [g for g in got if g[2]] == [("503", OTHER_LABEL, 1)]
