from datetime import date, timedelta
from pathlib import Path

import pytest

from cld.derive import testing
from cld.derive.cells import cells as make_cells
from cld.derive.load import load_profile
from cld.derive.outputs.ascof2b2c import ASCOF2B, ASCOF2C, PARTS, Admissions, rates
from cld.derive.population import PopulationError, read_population, synthetic_population
from cld.derive.registry import Inputs
from cld.derive.testing import rows
from cld.spec import load_spec

NHSE, DHSC = load_profile("nhse-2023"), load_profile("dhsc-2024")
P0, P1 = date(2024, 4, 1), date(2025, 3, 31)
RES = "Long Term Support: Residential Care"
NURS = "Long Term Support: Nursing Care"
SELF = "NFA - Self-funded client (inc 12wk disregard)"


def svc(pid: str, start: str, end: str | None = None, *, dob: str = "01/06/1940",
        stype: str = RES, comp: str | None = "Long Term Residential Care", **kw: object) -> dict:
    return {"person_id": pid, "event_type": "Service", "service_type": stype,
            "service_component": comp, "event_start": start, "event_end": end,
            "date_of_birth": dob, **kw}


class Derived:
    """What compute.derive gives, for these two outputs only."""

    def __init__(self, rows_in: list[dict], profile, p0, p1, las):
        inputs = testing.inputs(rows_in, profile, p0, p1)
        self.events = inputs.events
        self.contributions = {o.name: o.build(inputs) for o in (ASCOF2B, ASCOF2C)}
        self.cells = {o.name: make_cells(o, self.contributions[o.name], las)
                      for o in (ASCOF2B, ASCOF2C)}


def derive(rows_in, profile, p0, p1, las=("503",)) -> Derived:
    return Derived(rows_in, profile, p0, p1, list(las))


def contributions(rows_in: list[dict], profile=DHSC, p0=P0, p1=P1):
    d = derive(rows_in, profile, p0, p1)
    return {name: rows(d.contributions[name], "unit", "part")
            for name in ("ASCOF2B", "ASCOF2C")}, d


def test_two_new_admissions_in_different_bands_count_once_in_18_64_under_dhsc():
    # A two-year period: admitted at 64 (ended quickly), again at 65 more than 365 days later.
    rows_in = [svc("A", "01/04/2023", "10/04/2023", dob="01/06/1958"),
               svc("A", "01/03/2025", None, dob="01/06/1958")]
    got, _ = contributions(rows_in, DHSC, date(2023, 4, 1), P1)
    assert got["ASCOF2B"] == [("L:503:A", "numerator")]
    assert got["ASCOF2C"] == [("L:503:A", "excluded: counted in 18-64")]


def test_rows_disagreeing_on_birth_date_same_day_admissions_nhse_counts_in_both():
    rows_in = [svc("A", "01/05/2024", None, dob="01/06/1970"),
               svc("A", "01/05/2024", None, dob="01/06/1950", stype=NURS,
                   comp="Long Term Nursing Care")]
    dhsc, _ = contributions(rows_in, DHSC)
    assert dhsc == {"ASCOF2B": [("L:503:A", "numerator")],
                    "ASCOF2C": [("L:503:A", "excluded: counted in 18-64")]}
    nhse, _ = contributions(rows_in, NHSE)
    assert nhse == {"ASCOF2B": [("L:503:A", "numerator")],
                    "ASCOF2C": [("L:503:A", "numerator")]}


@pytest.mark.parametrize(("days", "part"), [(364, "excluded: not a new admission"),
                                            (365, "numerator")])
def test_dhsc_lookback_res_ended_364_vs_365_days_before(days, part):
    start = date(2024, 6, 1)
    ended = start - timedelta(days=days)
    rows_in = [svc("A", "01/01/2023", ended.strftime("%d/%m/%Y")),
               svc("A", "01/06/2024", None)]
    got, _ = contributions(rows_in, DHSC)
    assert got["ASCOF2C"] == [("L:503:A", part)]


def test_nhse_snapshot_misses_people_admitted_and_discharged_in_year():
    rows_in = [svc("A", "01/05/2024", "01/08/2024")]
    assert contributions(rows_in, NHSE)[0]["ASCOF2C"] == [
        ("L:503:A", "excluded: not open at snapshot")]
    assert contributions(rows_in, DHSC)[0]["ASCOF2C"] == [("L:503:A", "numerator")]


def test_previous_service_closed_before_the_year_nhse_new_dhsc_existing():
    # Ended 1 Dec 2023 (before the period, not open at the snapshot): NHSE does not see it.
    rows_in = [svc("A", "01/01/2023", "01/12/2023"), svc("A", "01/06/2024", None)]
    assert contributions(rows_in, NHSE)[0]["ASCOF2C"] == [("L:503:A", "numerator")]
    assert contributions(rows_in, DHSC)[0]["ASCOF2C"] == [
        ("L:503:A", "excluded: not a new admission")]


def test_previous_open_service_makes_both_existing():
    rows_in = [svc("A", "01/01/2023", None), svc("A", "01/06/2024", None, stype=NURS,
                                                 comp="Long Term Nursing Care")]
    for profile in (NHSE, DHSC):
        got, _ = contributions(rows_in, profile)
        assert got["ASCOF2C"] == [("L:503:A", "excluded: not a new admission")], profile.name


def test_self_funded_and_short_term_component_excluded_by_dhsc_only():
    rows_in = [svc("A", "01/05/2024", None, event_outcome=SELF),
               svc("B", "01/05/2024", None, comp="Short Term Residential Care"),
               svc("C", "01/05/2024", None, comp=None)]
    assert contributions(rows_in, DHSC)[0]["ASCOF2C"] == [
        ("L:503:A", "excluded: self-funded"), ("L:503:B", "excluded: component not long term"),
        ("L:503:C", "numerator")]
    assert contributions(rows_in, NHSE)[0]["ASCOF2C"] == [
        ("L:503:A", "numerator"), ("L:503:B", "numerator"), ("L:503:C", "numerator")]


def test_age_at_admission_dhsc_vs_at_snapshot_nhse_and_unknown_and_under_18():
    # Born June 1959: 64 at admission in May 2024, 65 at the snapshot (1 April 2025).
    rows_in = [svc("A", "01/05/2024", None, dob="01/06/1959"),
               svc("K", "01/05/2024", None, dob="01/06/2010"),
               {**svc("U", "01/05/2024", None), "date_of_birth": None}]
    dhsc, _ = contributions(rows_in, DHSC)
    assert dhsc["ASCOF2B"] == [("L:503:A", "numerator"), ("L:503:K", "excluded: under 18"),
                               ("L:503:U", "excluded: unknown age")]
    assert dhsc["ASCOF2C"] == [("L:503:U", "excluded: unknown age")]
    nhse, _ = contributions(rows_in, NHSE)
    assert ("L:503:A", "numerator") in nhse["ASCOF2C"]
    assert ("L:503:A", "numerator") not in nhse["ASCOF2B"]


def test_death_before_the_period_dhsc_drops_and_people_count_once():
    rows_in = [svc("A", "01/05/2024", None, date_of_death="01/03/2024"),
               svc("B", "01/05/2024", "02/05/2024"), svc("B", "01/05/2024", None, stype=NURS,
                                                         comp="Long Term Nursing Care")]
    got, d = contributions(rows_in, DHSC)
    assert got["ASCOF2C"] == [("L:503:A", "excluded: died before the period"),
                              ("L:503:B", "numerator")]
    cells = rows(d.cells["ASCOF2C"].filter(d.cells["ASCOF2C"].value > 0), "part", "value")
    assert cells == [("excluded: died before the period", 1), ("numerator", 1)]
    assert len(rows(d.cells["ASCOF2C"])) == len(PARTS)  # zero-filled


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "pop.csv"
    p.write_text(text, encoding="utf-8")
    return p


def test_rates_hand_computed_and_notes(tmp_path):
    older = [svc(f"P{i}", "01/05/2024", None, la_code=la)
             for i, la in enumerate(["111", "111", "111", "112"])]
    younger = [svc("Y", "01/05/2024", None, dob="01/06/1980", la_code="111")]
    d = derive(older + younger, DHSC, P0, P1, las=["111", "112", "113"])
    pop = read_population(write(tmp_path, "la_code,sex,age_band,year,population\n"
                                "111,All,65+,2024,20000\n111,All,18-64,2024,75000\n"
                                "112,All,65+,2024,0\n112,All,18-64,2024,1\n"))
    inputs = Inputs(d.events, DHSC, P0, P1, P1, pop.table)
    got = rows(rates(ASCOF2C, d.cells["ASCOF2C"], inputs), "la_code", "numerator",
               "population", "value", "note")
    # 3 / 20,000 x 100,000 = 15.0; LA 112: population 0; LA 113 not in the file.
    assert got == [("111", 3, 20000, 15.0, ""), ("112", 1, 0, None, "population is 0"),
                   ("113", 0, None, None, "no population for this LA")]
    got = rows(rates(ASCOF2B, d.cells["ASCOF2B"], inputs), "la_code", "value")
    assert got[0] == ("111", 1.3)  # 1 / 75,000 x 100,000 = 1.333 -> 1.3
    none = Inputs(d.events, DHSC, P0, P1, P1, None)
    assert rows(rates(ASCOF2C, d.cells["ASCOF2C"], none), "la_code", "numerator", "note") == [
        ("111", 3, "no population given"), ("112", 1, "no population given"),
        ("113", 0, "no population given")]
    synth = Inputs(d.events, DHSC, P0, P1, P1, synthetic_population().table)
    notes = {r[0] for r in rows(rates(ASCOF2C, d.cells["ASCOF2C"], synth), "note")}
    assert notes == {"synthetic population"}


def test_measures_and_profile_values_name_spec_strings():
    spec = load_spec()
    for o in (ASCOF2B, ASCOF2C):
        assert o.measure is not None and o.measure.denominator is None
        assert o.measure.scale == 100_000
    for profile in (NHSE, DHSC):
        s = profile.get("admissions", Admissions)
        assert set(s.service_types) <= set(spec.lists["service_type"].canonical)
        assert set(s.components or ()) <= set(spec.lists["service_component"].canonical)
        assert set(s.self_funded_outcomes) <= set(spec.lists["event_outcome"].canonical)


def test_rates_without_the_periods_mid_year_is_an_error(tmp_path):
    d = derive([svc("A", "01/05/2024", None)], DHSC, P0, P1)
    pop = read_population(write(tmp_path, "la_code,sex,age_band,year,population\n"
                                "503,All,65+,2023,100\n"))
    inputs = Inputs(d.events, DHSC, P0, P1, P1, pop.table)
    with pytest.raises(PopulationError, match=r"no rows for mid-year 2024 \(years given: 2023\)"):
        rates(ASCOF2C, d.cells["ASCOF2C"], inputs)


def test_a_value_typo_fails_when_the_section_loads():
    from pydantic import ValidationError

    good = DHSC.get("admissions", Admissions).model_dump()
    with pytest.raises(ValidationError, match="'Nursing Care' is not a v4.2 service_type"):
        Admissions.model_validate({**good, "service_types": ["Nursing Care"]})
    with pytest.raises(ValidationError, match="bands must be labelled 18-64, 65\\+"):
        Admissions.model_validate({**good, "bands": [{"label": "18 to 64", "min": 18,
                                                      "max": 64}, {"label": "65+", "min": 65}]})
