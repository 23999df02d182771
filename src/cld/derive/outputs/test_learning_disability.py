"""The learning_disability section and the people it counts; `run` serves the output tests."""

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

import pytest
import yaml

from cld.derive import testing
from cld.derive.cells import cells
from cld.derive.load import PROFILES, load_profile
from cld.derive.outputs.learning_disability import (
    ATTRIBUTES,
    SECTION,
    LearningDisability,
    people,
    spec_values,
)
from cld.derive.profile import ProfileError, parse_profile
from cld.derive.registry import OUTPUTS, Inputs
from cld.derive.testing import rows
from cld.spec import load_spec

P_START, P_END = date(2023, 4, 1), date(2024, 3, 31)
LD = "Learning Disability Support"
COMMUNITY = "Long Term Support: Community"
PRISON = "Prison: CASSR Commissioned Support"
BOTH = ("nhse-2023", "dhsc-2024")


def lts(person: str, **kw: Any) -> dict[str, Any]:
    """A long term community service in the period for a working-age LD client."""
    return {"person_id": person, "gender": "Male", "date_of_birth": "15/06/1980",
            "primary_support_reason": LD, "accommodation_status": "Tenant",
            "employment_status": "Unknown", "event_type": "Service",
            "event_start": "01/05/2023", "service_type": COMMUNITY,
            "service_component": "Day Support",
            "delivery_mechanism": "Community: CASSR Commissioned Support", **kw}


def inputs(data: Iterable[Mapping[str, Any]], profile: str) -> Inputs:
    """The events prepared as compute.prepare does (person key, derived end, editions)."""
    return testing.inputs(data, profile, P_START, P_END)


def run(name: str, data: Iterable[Mapping[str, Any]], profile: str):
    """(contributions, non-zero cells without the LA code) of one output."""
    o = OUTPUTS[name]
    c = o.build(inputs(data, profile))
    got = [r[1:-1] for r in rows(cells(o, c, ["503"])) if r[-1]]
    return c, got


def section(profile: str) -> LearningDisability:
    return load_profile(profile).get(SECTION, LearningDisability)


@pytest.mark.parametrize("profile", BOTH)
def test_every_value_named_is_a_v42_value_and_every_accommodation_is_classified(profile):
    ld = section(profile)
    spec = load_spec()
    accommodation = spec.lists["accommodation_status"].canonical
    made = {r.value for r in ld.infer_accommodation}
    for v in (*ld.settled, *ld.unsettled):
        assert v in accommodation or v in made, v
    for v in accommodation:
        assert (v in ld.settled) != (v in ld.unsettled), v
    assert set(ld.paid) <= set(spec.lists["employment_status"].canonical)
    assert set(ld.ld_reasons) == set(spec.group("learning_disability_reasons"))
    for a in ATTRIBUTES:
        assert set(ld.unknown[a]) <= set(spec_values(a)), a
    assert {s.service_type for s in ld.settings} <= set(spec.lists["service_type"].canonical)
    assert {m for s in ld.settings for m in s.mechanisms} <= set(
        spec.lists["delivery_mechanism"].canonical)
    assert {c for r in ld.infer_accommodation for c in r.components} <= set(
        spec.lists["service_component"].canonical)


def test_the_profiles_differ_where_the_methods_do():
    nhse, dhsc = section("nhse-2023"), section("dhsc-2024")
    assert "Prison" not in nhse.ascof2e_settings and "Prison" in dhsc.ascof2e_settings
    assert "Unknown: Presumed at home" in dhsc.settled and not nhse.infer_accommodation
    assert (nhse.age_at, dhsc.age_at) == ("period_end", "latest_lts_end")
    assert nhse.total_genders == ("Male", "Female") and dhsc.total_genders == ()


def _with(profile: str, **changes: Any) -> Any:
    data = yaml.safe_load((PROFILES / f"{profile}.yaml").read_text(encoding="utf-8"))
    data[SECTION].update(changes)
    return parse_profile(data, "test.yaml")


def test_a_typo_in_a_value_fails_the_profile():
    ld = section("nhse-2023")
    with pytest.raises(ProfileError, match="settled: not a v4.2 value: 'Tennant'"):
        _with("nhse-2023", settled=[*ld.settled, "Tennant"])
    with pytest.raises(ProfileError, match="neither settled nor unsettled: 'Refuge'"):
        _with("nhse-2023", unsettled=[v for v in ld.unsettled if v != "Refuge"])
    with pytest.raises(ProfileError, match="settled and unsettled both hold Refuge"):
        _with("nhse-2023", settled=[*ld.settled, "Refuge"])
    with pytest.raises(ProfileError, match="paid: not a v4.2 value"):
        _with("nhse-2023", paid=["Paid: Hours per week unknown"])


def test_an_inferred_value_must_be_classified():
    with pytest.raises(ProfileError, match="'Somewhere' is neither settled nor unsettled"):
        _with("dhsc-2024", infer_accommodation=[{"settings": ["Community"],
                                                 "value": "Somewhere"}])


def person_rows(data, profile, *cols):
    p = people(inputs(data, profile), section(profile).lts004_settings)
    return rows(p, "unit", *cols)


def test_age_64_vs_65_at_the_period_end():
    # Month precision: born in April 1959 -> 64 on 31/03/2024; born in March 1959 -> 65.
    data = [lts("A", date_of_birth="15/04/1959"), lts("B", date_of_birth="15/03/1959")]
    for profile in BOTH:
        assert person_rows(data, profile, "age") == [("L:503:A", 64), ("L:503:B", 65)]
        _, got = run("LTS004_1", data, profile)
        assert got == [("Unknown", "Male", 1)]  # only A is of working age


def test_dhsc_age_at_the_end_of_the_latest_lts_nhse_at_the_period_end():
    # Born March 1959, LTS ended 31/12/2023: 64 then (DHSC), 65 at 31/03/2024 (NHSE).
    data = [lts("B", date_of_birth="15/03/1959", event_end="31/12/2023")]
    assert person_rows(data, "nhse-2023", "age") == [("L:503:B", 65)]
    assert person_rows(data, "dhsc-2024", "age") == [("L:503:B", 64)]
    # an open service: capped at the period end under DHSC too
    assert person_rows([lts("B", date_of_birth="15/03/1959")], "dhsc-2024", "age") == [
        ("L:503:B", 65)]


def test_cohort_is_lts_overlapping_the_period_of_people_alive_at_its_start():
    data = [
        lts("A", event_start="01/01/2023", event_end="31/03/2023"),  # ended before
        lts("B", event_start="01/04/2024"),  # starts after
        lts("C", date_of_death="31/03/2023", event_start="01/01/2023"),  # died before
        lts("D", service_type="Short Term Support: ST-Max", service_component="Reablement"),
        lts("E", event_start="01/01/2023", event_end="01/04/2023"),  # overlaps by a day
        lts("F", event_type="Assessment", service_type=None),
        lts("G", event_start="01/05/2023", event_end="30/04/2023"),  # ends before it starts
    ]
    assert person_rows(data, "nhse-2023") == [("L:503:E",), ("L:503:G",)]
    assert person_rows(data, "dhsc-2024") == [("L:503:E",)]


def test_dhsc_statuses_come_from_every_event_nhse_from_the_lts_rows():
    # A review ending after the (closed) service says Shared Lives; the service says Tenant.
    data = [lts("A", event_end="31/07/2023"), lts("A", event_type="Review", service_type=None,
                           service_component=None, delivery_mechanism=None,
                           event_start="01/09/2023", event_end="01/09/2023",
                           accommodation_status="Shared Lives scheme")]
    assert person_rows(data, "nhse-2023", "accommodation") == [("L:503:A", "Tenant")]
    assert person_rows(data, "dhsc-2024", "accommodation") == [
        ("L:503:A", "Shared Lives scheme")]


def test_psr_and_gender_are_last_known_too():
    data = [lts("A", primary_support_reason="PSR Not Known", gender="Not known",
                 event_start="01/10/2023"),
            lts("A", service_component="Meals", gender="Female")]
    # NHSE: the latest start first (its values are unknown, and win); DHSC: known first.
    assert person_rows(data, "nhse-2023", "psr", "gender") == [
        ("L:503:A", "PSR Not Known", "Not known")]
    assert person_rows(data, "dhsc-2024", "psr", "gender") == [("L:503:A", LD, "Female")]


def chronologies():
    """Hypothesis: small chronologies of a few people, with clashing, unknown and invalid
    values, and a row number of their own (so a reordering is only a reordering)."""
    from hypothesis import strategies as st

    row = st.fixed_dictionaries({
        "person_id": st.sampled_from(["A", "B", "C"]),
        "gender": st.sampled_from(["Male", "Female", "Not known", None]),
        "date_of_birth": st.sampled_from(["15/04/1959", "15/03/1959", "15/06/1980", None,
                                          "15/06/2010"]),
        "primary_support_reason": st.sampled_from([LD, LD, "Mental Health Support",
                                                   "PSR Not Known", None]),
        "accommodation_status": st.sampled_from(["Tenant", "Unknown", "Registered care home",
                                                 "Shared Lives scheme", "Council flat", None]),
        "employment_status": st.sampled_from(["Paid: 16 or more hours a week", "Unknown",
                                              "Not in Paid Employment (seeking work)", None]),
        "event_type": st.sampled_from(["Service", "Service", "Service", "Review"]),
        "service_type": st.sampled_from([COMMUNITY, "Long Term Support: Nursing Care",
                                         "Short Term Support: ST-Max"]),
        "delivery_mechanism": st.sampled_from([None, PRISON, "Community: Direct Payment"]),
        "service_component": st.sampled_from(["Home Support", "Day Support", "Shared Lives",
                                              None]),
        "event_start": st.sampled_from(["01/01/2023", "01/05/2023", "01/10/2023"]),
        "event_end": st.sampled_from([None, "30/06/2023", "31/12/2023", "30/06/2024"]),
    })
    return st.lists(row, min_size=1, max_size=7).map(
        lambda rs: [{**r, "_row": n} for n, r in enumerate(rs, start=1)])


def measure_holds(name: str, data: list[dict[str, Any]], order: list[int]) -> None:
    """Numerator <= denominator in every group, and the same figures in any row order."""
    for profile in BOTH:
        c1, got = run(name, data, profile)
        c2, again = run(name, [data[i] for i in order], profile)
        assert got == again
        assert rows(c1) == rows(c2)
        parts = {(g, part): v for g, part, v in got}
        for g in ("Male", "Female", "Total"):
            assert parts.get((g, "numerator"), 0) <= parts.get((g, "denominator"), 0)
        genders = sum(parts.get((g, "denominator"), 0) for g in ("Male", "Female"))
        total = parts.get(("Total", "denominator"), 0)
        # NHSD's Total is Male + Female; DHSC's holds every gender
        assert genders == total if profile == "nhse-2023" else genders <= total
