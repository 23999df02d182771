from cld.derive.outputs.ascof3d import (
    DENOMINATOR,
    NOT_COMMUNITY,
    NUMERATOR,
    UNDER_AGE,
    UNKNOWN_AGE,
    UNKNOWN_MECHANISM,
)
from cld.derive.outputs.lts_testkit import (
    CMPB,
    COMM,
    COMMUNITY,
    DP,
    NURSING,
    PRISON_CMPB,
    RESIDENTIAL,
    WORKING_AGE,
    service,
    table,
)
from cld.derive.registry import OUTPUTS
from cld.derive.testing import events


def _sample():
    return events([
        # A 65+: nursing and community DP at the snapshot -> nursing, not in the denominator.
        service("A", NURSING, "01/01/2023"),
        service("A", COMMUNITY, "01/02/2023", service_component="Direct Payment",
                delivery_mechanism=DP),
        # B 18-64: component Direct Payment, no mechanism -> a direct payment (rule E for 3D).
        service("B", COMMUNITY, "01/02/2023", service_component="Direct Payment",
                date_of_birth=WORKING_AGE),
        service("C", COMMUNITY, "01/02/2023", delivery_mechanism=CMPB,
                date_of_birth=WORKING_AGE),  # 18-64 CMPB: 1a, not 2a
        service("D", COMMUNITY, "01/02/2023", delivery_mechanism=COMM),  # 65+ commissioned
        service("E", COMMUNITY, "01/02/2023", service_component="Home Support"),  # no mechanism
        service("F", COMMUNITY, "01/02/2023", delivery_mechanism=DP, date_of_birth=None),
        service("G", COMMUNITY, "01/02/2023", delivery_mechanism=DP, date_of_birth="01/01/2007"),
        service("H", COMMUNITY, "01/02/2023", delivery_mechanism=PRISON_CMPB),  # prison
        # I 65+: residential ended before S, community DP open -> community DP.
        service("I", RESIDENTIAL, "01/01/2023", "01/03/2024"),
        service("I", COMMUNITY, "01/03/2024", delivery_mechanism=DP),
        service("J", COMMUNITY, "01/02/2023", "30/03/2024", delivery_mechanism=DP),  # ended
    ])


def _both(num_64, num_65, num_total_nhse):
    nhse = {
        (DENOMINATOR, "18-64"): 2, (DENOMINATOR, "65+"): 3, (DENOMINATOR, "Total"): 5,
        (NUMERATOR, "18-64"): num_64, (NUMERATOR, "65+"): num_65,
        (NUMERATOR, "Total"): num_total_nhse,
        (UNKNOWN_MECHANISM, "65+"): 1, (UNKNOWN_MECHANISM, "Total"): 1,
        (NOT_COMMUNITY, "65+"): 2, (NOT_COMMUNITY, "Total"): 2,
        (UNDER_AGE, "Total"): 1, (UNKNOWN_AGE, "Total"): 1,
    }
    # DHSC: F (unknown age, DP) counts in Total, so nothing is excluded for age.
    dhsc = {**nhse, (DENOMINATOR, "Total"): 6, (NUMERATOR, "Total"): num_total_nhse + 1}
    del dhsc[(UNKNOWN_AGE, "Total")]
    return ({("503", *k): v for k, v in nhse.items()},
            {("503", *k): v for k, v in dhsc.items()})


def test_1a_self_directed_support_per_profile():
    nhse, dhsc = _both(2, 1, 3)  # B, C; I
    assert table("ASCOF3D_1a", _sample(), "nhse-2023") == nhse
    assert table("ASCOF3D_1a", _sample(), "dhsc-2024") == dhsc


def test_2a_direct_payments_per_profile():
    nhse, dhsc = _both(1, 1, 2)  # B; I
    assert table("ASCOF3D_2a", _sample(), "nhse-2023") == nhse
    assert table("ASCOF3D_2a", _sample(), "dhsc-2024") == dhsc


def test_nursing_and_community_dp_is_nursing_under_both_profiles():
    t = events([service("A", NURSING, "01/01/2023"),
                service("A", COMMUNITY, "01/02/2023", service_component="Direct Payment",
                        delivery_mechanism=DP)])
    for profile in ("nhse-2023", "dhsc-2024"):
        assert table("ASCOF3D_2a", t, profile) == {
            ("503", NOT_COMMUNITY, "65+"): 1, ("503", NOT_COMMUNITY, "Total"): 1}, profile


def test_measure_and_old_code():
    o = OUTPUTS["ASCOF3D_1a"]
    assert (o.old_code, o.measure.numerator, o.measure.denominator) == (
        "1C", NUMERATOR, DENOMINATOR)


def test_contributions_explain_the_numerator():
    from cld.derive.outputs.lts_testkit import contributions

    got = sorted((r["unit"], r["group"], r["rule"])
                 for r in contributions("ASCOF3D_2a", _sample(), "nhse-2023")
                 if r["part"] == NUMERATOR)
    dp = "ASCOF3D>dp>numerator>Community: Direct Payment only"
    assert got == [("L:503:B", "18-64", dp), ("L:503:B", "Total", dp),
                   ("L:503:I", "65+", dp), ("L:503:I", "Total", dp)]
