from cld.derive.outputs.lts_testkit import (
    COMM,
    COMMUNITY,
    DP,
    MH,
    NURSING,
    RESIDENTIAL,
    service,
    table,
)
from cld.derive.testing import events

BOTH = ("nhse-2023", "dhsc-2024")
KNOWN = "Community: Delivery mechanism not known"


def test_twelve_month_boundary_chain_start_exactly_12_months_is_not_counted():
    # S = 31/03/2024; counted when the chain started before 31/03/2023 (strictly).
    t = events([service("exact", COMMUNITY, "31/03/2023", primary_support_reason=MH),
                service("dayMore", RESIDENTIAL, "30/03/2023", primary_support_reason=MH)])
    for profile in BOTH:
        assert table("LTS001c_1b", t, profile) == {("503", MH, "Residential"): 1}, profile


def test_gap_of_one_day_chains_two_days_breaks():
    t = events([
        service("one", RESIDENTIAL, "01/01/2022", "10/06/2023", primary_support_reason=MH),
        service("one", COMMUNITY, "11/06/2023", delivery_mechanism=DP, primary_support_reason=MH),
        service("two", NURSING, "01/01/2022", "10/06/2023", primary_support_reason=MH),
        service("two", COMMUNITY, "12/06/2023", delivery_mechanism=COMM,
                primary_support_reason=MH),
    ])
    for profile in BOTH:
        # "one": chained (gap 1 day) from 2022, counted in its setting at S (community DP);
        # "two": a 2-day gap starts a new chain in June 2023, not counted.
        assert table("LTS001c_1b", t, profile) == {
            ("503", MH, "Community: Direct Payment only"): 1}, profile


def test_running_max_vs_previous_row_differs_by_profile():
    # A long service contains a short one; the next starts a day after the long one ends.
    t = events([
        service("P", RESIDENTIAL, "01/01/2022", "31/12/2023", primary_support_reason=MH),
        service("P", NURSING, "01/02/2022", "01/03/2022", primary_support_reason=MH),
        service("P", COMMUNITY, "01/01/2024", primary_support_reason=MH),
    ])
    # NHSE (previous row's end, 01/03/2022): broken, chain starts 01/01/2024, not counted.
    assert table("LTS001c_1b", t, "nhse-2023") == {}
    # DHSC (running maximum end, 31/12/2023): one chain from 2022, counted.
    assert table("LTS001c_1b", t, "dhsc-2024") == {("503", MH, KNOWN): 1}


def test_working_age_table_and_people_who_died_or_ended_before_s():
    t = events([
        service("W", COMMUNITY, "01/01/2020", delivery_mechanism=DP, date_of_birth="01/01/1980",
                primary_support_reason=MH),
        service("ended", COMMUNITY, "01/01/2020", "30/03/2024", primary_support_reason=MH),
        service("died", COMMUNITY, "01/01/2020", date_of_death="30/03/2024",
                primary_support_reason=MH),
    ])
    for profile in BOTH:
        assert table("LTS001c_1a", t, profile) == {
            ("503", MH, "Community: Direct Payment only"): 1}, profile
        assert table("LTS001c_1b", t, profile) == {}, profile
