"""Episodes: requests and ST-Max rows clustered per the profile (LAG vs running maximum,
gap, open end, which end counts for the period, outcome ties)."""

from datetime import date

import pytest

from cld.derive.blocks import short_term
from cld.derive.blocks.short_term_testkit import DHSC, NHSE, P1, STMAX, inputs, req, svc
from cld.derive.testing import rows


def request_episodes(chronology, profile, **kw):
    i = inputs(chronology, profile, **kw)
    p = short_term.params(i)
    ev = i.events.filter(i.events.event_type == "Request")
    return rows(short_term.episodes(ev, p.requests, i).episodes, "ep_start", "ep_end",
                "ep_outcome")


def st_max_episodes(chronology, profile, **kw):
    i = inputs(chronology, profile, **kw)
    p = short_term.params(i)
    return rows(short_term.episodes(short_term.st_max_rows(i), p.st_max, i).episodes,
                "ep_start", "ep_end", "ep_outcome")


@pytest.mark.parametrize("profile", [NHSE, DHSC])
@pytest.mark.parametrize(("second", "episodes"), [("06/05/2023", 1), ("07/05/2023", 2)])
def test_requests_4_days_apart_are_one_episode_5_days_apart_two(profile, second, episodes):
    # first ends 02/05; a start 4 days later (06/05) joins, 5 days later (07/05) does not
    # (both profiles: 4 days; DHSC defines no request method and keeps NHSE's gap)
    got = request_episodes([req("01/05/2023", "02/05/2023", "NFA - Support declined"),
                            req(second, "10/05/2023", "NFA - Deceased")], profile)
    assert len(got) == episodes
    assert got[-1][1:] == (date(2023, 5, 10), "NFA - Deceased")


LONG_SHORT = [svc(STMAX, "01/05/2023", "31/05/2023", "Service ended as planned"),
              svc(STMAX, "03/05/2023", "05/05/2023", "NFA - Support declined")]


def test_st_max_next_day_after_a_long_row_holding_a_short_one_lag_vs_running_max():
    # NHSE compares a start with the previous row's end (05/05, the short row's): 01/06 is
    # 27 days later, a new episode. DHSC compares with the latest end so far (31/05): 1 day.
    chron = [*LONG_SHORT, svc(STMAX, "01/06/2023", "20/06/2023", "NFA - Deceased")]
    assert st_max_episodes(chron, NHSE) == [
        (date(2023, 5, 1), date(2023, 5, 31), "Service ended as planned"),
        (date(2023, 6, 1), date(2023, 6, 20), "NFA - Deceased")]
    assert st_max_episodes(chron, DHSC) == [
        (date(2023, 5, 1), date(2023, 6, 20), "NFA - Deceased")]


@pytest.mark.parametrize(("start", "dhsc"), [("07/06/2023", 1), ("08/06/2023", 2)])
def test_st_max_7_vs_8_days_after_the_running_max(start, dhsc):
    chron = [*LONG_SHORT, svc(STMAX, start, "20/06/2023", "NFA - Deceased")]
    assert len(st_max_episodes(chron, DHSC)) == dhsc  # 7 days joins, 8 days does not
    assert len(st_max_episodes(chron, NHSE)) == 2  # 1-day gap: never joins


def test_overlapping_st_max_rows_one_episode_under_both():
    chron = [svc(STMAX, "01/05/2023", "20/05/2023"), svc(STMAX, "10/05/2023", "30/05/2023")]
    for profile in (NHSE, DHSC):
        assert [r[:2] for r in st_max_episodes(chron, profile)] == [
            (date(2023, 5, 1), date(2023, 5, 30))]


def test_open_st_max_ends_today_under_nhse_and_never_under_dhsc():
    chron = [svc(STMAX, "01/03/2024", None)]
    # NHSE: open = the run date; run on the period end, the episode ends in the period
    assert st_max_episodes(chron, NHSE, today=P1) == [(date(2024, 3, 1), P1, None)]
    assert st_max_episodes(chron, NHSE) == []  # run after the period: not in the period
    assert st_max_episodes(chron, DHSC, today=P1) == []  # 9999-01-01: never in a period


def test_request_episode_ends_at_its_last_row_in_the_period_under_nhse_only():
    # NHSE STS001 keeps the rows ending in the period (end and outcome from them); DHSC's
    # style counts the episode by its latest end, here after the period: not in it.
    chron = [req("25/03/2024", "28/03/2024", "NFA - Support declined"),
             req("30/03/2024", "05/04/2024", "NFA - Deceased")]
    assert request_episodes(chron, NHSE) == [
        (date(2024, 3, 25), date(2024, 3, 28), "NFA - Support declined")]
    assert request_episodes(chron, DHSC) == []


def test_outcome_tie_on_the_last_day_by_hierarchy_and_dhsc_penalty():
    # Same end: NHSE takes the higher outcome in its hierarchy (Progress to Support
    # Planning, rank 5); DHSC ranks "progress" outcomes after every usable one.
    chron = [svc(STMAX, "01/05/2023", "31/05/2023", "NFA - Support declined"),
             svc(STMAX, "02/05/2023", "31/05/2023", "Progress to Support Planning / Services")]
    assert st_max_episodes(chron, NHSE)[0][2] == "Progress to Support Planning / Services"
    assert st_max_episodes(chron, DHSC)[0][2] == "NFA - Support declined"


def test_outcome_from_the_latest_ending_row_not_the_latest_starting():
    chron = [svc(STMAX, "01/05/2023", "31/05/2023", "NFA - Deceased"),
             svc(STMAX, "10/05/2023", "20/05/2023", "NFA - Support declined")]
    for profile in (NHSE, DHSC):
        assert st_max_episodes(chron, profile)[0][2] == "NFA - Deceased"


def test_people_and_las_cluster_apart():
    chron = [req("01/05/2023", "02/05/2023", person_id="A"),
             req("03/05/2023", "04/05/2023", person_id="B"),
             req("03/05/2023", "04/05/2023", person_id="A", la_code="504")]
    for profile in (NHSE, DHSC):
        assert len(request_episodes(chron, profile)) == 3
