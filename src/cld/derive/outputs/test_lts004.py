import pytest

from cld.derive.cells import cells
from cld.derive.outputs.lts004 import GENDERS, SETTLED, UNSETTLED
from cld.derive.outputs.test_learning_disability import BOTH, PRISON, inputs, lts, run
from cld.derive.registry import OUTPUTS
from cld.derive.testing import rows

PAID16 = "Paid: 16 or more hours a week"
PAID_LT16 = "Paid: Less than 16 hours a week"
SEEKING = "Not in Paid Employment (seeking work)"
PRISON_ACC = "Prison / Young offenders institution / detention centre"

DATA = [
    lts("A", employment_status=PAID16),
    # B: unknown accommodation, community home support
    lts("B", gender="Female", accommodation_status="Unknown",
        service_component="Home Support"),
    # C: invalid accommodation, no employment status
    lts("C", accommodation_status="Council flat", employment_status=None),
    # D: two services on the same start disagree on the accommodation
    lts("D", gender="Female", service_component="Meals", employment_status=SEEKING),
    lts("D", gender="Female", accommodation_status="Registered care home",
        employment_status=SEEKING),
    # E: a prison service (v4.2: community with a prison delivery mechanism)
    lts("E", delivery_mechanism=PRISON, accommodation_status=PRISON_ACC),
    # F: no date of birth
    lts("F", date_of_birth=None),
    # G: not a learning disability; H: aged 70; neither is counted
    lts("G", gender="Female", primary_support_reason="Mental Health Support"),
    lts("H", date_of_birth="15/06/1953"),
    lts("I", gender="Not known", accommodation_status="Shared Lives scheme",
        employment_status=PAID_LT16),
]

TABLE_1 = sorted([
    (PAID16, "Male", 1), ("Unknown", "Female", 1), ("NULL/Invalid", "Male", 1),
    (SEEKING, "Female", 1), ("Unknown", "Male", 1), ("Excluded: unknown age", "Male", 1),
    (PAID_LT16, "Not known", 1),
])


@pytest.mark.parametrize("profile", BOTH)
def test_table_1_employment_by_gender(profile):
    _, got = run("LTS004_1", DATA, profile)
    assert got == TABLE_1


def test_table_2a_settled_nhse_vs_dhsc():
    _, nhse = run("LTS004_2a", DATA, "nhse-2023")
    _, dhsc = run("LTS004_2a", DATA, "dhsc-2024")
    assert nhse == [("Shared Lives scheme", "Not known", 1), ("Tenant", "Male", 1)]
    # DHSC: B's unknown accommodation is presumed at home (community home support): settled
    assert dhsc == [("Shared Lives scheme", "Not known", 1), ("Tenant", "Male", 1),
                    ("Unknown: Presumed at home", "Female", 1)]


def test_table_2b_unsettled_nhse_vs_dhsc():
    _, nhse = run("LTS004_2b", DATA, "nhse-2023")
    _, dhsc = run("LTS004_2b", DATA, "dhsc-2024")
    assert nhse == [("Excluded: unknown age", "Male", 1), ("NULL/Invalid", "Male", 1),
                    (PRISON_ACC, "Male", 1), ("Unknown", "Female", 2)]
    # DHSC: C (invalid) and D (conflict, so Unknown) are inferred from their latest
    # community service with no mappable component: presumed in community, not settled.
    assert dhsc == [("Excluded: unknown age", "Male", 1), (PRISON_ACC, "Male", 1),
                    ("Unknown: Presumed in community", "Female", 1),
                    ("Unknown: Presumed in community", "Male", 1)]


@pytest.mark.parametrize("profile", BOTH)
def test_2a_and_2b_hold_the_whole_cohort_of_table_1(profile):
    total = sum(v for *_, v in run("LTS004_1", DATA, profile)[1])
    split = sum(v for t in ("2a", "2b") for *_, v in run(f"LTS004_{t}", DATA, profile)[1])
    assert total == split == 7


def test_every_label_is_a_row_zero_filled():
    o = OUTPUTS["LTS004_2a"]
    nobody = [lts("G", primary_support_reason="Mental Health Support")]
    got = rows(cells(o, o.build(inputs(nobody, "dhsc-2024")), ["503", "504"]))
    assert len(got) == 2 * len(SETTLED) * len(GENDERS)
    assert {r[-2] for r in got} == {0}
    assert "NULL/Invalid" in UNSETTLED and "Unknown" in UNSETTLED


def test_a_figure_is_explained_by_its_contributions():
    c, _ = run("LTS004_2a", DATA, "dhsc-2024")
    got = rows(c.filter(c.accommodation == "Unknown: Presumed at home"), "unit", "rule")
    assert got == [("L:503:B", "ld>working age>settled>accommodation:inferred from "
                                "Community:Home Support")]


def test_a_profile_label_the_table_has_no_row_for_is_an_error_not_a_loss():
    from cld.derive.outputs.test_learning_disability import _with
    from cld.derive.profile import ProfileError
    from cld.derive.registry import Inputs

    ld = _with("dhsc-2024").sections["learning_disability"]
    prof = _with("dhsc-2024", settled=[*ld.settled, "Unknown: Presumed elsewhere"],
                 infer_accommodation=[{"settings": ["Community"],
                                       "value": "Unknown: Presumed elsewhere"},
                                      *(r.model_dump() for r in ld.infer_accommodation)])
    base = inputs([lts("A")], "dhsc-2024")
    bad = Inputs(base.events, prof, base.period_start, base.period_end, base.today)
    with pytest.raises(ProfileError, match="table 2a has no row for 'Unknown: Presumed elsewhere'"):
        OUTPUTS["LTS004_2a"].build(bad)
