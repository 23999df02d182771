from datetime import date, timedelta

import ibis
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cld.derive import testing
from cld.derive.cells import cells
from cld.derive.load import load_profile
from cld.derive.outputs.costs import (
    BREAKDOWNS,
    COSTS_SERVICES,
    OUTPUTS,
    REASONS,
    Costs,
)
from cld.derive.registry import Inputs
from cld.derive.testing import rows
from cld.spec import load_spec

NHSE, DHSC = load_profile("nhse-2023"), load_profile("dhsc-2024")
P0, P1 = date(2024, 4, 1), date(2025, 3, 31)  # 365 days
COMM = "Long Term Support: Community"
MPB = "Community: CASSR Managed Personal Budget"
ALL = [*OUTPUTS.values(), COSTS_SERVICES]


def svc(pid: str, cost: float | None, freq: str | None, units: float | None = None,
        start: str = "01/01/2020", end: str | None = None, **kw: object) -> dict:
    return {"person_id": pid, "event_type": "Service", "service_type": COMM,
            "service_component": "Home Support", "delivery_mechanism": MPB,
            "event_start": start, "event_end": end, "unit_cost": cost,
            "cost_frequency": freq, "planned_units": units, **kw}


def inputs(rows_in: list[dict], profile=DHSC) -> Inputs:
    return testing.inputs(rows_in, profile, P0, P1)


def by_unit(rows_in: list[dict], profile=DHSC) -> dict[str, dict[str, float]]:
    """person id -> {"weekly": £, "annualised": £} from the service-type breakdown."""
    t = OUTPUTS["service_type"].build(inputs(rows_in, profile))
    out: dict[str, dict[str, float]] = {}
    for unit, cost, value in rows(t, "unit", "cost", "value"):
        pid = unit.split("|")[0].split(":")[-1]
        out.setdefault(pid, {})[cost] = value
    return out


def reasons(rows_in: list[dict], profile=DHSC) -> dict[str, str]:
    t = COSTS_SERVICES.build(inputs(rows_in, profile))
    return {u.split("|")[0].split(":")[-1]: r for u, r in rows(t, "unit", "reason")}


YEAR_WEEKS = 365 / 7


@pytest.mark.parametrize(("freq", "cost", "units", "weekly"), [
    ("Weekly", 700, None, 700),
    ("Weekly", 700, 3, 700),  # planned units are not used for weekly costs
    ("Fortnightly", 1400, None, 700),
    ("4-weekly", 2800, None, 700),
    ("Monthly", 520, None, 120),  # 520 x 12/52
    ("Quarterly", 1300, None, 100),  # 1300 x 4/52
    ("Annually", 5200, None, 100),  # 5200 x 1/52
    ("Hourly", 20, 10, 200),
    ("Daily", 100, 7, 700),
    ("Per Session", 50, 3, 150),
])
def test_each_frequency_open_all_year(freq, cost, units, weekly):
    got = by_unit([svc("A", cost, freq, units)])
    assert got["A"]["weekly"] == pytest.approx(weekly)
    assert got["A"]["annualised"] == pytest.approx(weekly * YEAR_WEEKS)


def test_one_off_counts_once_in_the_period_it_starts():
    rows_in = [svc("A", 999, "One-off", start="01/06/2024"),
               svc("B", 999, "One-off", start="01/06/2023")]
    assert by_unit(rows_in) == {"A": {"annualised": 999}}  # no weekly cost for a one-off
    assert reasons(rows_in) == {"A": "costed", "B": "not costed: one-off cost before the period"}


def test_part_year_and_open_services():
    rows_in = [
        svc("A", 700, "Weekly", start="01/05/2024", end="30/05/2024"),  # 30 days
        svc("B", 700, "Weekly", start="01/03/2025"),  # open: 1..31 March = 31 days
        svc("C", 700, "Weekly", start="01/01/2024", end="10/04/2024"),  # 10 days in period
        svc("D", 700, "Weekly", start="01/01/2024", end="31/03/2024"),  # before the period
        svc("E", 700, "Weekly", start="01/03/2025", end="31/03/2025"),  # runs at the end
    ]
    got = by_unit(rows_in)
    assert got == {"A": {"annualised": pytest.approx(3000)},
                   "B": {"annualised": pytest.approx(3100), "weekly": 700},
                   "C": {"annualised": pytest.approx(1000)},
                   "E": {"annualised": pytest.approx(3100), "weekly": 700}}
    assert "D" not in reasons(rows_in)


def test_death_ends_an_open_service():
    # £70 a day, 7 days a week, 1..14 April: 2 weeks x £490
    got = by_unit([svc("A", 70, "Daily", 7, start="01/01/2024", date_of_death="14/04/2024")])
    assert got == {"A": {"annualised": pytest.approx(70 * 14)}}


def test_rows_that_cannot_be_costed_are_counted_with_the_reason():
    rows_in = [
        svc("A", None, None),
        svc("B", None, None, delivery_mechanism="Community: CASSR Commissioned Support"),
        svc("C", None, None, service_type="Short Term Support: ST-Max",
            service_component="Reablement", delivery_mechanism=None),
        svc("D", None, None, service_type="Short Term Support: Other Short Term",
            service_component="Short Term Nursing Care", delivery_mechanism=None),
        svc("E", 20, "Hourly", None),
        svc("F", 0, "Weekly"),
        svc("G", 50, None),
        svc("H", 50, "Weekly", delivery_mechanism="Community: CASSR Commissioned Support"),
        svc("I", 50, "Weekly", start="10/05/2024", end="01/05/2024"),
        svc("J", 50, "Fortnightly ", start="10/05/2024"),
    ]
    assert reasons(rows_in) == {
        "A": "cannot cost: no unit cost", "B": "not costed: not a costed service",
        "C": "not costed: not a costed service", "D": "cannot cost: no unit cost",
        "E": "cannot cost: no planned units", "F": "cannot cost: zero unit cost",
        "G": "cannot cost: no cost frequency", "H": "costed",
        "I": "cannot cost: ends before it starts", "J": "cannot cost: unknown cost frequency"}
    t = COSTS_SERVICES.build(inputs(rows_in))
    c = cells(COSTS_SERVICES, t, ["503"])
    got = dict(rows(c.filter((c.service_type == COMM) & (c.value > 0)), "reason", "value"))
    assert got == {"cannot cost: no unit cost": 1, "not costed: not a costed service": 1,
                   "cannot cost: no planned units": 1, "cannot cost: zero unit cost": 1,
                   "cannot cost: no cost frequency": 1, "costed": 1,
                   "cannot cost: ends before it starts": 1,
                   "cannot cost: unknown cost frequency": 1}
    assert rows(t.filter(t.unit.startswith("L:503:H")), "rule") == [
        ("costs>Weekly>a service the guidance does not cost",)]


def test_negative_unit_cost_absolute_under_dhsc_not_costed_under_nhse():
    rows_in = [svc("A", -700, "Weekly")]
    assert by_unit(rows_in, DHSC)["A"]["weekly"] == 700
    assert reasons(rows_in, NHSE) == {"A": "cannot cost: negative unit cost"}


def test_breakdowns_full_cost_client_and_labels():
    rows_in = [svc("A", 700, "Weekly", full_cost_client="Yes", primary_support_reason=None),
               svc("B", 100, "Weekly", full_cost_client="No",
                   primary_support_reason="Mental Health Support",
                   service_type="Long Term Support: Nursing Care",
                   service_component="Long Term Nursing Care", delivery_mechanism=None)]
    i = inputs(rows_in)
    got = {}
    for dim, o in OUTPUTS.items():
        c = cells(o, o.build(i), ["503"])
        got[dim] = dict(rows(c.filter((c.cost == "weekly") & (c.value > 0)), dim, "value"))
    assert got == {
        "service_type": {COMM: 700, "Long Term Support: Nursing Care": 100},
        "service_component": {"Home Support": 700, "Long Term Nursing Care": 100},
        "delivery_mechanism": {MPB: 700, "Not recorded": 100},
        "primary_support_reason": {"Not recorded": 700, "Mental Health Support": 100},
        "full_cost_client": {"Yes": 700, "No": 100},
    }


def test_profile_values_and_groups_name_spec_strings():
    spec = load_spec()
    freqs = set(spec.lists["cost_frequency"].canonical)
    for profile in (NHSE, DHSC):
        s = profile.get("costs", Costs)
        named = [*s.units_per_week, *s.planned_units_frequencies, *s.one_off_frequencies]
        assert sorted(named) == sorted(freqs)  # every v4.2 frequency, once
        assert s.units_per_week["Monthly"] == pytest.approx(12 / 52)
    assert set(spec.group("more_than_weekly_frequencies")) == set(
        DHSC.get("costs", Costs).planned_units_frequencies)
    assert len(REASONS) == len(set(REASONS))
    assert set(BREAKDOWNS) == set(OUTPUTS)


FREQS = ["Weekly", "Fortnightly", "4-weekly", "Monthly", "Quarterly", "Annually", "Hourly",
         "Daily", "Per Session", "One-off", None]
UPW = {"Weekly": 1, "Fortnightly": 1 / 2, "4-weekly": 1 / 4, "Monthly": 12 / 52,
       "Quarterly": 4 / 52, "Annually": 1 / 52}
TYPES = [COMM, "Long Term Support: Nursing Care", "Long Term Support: Residential Care"]

service = st.fixed_dictionaries({
    "cost": st.one_of(st.none(), st.integers(0, 2000)),
    "freq": st.sampled_from(FREQS),
    "units": st.one_of(st.none(), st.integers(0, 40)),
    "start": st.integers(-400, 400),  # days from the period start
    "length": st.one_of(st.none(), st.integers(0, 500)),
    "stype": st.sampled_from(TYPES),
    "full": st.sampled_from(["Yes", "No", None]),
})


def expected(s: dict) -> tuple[float, float | None] | None:
    """(annualised, weekly at the end) by hand, or None when not costed."""
    start = P0 + timedelta(days=s["start"])
    end = None if s["length"] is None else start + timedelta(days=s["length"])
    if start > P1 or (end is not None and end < P0) or not s["cost"] or s["freq"] is None:
        return None
    if s["freq"] == "One-off":
        return (s["cost"], None) if start >= P0 else None
    per_week = UPW.get(s["freq"], s["units"])
    if not per_week:
        return None
    days = ((min(end, P1) if end else P1) - max(start, P0)).days + 1
    weekly = s["cost"] * per_week
    return weekly * days / 7, (weekly if end is None or end >= P1 else None)


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(service, min_size=1, max_size=8))
def test_totals_equal_the_sum_of_the_parts(services):
    rows_in = []
    for n, s in enumerate(services):
        start = P0 + timedelta(days=s["start"])
        end = None if s["length"] is None else start + timedelta(days=s["length"])
        rows_in.append(svc(f"P{n}", s["cost"], s["freq"], s["units"],
                           start=start.strftime("%d/%m/%Y"),
                           end=end.strftime("%d/%m/%Y") if end else None,
                           service_type=s["stype"], full_cost_client=s["full"],
                           service_component=None, delivery_mechanism=None))
    want = [e for e in map(expected, services) if e is not None]
    want_annual = sum(a for a, _ in want)
    want_weekly = sum(w for _, w in want if w is not None)
    i = inputs(rows_in)
    parts = []
    for name, o in OUTPUTS.items():
        c = cells(o, o.build(i), ["503"])
        parts.append(c.group_by("cost").aggregate(v=c.value.sum().cast("float64"))
                     .mutate(o=ibis.literal(name)))
    counted = cells(COSTS_SERVICES, COSTS_SERVICES.build(i), ["503"])
    for label, keep in (("all", counted.value >= 0), ("costed", counted.reason == "costed")):
        f = counted.filter(keep)
        parts.append(f.aggregate(v=f.value.sum().cast("float64"))
                     .mutate(cost=ibis.literal(label), o=ibis.literal("services"))
                     .select("cost", "v", "o"))
    got = {(o, cost): v for cost, v, o in rows(ibis.union(*parts))}  # one query
    for name in OUTPUTS:
        assert got[(name, "annualised")] == pytest.approx(want_annual), name
        assert got[(name, "weekly")] == pytest.approx(want_weekly), name
    in_period = sum(1 for s in services
                    if P0 + timedelta(days=s["start"]) <= P1
                    and (s["length"] is None or P0 + timedelta(days=s["start"] + s["length"])
                         >= P0))
    assert got[("services", "all")] == in_period
    assert got[("services", "costed")] == len(want)


def test_a_frequency_typo_or_gap_fails_when_the_section_loads():
    from pydantic import ValidationError

    good = DHSC.get("costs", Costs).model_dump()
    typo = {**good, "units_per_week": {**good["units_per_week"], "Weekley": 1}}
    with pytest.raises(ValidationError, match="'Weekley' is not a v4.2 cost_frequency"):
        Costs.model_validate(typo)
    gap = {**good, "one_off_frequencies": []}
    with pytest.raises(ValidationError, match="One-off missing"):
        Costs.model_validate(gap)
    assert Costs.model_validate({**good, "units_per_week": {
        **good["units_per_week"], "Monthly": "12/52"}}).units_per_week["Monthly"] == 12 / 52
