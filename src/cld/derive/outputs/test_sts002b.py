"""STS002b: existing clients' ST-Max episodes (a total) per profile."""

from cld.derive.blocks.short_term import EXCLUDED_DOB
from cld.derive.blocks.short_term_testkit import COMMUNITY, DHSC, NHSE, STMAX, run, svc

ST = svc(STMAX, "01/09/2023", "20/09/2023")


def test_existing_clients_only():
    inside = [svc(COMMUNITY, "01/01/2023", None), ST]
    for profile in (NHSE, DHSC):
        assert run("STS002b", inside, profile, "total") == [("Total",)]
        assert run("STS002b", [ST], profile, "total") == []


def test_lts_ended_60_days_before_counts_under_dhsc_only():
    chron = [svc(COMMUNITY, "01/01/2023", "03/07/2023"), ST]
    assert run("STS002b", chron, DHSC, "total") == [("Total",)]
    assert run("STS002b", chron, NHSE, "total") == []


def test_all_st_max_episodes_not_only_request_sequels_and_unknown_birth_date():
    chron = [{**e, "date_of_birth": None} for e in [svc(COMMUNITY, "01/01/2023", None), ST]]
    assert run("STS002b", chron, NHSE, "total") == [(EXCLUDED_DOB,)]
    assert run("STS002b", chron, DHSC, "total") == [("Total",)]


def test_two_episodes_of_one_person_count_twice():
    chron = [svc(COMMUNITY, "01/01/2023", None), ST, svc(STMAX, "01/11/2023", "10/11/2023")]
    for profile in (NHSE, DHSC):
        assert len(run("STS002b", chron, profile, "unit")) == 2
