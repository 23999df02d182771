"""New vs existing client at an episode's start (rule D of each profile)."""

import pytest

from cld.derive.blocks import short_term
from cld.derive.blocks.new_client import with_existing
from cld.derive.blocks.short_term_testkit import COMMUNITY, DHSC, NHSE, NURSING, STMAX, inputs, svc
from cld.derive.testing import rows


def existing(chronology, profile):
    i = inputs(chronology, profile)
    p = short_term.params(i)
    eps = short_term.episodes(short_term.st_max_rows(i), p.st_max, i).episodes
    return [r[0] for r in rows(with_existing(eps, i.events, p.new_client), "existing")]


ST = svc(STMAX, "01/09/2023", "20/09/2023")


@pytest.mark.parametrize(("lts_end", "dhsc"), [
    ("03/06/2023", True),   # 90 days before 01/09: DHSC existing (ended < 91 days before)
    ("02/06/2023", False),  # 91 days before: new
])
def test_lts_ending_90_or_91_days_before_st_max(lts_end, dhsc):
    chron = [svc(COMMUNITY, "01/01/2023", lts_end), ST]
    assert existing(chron, DHSC) == [dhsc]
    assert existing(chron, NHSE) == [False]  # NHSE: only an LTS the start falls inside


def test_open_lts_or_one_spanning_the_start_is_existing_under_both():
    for lts in (svc(COMMUNITY, "01/01/2023", None), svc(NURSING, "01/01/2023", "01/09/2023")):
        for profile in (NHSE, DHSC):
            assert existing([lts, ST], profile) == [True]


def test_lts_starting_on_the_episode_start_day():
    # NHSE: start <= episode start <= end, so existing; DHSC: LTS must start before
    chron = [svc(COMMUNITY, "01/09/2023", None), ST]
    assert existing(chron, NHSE) == [True]
    assert existing(chron, DHSC) == [False]


def test_lts_of_another_person_or_la_or_a_short_term_service_does_not_count():
    chron = [svc(COMMUNITY, "01/01/2023", None, person_id="B"),
             svc(COMMUNITY, "01/01/2023", None, la_code="504"),
             svc("Short Term Support: Ongoing Low Level", "01/01/2023", None), ST]
    for profile in (NHSE, DHSC):
        assert existing(chron, profile) == [False]
