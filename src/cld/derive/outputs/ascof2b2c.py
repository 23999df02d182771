"""ASCOF 2B and 2C (old 2A(1), 2A(2)): admissions to residential and nursing care per 100,000
population, 18-64 (2B) and 65 and over (2C).

Candidates: service events of the profile's residential/nursing types that start in the
period. Each candidate gets the first reason that applies (profile constants in brackets):
  excluded: died before the period   date of death before the period start (drop_died_before)
  excluded: component not long term  component not in `components` (blank: `blank_component`)
  excluded: not open at snapshot     ended before the day after the period end (NHSE:
                                     `open_at_snapshot`; people admitted and discharged in
                                     the year are missed, as the NHSE method says)
  excluded: self-funded              outcome in `self_funded_outcomes` (DHSC)
  excluded: unknown age / under 18   age at `age_at` (admission start, or the snapshot)
  excluded: not a new admission      `previous`: before_period (NHSE: any such service,
                                     open at the snapshot, started before 1 April) or
                                     lookback (DHSC: another such service started before it
                                     and is open or ended fewer than `lookback_days` before)
  numerator                          otherwise
Per person and measure the best candidate is kept (numerator first), so the unit is a
person. A person with new admissions in both bands (a period over a year, or rows that
disagree on the birth date) counts once, in 18-64 (DHSC's MIN of the band labels;
`once_in_lower_band`); in 2C they are then "excluded: counted in 18-64". Unknown ages are listed in
both measures, under-18s in 2B.

The denominator is the population of the band (`Measure.population_band`, see
`cld.derive.population`); `rates()` gives the outcome per LA and says "no population given"
when there is none, "synthetic population" when it is made up.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Literal

import ibis
import ibis.expr.types as ir
from pydantic import model_validator

from cld.derive.blocks.age import age_at
from cld.derive.population import population_for
from cld.derive.profile import AgeBand, Strict, section
from cld.derive.registry import Inputs, Measure, Output, output
from cld.spec import load_spec

BANDS = ("18-64", "65+")
NUMERATOR = "numerator"
PARTS = (
    NUMERATOR,
    "excluded: not a new admission",
    "excluded: self-funded",
    "excluded: counted in 18-64",
    "excluded: unknown age",
    "excluded: under 18",
    "excluded: not open at snapshot",
    "excluded: component not long term",
    "excluded: died before the period",
)
_RANK = {p: i for i, p in enumerate(PARTS)}


@section("admissions")
class Admissions(Strict):
    service_types: tuple[str, ...]
    components: tuple[str, ...] | None = None  # None: any component
    blank_component: bool = True
    open_at_snapshot: bool
    age_at: Literal["admission", "snapshot"]
    previous: Literal["before_period", "lookback"]
    lookback_days: int = 365
    self_funded_outcomes: tuple[str, ...] = ()
    drop_died_before: bool = False
    # A person with new admissions in both bands counts once, in 18-64 (DHSC's MIN of the
    # labels); false: in each band (separate counts per band, as NHSE's queries).
    once_in_lower_band: bool = True
    bands: tuple[AgeBand, AgeBand]
    population_year_offset: int = 0  # mid-year = period start's year + this

    @model_validator(mode="after")
    def _labels(self) -> Admissions:
        if tuple(b.label for b in self.bands) != BANDS:
            raise ValueError(f"bands must be labelled {', '.join(BANDS)} (the measures' bands)")
        spec = load_spec()
        for values, list_id in ((self.service_types, "service_type"),
                                (self.components or (), "service_component"),
                                (self.self_funded_outcomes, "event_outcome")):
            for v in values:
                if v not in spec.lists[list_id].canonical:
                    raise ValueError(f"{v!r} is not a v4.2 {list_id} value")
        return self


def candidates(inputs: Inputs) -> ir.Table:
    """One row per residential/nursing service starting in the period: la_code, unit
    (person key), age_band, part (its reason), rule, start. Built once per run (2B and 2C
    both start from it)."""
    return inputs.shared("ascof2b2c.candidates", lambda: _candidates(inputs))


def _candidates(inputs: Inputs) -> ir.Table:
    s = inputs.profile.get("admissions", Admissions)
    t = inputs.events
    ps = ibis.literal(inputs.period_start, type="date")
    pe = ibis.literal(inputs.period_end, type="date")
    snap = ibis.literal(inputs.period_end + timedelta(days=1), type="date")
    res = t.filter((t.event_type == "Service") & t.service_type.isin(list(s.service_types))
                   & t.event_start.notnull())
    comp = res.service_component
    comp_ok = (ibis.literal(True) if s.components is None else
               ibis.ifelse(comp.isnull(), s.blank_component, comp.isin(list(s.components))))
    open_at_snap = res.end_derived.isnull() | (res.end_derived >= snap)
    res = res.mutate(_comp_ok=comp_ok, _open=open_at_snap)
    # The services an admission is compared with (the cohort).
    cohort = res.filter(res._comp_ok)
    if s.open_at_snapshot:
        cohort = cohort.filter(cohort._open)
    cohort = cohort.select(c_la=cohort.la_code, c_key=cohort.person_key,
                           c_start=cohort.event_start, c_end=cohort.end_derived)
    adm = res.filter((res.event_start >= ps) & (res.event_start <= pe))
    order = [adm[c] for c in ("la_code", "person_key", "event_start", "service_type",
                              "service_component", "end_derived", "event_outcome",
                              "submission_id", "_row") if c in adm.columns]
    adm = adm.mutate(_id=ibis.row_number().over(order_by=order))
    j = adm.inner_join(cohort, [adm.la_code == cohort.c_la, adm.person_key == cohort.c_key,
                                cohort.c_start < adm.event_start])
    if s.previous == "before_period":
        j = j.filter(j.c_start < ps)
    else:
        j = j.filter(j.c_end.isnull()
                     | (j.event_start.delta(j.c_end, unit="day") < s.lookback_days))
    earlier = j.select(e_id=j._id).distinct()
    adm = adm.left_join(earlier, adm._id == earlier.e_id)
    adm = adm.mutate(_existing=adm.e_id.notnull()).drop("e_id")
    day = adm.event_start if s.age_at == "admission" else snap
    age = age_at(adm, day, inputs.profile.common)
    lo18, lo65 = s.bands[0].min or 0, s.bands[1].min or 0
    band = ibis.cases((age.isnull(), ibis.null("string")), (age >= lo65, BANDS[1]),
                      (age >= lo18, BANDS[0]), else_="under")
    died = adm.date_of_death.notnull() & (adm.date_of_death < ps)
    part = ibis.cases(
        (died & s.drop_died_before, "excluded: died before the period"),
        (~adm._comp_ok, "excluded: component not long term"),
        (~adm._open & s.open_at_snapshot, "excluded: not open at snapshot"),
        (adm.event_outcome.isin(list(s.self_funded_outcomes))
         if s.self_funded_outcomes else ibis.literal(False), "excluded: self-funded"),
        (age.isnull(), "excluded: unknown age"),
        (age < lo18, "excluded: under 18"),
        (adm._existing, "excluded: not a new admission"),
        else_=NUMERATOR,
    )
    reason = ibis.cases(
        (adm._existing & (part == "excluded: not a new admission"),
         "earlier res/nursing service" + ibis.literal(
             " before the period" if s.previous == "before_period"
             else f" open or ended < {s.lookback_days} days before")),
        (part == NUMERATOR, "new admission"),
        else_=part)
    rule = ("admissions>" + adm.service_type + ">" + reason)
    return adm.select(la_code=adm.la_code, unit=adm.person_key, age_band=band, part=part,
                      rule=rule, start=adm.event_start)


def _contributions(inputs: Inputs, which: str) -> ir.Table:
    c = candidates(inputs)
    rank = ibis.cases(*((c.part == p, i) for p, i in _RANK.items()), else_=len(PARTS))
    c = c.mutate(_rank=rank)
    # Per person, the band their numerator goes to: the lowest band label with a new admission.
    num = c.filter(c.part == NUMERATOR).group_by(["la_code", "unit"]).aggregate(
        n_band=c.age_band.min())
    if which == BANDS[0]:
        mine = c.filter(c.age_band.isnull() | (c.age_band == BANDS[0])
                        | (c.age_band == "under"))
    else:
        mine = c.filter(c.age_band.isnull() | (c.age_band == BANDS[1]))
    j = mine.left_join(num, [mine.la_code == num.la_code, mine.unit == num.unit])
    s = inputs.profile.get("admissions", Admissions)
    counted_elsewhere = ((j.part == NUMERATOR) & j.n_band.notnull() & (j.n_band != which)
                         & s.once_in_lower_band)
    j = j.select(
        la_code=mine.la_code, unit=mine.unit, start=mine.start, _rank=mine._rank,
        part=ibis.ifelse(counted_elsewhere, f"excluded: counted in {BANDS[0]}", mine.part),
        rule=ibis.ifelse(counted_elsewhere,
                         mine.rule + f">new admission also in {BANDS[0]}: counted there",
                         mine.rule))
    best = ibis.row_number().over(group_by=[j.la_code, j.unit],
                                  order_by=[j._rank, j.start, j.rule])
    j = j.mutate(_n=best)
    j = j.filter(j._n == 0)
    return j.select(la_code=j.la_code, unit=j.unit,
                    age_band=ibis.literal(which, type="string"), part=j.part, rule=j.rule,
                    value=ibis.literal(1, type="int64"))


def build_2b(inputs: Inputs) -> ir.Table:
    return _contributions(inputs, BANDS[0])


def build_2c(inputs: Inputs) -> ir.Table:
    return _contributions(inputs, BANDS[1])


_CANNOT = ("CLD cannot tell a temporary stay from a permanent one: the service type and "
           "component are the only guide.",)
_NOTES = ("Denominator: the population of the band in the mid-year of the period's start "
          "(cld.derive.population); without a population the outcome is blank and says "
          "'no population given', with the synthetic table it says 'synthetic population'.",)
ASCOF2B = output(Output(
    code="ASCOF2B", old_code="2A(1)", kind="ascof", unit="people", section="admissions",
    title="Long-term support needs of younger adults (aged 18-64) met by admission to "
          "residential and nursing care homes, per 100,000 population",
    dims={"age_band": (BANDS[0],), "part": PARTS}, build=build_2b,
    measure=Measure(numerator=NUMERATOR, denominator=None, scale=100_000,
                    population_band=BANDS[0]),
    source="ASCOF 2B (2023 refresh; old 2A(1))", cannot=_CANNOT, notes=_NOTES))
ASCOF2C = output(Output(
    code="ASCOF2C", old_code="2A(2)", kind="ascof", unit="people", section="admissions",
    title="Long-term support needs of older adults (aged 65 and over) met by admission to "
          "residential and nursing care homes, per 100,000 population",
    dims={"age_band": (BANDS[1],), "part": PARTS}, build=build_2c,
    measure=Measure(numerator=NUMERATOR, denominator=None, scale=100_000,
                    population_band=BANDS[1]),
    source="ASCOF 2C (2023 refresh; old 2A(2))", cannot=_CANNOT, notes=_NOTES))


def population_year(inputs: Inputs) -> int:
    """The mid-year whose population divides the period's admissions."""
    s = inputs.profile.get("admissions", Admissions)
    return inputs.period_start.year + s.population_year_offset


def rates(o: Output, cells: ir.Table, inputs: Inputs) -> ir.Table:
    """The measure per LA from its cells: la_code, age_band, numerator, population, value
    (numerator / population x scale, 1 decimal place; null without a population) and note
    ("no population given", "no population for this LA", "population is 0", "synthetic
    population", or "")."""
    assert o.measure is not None and o.measure.population_band is not None
    m = o.measure
    num = cells.filter(cells.part == m.numerator).group_by("la_code").aggregate(
        numerator=cells.value.sum())
    label = m.population_band
    if inputs.population is None:
        return num.select(
            "la_code", age_band=ibis.literal(label, type="string"), numerator=num.numerator,
            population=ibis.null("int64"), value=ibis.null("float64"),
            note=ibis.literal("no population given", type="string"))
    s = inputs.profile.get("admissions", Admissions)
    band = next(b for b in s.bands if b.label == label)
    pop = population_for(inputs.population, [band], population_year(inputs))
    p = pop.table
    j = num.left_join(p, num.la_code == p.la_code)
    value = ibis.ifelse(j.population > 0,
                        (j.numerator.cast("float64") / j.population * m.scale).round(1),
                        ibis.null("float64"))
    note = ibis.cases((j.population.isnull(), "no population for this LA"),
                      (j.population == 0, "population is 0"), else_=pop.note)
    return j.select(la_code=num.la_code, age_band=ibis.literal(label, type="string"),
                    numerator=j.numerator, population=j.population.cast("int64"),
                    value=value, note=note)

