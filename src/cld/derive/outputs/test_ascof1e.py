from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cld.derive.outputs.test_learning_disability import (
    chronologies,
    lts,
    measure_holds,
    run,
)
from cld.derive.registry import OUTPUTS

PAID16 = "Paid: 16 or more hours a week"
DATA = [
    lts("A", employment_status=PAID16),
    lts("B", gender="Female", employment_status="Unknown"),
    lts("C", employment_status=None),
    lts("I", gender="Not known", employment_status="Paid: Less than 16 hours a week"),
    lts("F", date_of_birth=None, employment_status=PAID16),
    # J: 65 at the period end (NHSE: out), 64 when her LTS ended on 31/12/2023 (DHSC: in)
    lts("J", gender="Female", employment_status=PAID16, date_of_birth="15/03/1959",
        event_end="31/12/2023"),
    lts("K", primary_support_reason="Mental Health Support", employment_status=PAID16),
]


def test_nhse_whole_table():
    _, got = run("ASCOF1E", DATA, "nhse-2023")
    assert got == [
        ("Female", "denominator", 1),
        ("Male", "denominator", 2), ("Male", "excluded: unknown age", 1),
        ("Male", "numerator", 1),
        # I's gender is neither Male nor Female: NHSD's Total leaves I out
        ("Total", "denominator", 3), ("Total", "excluded: gender not counted in Total", 1),
        ("Total", "excluded: unknown age", 1), ("Total", "numerator", 1),
    ]


def test_dhsc_whole_table():
    _, got = run("ASCOF1E", DATA, "dhsc-2024")
    assert got == [
        ("Female", "denominator", 2), ("Female", "numerator", 1),
        ("Male", "denominator", 2), ("Male", "excluded: unknown age", 1),
        ("Male", "numerator", 1),
        ("Total", "denominator", 5), ("Total", "excluded: unknown age", 1),
        ("Total", "numerator", 3),
    ]


def test_measure_and_old_code():
    o = OUTPUTS["ASCOF1E"]
    assert o.measure is not None and (o.measure.numerator, o.measure.denominator) == (
        "numerator", "denominator")
    assert o.old_code == "1E" and o.kind == "ascof"


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=chronologies(), seed=st.randoms(use_true_random=False))
def test_numerator_within_denominator_in_any_row_order(data, seed):
    order = list(range(len(data)))
    seed.shuffle(order)
    measure_holds("ASCOF1E", data, order)
