import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cld.derive.outputs.ascof2e import MEMO
from cld.derive.outputs.test_learning_disability import (
    BOTH,
    PRISON,
    chronologies,
    lts,
    measure_holds,
    run,
)
from cld.derive.registry import OUTPUTS

DEN, NUM = "denominator", "numerator"
AGE, GENDER = "excluded: unknown age", "excluded: gender not counted in Total"
CARE_HOME = "Registered care home"
DATA = [
    lts("A"),
    # B: unknown accommodation, community home support
    lts("B", gender="Female", accommodation_status="Unknown", service_component="Home Support"),
    # C: two services on the same start disagree on the accommodation
    lts("C", service_component="Meals"),
    lts("C", accommodation_status=CARE_HOME),
    # E: a prison service only
    lts("E", delivery_mechanism=PRISON,
        accommodation_status="Prison / Young offenders institution / detention centre"),
    lts("F", gender="Female", date_of_birth=None),
    lts("I", gender="Not known", accommodation_status="Shared Lives scheme"),
    lts("M", primary_support_reason="Mental Health Support"),
    lts("O", gender="Female", primary_support_reason="Physical Support: Personal care support",
        date_of_birth="15/06/1950", accommodation_status=CARE_HOME,
        service_type="Long Term Support: Nursing Care", service_component="Long Term Nursing Care",
        delivery_mechanism=None),
    # P: 65 at the period end (NHSE), 64 when the LTS ended on 31/12/2023 (DHSC)
    lts("P", date_of_birth="15/03/1959", event_end="31/12/2023"),
]


def test_ld_18_64_nhse():
    # B (unknown) and C (conflict) stay Unknown: denominator only; E's prison service is not
    # in NHSD's 2E; I's gender is not in NHSD's Total; P is 65.
    _, got = run("ASCOF2E_ld18-64", DATA, "nhse-2023")
    assert got == sorted([
        ("Female", DEN, 1), ("Female", AGE, 1), ("Female", MEMO, 1),
        ("Male", DEN, 2), ("Male", MEMO, 1), ("Male", NUM, 1),
        ("Total", DEN, 3), ("Total", AGE, 1), ("Total", GENDER, 1), ("Total", MEMO, 2),
        ("Total", NUM, 1),
    ])


def test_ld_18_64_dhsc():
    # B presumed at home (settled); C presumed in community (not); E in prison counted;
    # I in the Total; P 64 at the end of the LTS.
    _, got = run("ASCOF2E_ld18-64", DATA, "dhsc-2024")
    assert got == sorted([
        ("Female", DEN, 1), ("Female", AGE, 1), ("Female", MEMO, 1), ("Female", NUM, 1),
        ("Male", DEN, 4), ("Male", MEMO, 1), ("Male", NUM, 2),
        ("Total", DEN, 6), ("Total", AGE, 1), ("Total", MEMO, 2), ("Total", NUM, 4),
    ])


def test_all_18_64():
    _, nhse = run("ASCOF2E_all18-64", DATA, "nhse-2023")
    assert nhse == sorted([
        ("Female", DEN, 1), ("Female", AGE, 1), ("Female", MEMO, 1),
        ("Male", DEN, 3), ("Male", MEMO, 1), ("Male", NUM, 2),
        ("Total", DEN, 4), ("Total", AGE, 1), ("Total", GENDER, 1), ("Total", MEMO, 2),
        ("Total", NUM, 2),
    ])
    _, dhsc = run("ASCOF2E_all18-64", DATA, "dhsc-2024")
    assert dhsc == sorted([
        ("Female", DEN, 1), ("Female", AGE, 1), ("Female", MEMO, 1), ("Female", NUM, 1),
        ("Male", DEN, 5), ("Male", MEMO, 1), ("Male", NUM, 3),
        ("Total", DEN, 7), ("Total", AGE, 1), ("Total", MEMO, 2), ("Total", NUM, 5),
    ])


def test_all_65_and_over():
    _, nhse = run("ASCOF2E_all65+", DATA, "nhse-2023")
    assert nhse == sorted([
        ("Female", DEN, 1), ("Female", AGE, 1), ("Male", DEN, 1), ("Male", NUM, 1),
        ("Total", DEN, 2), ("Total", AGE, 1), ("Total", NUM, 1),
    ])
    _, dhsc = run("ASCOF2E_all65+", DATA, "dhsc-2024")
    assert dhsc == sorted([
        ("Female", DEN, 1), ("Female", AGE, 1), ("Total", DEN, 1), ("Total", AGE, 1),
    ])


@pytest.mark.parametrize("profile", BOTH)
def test_prison_only_client_counted_under_dhsc_only(profile):
    data = [lts("E", delivery_mechanism=PRISON, accommodation_status="Tenant")]
    _, got = run("ASCOF2E_ld18-64", data, profile)
    want = [] if profile == "nhse-2023" else [
        ("Male", DEN, 1), ("Male", NUM, 1), ("Total", DEN, 1), ("Total", NUM, 1)]
    assert got == want


def test_the_variants_are_registered_as_measures():
    for table in ("ld18-64", "all18-64", "all65+"):
        o = OUTPUTS[f"ASCOF2E_{table}"]
        assert o.old_code == "1G" and o.measure is not None and o.measure.scale == 100
        assert o.dims["group"] == ("Male", "Female", "Total")


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=chronologies(), seed=st.randoms(use_true_random=False))
def test_numerator_within_denominator_in_any_row_order(data, seed):
    order = list(range(len(data)))
    seed.shuffle(order)
    measure_holds("ASCOF2E_ld18-64", data, order)
