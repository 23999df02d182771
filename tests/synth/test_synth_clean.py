"""A clean synthetic submission keeps the specification's rules (checked with polars)."""

from __future__ import annotations

import re
from datetime import date

import nhs_number
import polars as pl
import pytest

from cld.spec import load_register, load_spec
from cld.synth import SynthResult, generate, nhs_check_digit, nhs_valid
from cld.synth.vocab import SpecMismatch, Vocab

from .conftest import END, START

SPEC = load_spec()
NAME = {i.id: i.name for i in SPEC.items}
POSTCODE = re.compile(
    r"^([A-PR-UWYZ]([0-9]{1,2}|[A-HK-Y][0-9]{1,2}|[0-9][A-HJKPSTUW]|[A-HK-Y][0-9][ABEHMNPRVWXY])"
    r" [0-9][ABD-HJLNP-UW-Z]{2})$")


def _typed(r: SynthResult) -> pl.DataFrame:
    """Event columns with dates parsed (null for blank)."""
    def d(item: str) -> pl.Expr:
        return pl.col(NAME[item]).str.strptime(pl.Date, "%d/%m/%Y", strict=False)

    return r.rows.with_row_index("i").select(
        "i", pl.col(NAME["person_id"]).alias("pid"), pl.col(NAME["event_type"]).alias("et"),
        d("event_start").alias("start"), d("event_end").alias("end"),
        d("date_of_birth").alias("dob"), d("date_of_death").alias("dod"),
        pl.col(NAME["event_outcome"]).alias("outcome"))


def test_deterministic_for_a_seed() -> None:
    a = generate("503", START, END, people=300, seed=11, defects=0.05)
    b = generate("503", START, END, people=300, seed=11, defects=0.05)
    c = generate("503", START, END, people=300, seed=12, defects=0.05)
    assert a.rows.equals(b.rows) and a.manifest == b.manifest
    assert not a.rows.equals(c.rows)


def test_defects_change_only_the_manifest_cells(clean: SynthResult,
                                                defective: SynthResult) -> None:
    assert clean.rows.shape == defective.rows.shape
    cells = {(m["row"] - 2, m["column"]) for m in defective.manifest}
    for col in clean.rows.columns:
        diff = (clean.rows[col] != defective.rows[col]).arg_true().to_list()
        assert {(i, col) for i in diff} <= cells


def test_headers_are_the_spec_names_in_order(clean: SynthResult) -> None:
    assert clean.rows.columns == [i.name for i in SPEC.items]
    assert all(dt == pl.String for dt in clean.rows.dtypes)
    assert clean.rows.null_count().sum_horizontal().item() == 0  # blanks are ""


def test_size_and_shape(clean: SynthResult) -> None:
    rows = clean.rows
    people = rows[NAME["person_id"]].n_unique()
    assert 4.0 <= rows.height / people <= 6.0  # about five events a person
    assert set(rows[NAME["event_type"]]) == set(SPEC.lists["event_type"].canonical)
    assert rows[NAME["event_reference"]].n_unique() == rows.height
    # ordered by person, then event start
    t = _typed(clean)
    assert t["pid"].is_sorted()
    assert t.select((pl.col("start").diff().over("pid") >= 0) | pl.col("start").diff().over(
        "pid").is_null()).to_series().all()


def test_submission_columns(clean: SynthResult) -> None:
    rows = clean.rows
    assert set(rows[NAME["la_code"]]) == {"503"}
    assert set(rows[NAME["la_name"]]) == {load_register()["503"].name}
    assert set(rows[NAME["reporting_year"]]) == {"2020/21"}
    assert set(rows[NAME["period_start"]]) == {"01/04/2020"}
    assert set(rows[NAME["period_end"]]) == {"31/03/2021"}
    q = generate("316", date(2021, 4, 1), date(2021, 6, 30), people=20, seed=1)
    assert set(q.rows[NAME["reporting_year"]]) == {"2021/22"}


def test_person_details_identical_on_every_row(clean: SynthResult) -> None:
    person = [i.name for i in SPEC.items if i.person_level and i.id != "person_id"]
    counts = clean.rows.group_by(NAME["person_id"]).agg(pl.col(person).n_unique())
    assert counts.select(pl.max_horizontal(person).max()).item() == 1
    # and one person per NHS number
    assert clean.rows.group_by(NAME["nhs_number"]).agg(
        pl.col(NAME["person_id"]).n_unique())[NAME["person_id"]].max() == 1


def test_nhs_numbers_valid_synthetic(clean: SynthResult) -> None:
    numbers = clean.rows[NAME["nhs_number"]].unique().to_list()
    assert all(n.startswith("900") and len(n) == 10 for n in numbers)
    assert all(nhs_valid(n) and nhs_number.is_valid(n) for n in numbers)
    assert all(len(set(n)) > 1 for n in numbers)
    assert nhs_check_digit("943476591") == 9 and nhs_check_digit("000000006") is None


def test_identifiers_formats(clean: SynthResult) -> None:
    rows = clean.rows
    assert rows[NAME["postcode"]].map_elements(lambda p: bool(POSTCODE.match(p)),
                                               return_dtype=pl.Boolean).all()
    gp = rows[NAME["gp_practice_code"]]
    assert gp.filter(gp != "").str.contains(r"^[A-Z]\d{5}$").all()
    assert ((gp == "") == (rows[NAME["gp_practice_name"]] == "")).all()
    cqc = rows[NAME["provider_cqc_id"]]
    assert cqc.filter(cqc != "").str.contains(r"^1-\d{9,10}$").all()
    assert ((cqc == "") == (rows[NAME["provider_name"]] == "")).all()


def test_event_dates(clean: SynthResult) -> None:
    t = _typed(clean)
    assert t["start"].null_count() == 0 and t["dob"].null_count() == 0
    ended = t.filter(pl.col("end").is_not_null())
    assert (ended["end"] >= ended["start"]).all()
    assert (ended["end"] <= END).all() and (ended["end"] >= START).all()
    assert (t["start"] <= END).all()
    assert t["start"].min() < START  # some services started years before the period
    assert ended.height < t.height  # some events are ongoing
    # 18 or over at every event start, at most 115 at the period end
    assert (t["dob"].dt.offset_by("18y") <= t["start"]).all()
    assert (END.year - t["dob"].dt.year()).max() <= 115


def test_deaths(clean: SynthResult) -> None:
    t = _typed(clean)
    dead = t.filter(pl.col("dod").is_not_null())
    assert 0 < dead["pid"].n_unique() < t["pid"].n_unique() * 0.2
    assert ((dead["dod"] >= START) & (dead["dod"] <= END)).all()
    assert (dead["start"] <= dead["dod"]).all()
    assert dead["end"].null_count() == 0  # nothing open after death
    assert (dead["end"] <= dead["dod"]).all()
    at_death = dead.filter(pl.col("end") == pl.col("dod"))
    assert (at_death["outcome"] == "NFA - Deceased").mean() > 0.9  # type: ignore[operator]
    assert set(t.filter(pl.col("outcome") == "NFA - Deceased")["pid"]) <= set(dead["pid"])


def test_outcomes_only_on_ended_events_and_allowed(clean: SynthResult) -> None:
    t = _typed(clean)
    assert ((t["end"].is_null()) == (t["outcome"] == "")).all()
    allowed = {(r.outcome, et) for r in SPEC.outcomes for et in r.event_types}
    pairs = set(t.filter(pl.col("outcome") != "").select("outcome", "et").unique().iter_rows())
    assert pairs <= allowed


def test_values_are_canonical_and_items_apply(clean: SynthResult) -> None:
    rows = clean.rows
    et = rows[NAME["event_type"]]
    for item in SPEC.items:
        col = rows[item.name]
        if item.list_id is not None:
            assert set(col.unique()) - {""} <= set(SPEC.lists[item.list_id].canonical), item.id
        if item.applies_to is not None:
            assert (col.filter(~et.is_in(item.applies_to)) == "").all(), item.id
        if item.requirement == "mandatory" and not item.condition and item.section != "person":
            assert (col.filter(et.is_in(item.applies_to or list(et.unique()))) != "").all()


def test_service_type_and_component_consistent(clean: SynthResult) -> None:
    pairs = set(clean.rows.filter(pl.col(NAME["event_type"]) == "Service").select(
        NAME["service_type"], NAME["service_component"]).unique().iter_rows())
    care_home = {"Short Term Residential Care", "Short Term Nursing Care",
                 "Long Term Residential Care", "Long Term Nursing Care"}
    short_term = {"Reablement", "Equipment", "Emergency Support", "End of Life Care"}
    for stype, comp in pairs:
        if stype == "Short Term Support: ST-Max":
            assert comp == "Reablement"
        elif stype == "Long Term Support: Nursing Care":
            assert comp == "Long Term Nursing Care"
        elif stype == "Long Term Support: Residential Care":
            assert comp == "Long Term Residential Care"
        elif stype == "Long Term Support: Community":
            assert comp not in care_home | short_term
        elif stype == "Short Term Support: End of Life":
            assert comp == "End of Life Care"
        else:
            assert comp in care_home | short_term and not comp.startswith("Long Term")


def test_delivery_mechanism_and_costs(clean: SynthResult) -> None:
    s = clean.rows.filter(pl.col(NAME["event_type"]) == "Service")
    dm, st, comp = s[NAME["delivery_mechanism"]], s[NAME["service_type"]], s[
        NAME["service_component"]]
    community = st == "Long Term Support: Community"
    assert ((dm != "") == community).all()
    assert dm.filter(community).str.starts_with("Community: ").all()
    commissioned = dm.str.ends_with("CASSR Commissioned Support")
    costed = (st.str.starts_with("Long Term Support: ") & ~commissioned) | comp.is_in(
        ["Short Term Residential Care", "Short Term Nursing Care"])
    assert costed.any() and (~costed).any()
    cost, freq = s[NAME["unit_cost"]], s[NAME["cost_frequency"]]
    units, full = s[NAME["planned_units"]], s[NAME["full_cost_client"]]
    assert ((cost != "") == costed).all() and ((freq != "") == costed).all()
    assert ((full != "") == costed).all()
    assert cost.filter(costed).str.contains(r"^\d+\.\d{2}$").all()
    assert ((units != "") == freq.is_in(["Hourly", "Daily", "Per Session"])).all()
    assert units.filter(units != "").str.contains(r"^\d+\.\d{2}$").all()
    # no costs on other event types
    other = clean.rows.filter(pl.col(NAME["event_type"]) != "Service")
    assert (other[NAME["unit_cost"]] == "").all()


def test_learning_disability_statuses(clean: SynthResult) -> None:
    t = _typed(clean).with_columns(
        psr=clean.rows[NAME["primary_support_reason"]],
        acc=clean.rows[NAME["accommodation_status"]],
        emp=clean.rows[NAME["employment_status"]])
    ld = t.filter((pl.col("psr") == "Learning Disability Support")
                  & ((END.year - pl.col("dob").dt.year()).is_between(18, 65)))
    assert ld.height > 0
    assert (ld["acc"] != "").all() and (ld["emp"] != "").all()


def test_care_home_postcodes_shared(clean: SynthResult) -> None:
    person = clean.rows.unique(NAME["person_id"])
    homes = person.filter(pl.col(NAME["accommodation_status"]).is_in(
        ["Registered care home", "Registered nursing home"]))
    # residents share their care home's postcode
    assert homes[NAME["postcode"]].n_unique() < homes.height


def test_vocab_refuses_unknown_values() -> None:
    v = Vocab(SPEC)
    with pytest.raises(SpecMismatch):
        v.code("service_type", "Long Term Support: Moon Base")
    with pytest.raises(SpecMismatch):
        v.outcome("Request", "No change in package")  # a review outcome only


def test_bad_arguments() -> None:
    with pytest.raises(ValueError):
        generate("999", START, END, people=10)
    with pytest.raises(ValueError):
        generate("503", END, START, people=10)
    with pytest.raises(ValueError):
        generate("503", START, END, people=10, defects=0.1, defect_kinds=["CLD999"])
