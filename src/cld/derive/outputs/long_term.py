"""Long-term support at a snapshot or in the year: the `long_term` profile section and the
cohort every LTS001/LTS002/ASCOF 3D table starts from (rules E and F, anchors §2.1-2.3)."""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import date
from typing import Literal

import ibis
import ibis.expr.types as ir
from pydantic import model_validator

from cld.derive.blocks.age import age_at, band
from cld.derive.blocks.attributes import PERSON, Resolution, resolve
from cld.derive.blocks.hierarchy import Hierarchy, label, top, with_rank
from cld.derive.profile import Strict, section
from cld.derive.registry import Inputs
from cld.spec import load_spec

Window = Literal["year", "snapshot"]

# Labels of the published tables' dimensions (every label a profile maps to is one of these;
# test_long_term checks it). PSR rows are the v4.2 Primary Support Reason values, which
# follow SALT's list, with "Unknown" (conflicts, "PSR Not Known") and "Invalid/NULL".
PSR_LABELS = (
    "Physical Support: Access & mobility only",
    "Physical Support: Personal care support",
    "Sensory Support: Support for visual impairment",
    "Sensory Support: Support for hearing impairment",
    "Sensory Support: Support for dual impairment",
    "Support with Memory & Cognition",
    "Learning Disability Support",
    "Mental Health Support",
    "Social Support: Substance misuse support",
    "Social Support: Asylum seeker support",
    "Social Support: Support for Social Isolation/Other",
    "Unknown",
    "Invalid/NULL",
)
SETTING_LABELS = (
    "Nursing",
    "Residential",
    "Community: Direct Payment only",
    "Community: CASSR Managed Personal Budget",
    "Community: CASSR Commissioned support only",
    "Community: Delivery mechanism not known",
    "Prison: CASSR Managed Personal Budget",
    "Prison: CASSR Commissioned support only",
)
CARER_LABELS = ("Yes", "No", "Unknown")
REASON_LABELS = (
    "Hospital (planned and unplanned episodes)",
    "Carer related",
    "Safeguarding concern",
    "Other reason",
    "Provider failure",
    "Change in commissioning arrangements",
)
REVIEW_SETTING_LABELS = ("Community", "Residential / Nursing", "Prison")
SEQUEL_LABELS = ("Admitted to residential or nursing care",
                 "Not admitted to residential or nursing care")
ETHNICITY_LABELS = tuple(load_spec().lists["ethnicity"].canonical)
AGE_LABELS = ("18-64", "65+")


class Chain(Strict):
    gap_days: int  # a later service starting at most this many days after the chain's end joins it
    months: int  # counted when the chain started more than this many months before the snapshot
    # previous_row: compare with the previous row's end (NHSD's island logic); running_max:
    # with the latest end of all earlier rows of the chain.
    compare: Literal["previous_row", "running_max"]


class Reviews(Strict):
    planned: tuple[str, ...]  # Review Reason values of a planned review
    unplanned: dict[str, str]  # Review Reason value of an unplanned review -> its row label
    planned_outcomes: tuple[str, ...]  # Event Outcome values of the planned reviews counted
    settings: dict[str, str]  # person's top setting -> column label ("Community", ...)
    admission_settings: tuple[str, ...]  # settings whose later start is a care-home admission


class Ascof3D(Strict):
    dp_component: bool  # Community services with component Direct Payment rank as DP (rule E)
    denominator_setting: str  # the top setting of the denominator (hierarchy `setting`)
    sds_ranks: tuple[int, ...]  # top ranks counted in 1a (self-directed support)
    dp_ranks: tuple[int, ...]  # top ranks counted in 2a (direct payments)
    unknown_mechanism_ranks: tuple[int, ...]  # top ranks with no usable delivery mechanism
    min_age: int  # younger people are excluded
    unknown_age_in_total: bool  # people of unknown age count in Total (else excluded)


@section("long_term")
class LongTerm(Strict):
    service_types: tuple[str, ...]  # v4.2 Service Type values of long-term support
    hierarchy: Hierarchy
    attributes: Resolution
    age_bands: str  # the common.age_bands set of tables 1a (first band) and 1b (second)
    chain: Chain
    reviews: Reviews
    ascof3d: Ascof3D

    @model_validator(mode="after")
    def _v42_values(self) -> LongTerm:
        """Every value the section names is a v4.2 value (a typo fails when it loads)."""
        spec = load_spec()

        def check(values: Iterable[str | None], list_id: str, where: str) -> None:
            allowed = spec.lists[list_id].canonical
            for v in values:
                if v is not None and v not in allowed:
                    raise ValueError(f"{where}: {v!r} is not a v4.2 {list_id} value")

        h = self.hierarchy
        check([*self.service_types, *(r.service_type for r in h.rules),
               h.dp_component.service_type], "service_type", "service types")
        check((r.mechanism for r in h.rules), "delivery_mechanism", "hierarchy")
        check([h.dp_component.component], "service_component", "dp_component")
        for item, rule in self.attributes.attributes.items():
            list_id = spec.item(item).list_id
            if list_id is None:
                raise ValueError(f"attributes: {item!r} is not a list item")
            check([*rule.lower, *rule.rename], list_id, f"attributes.{item}")
        check([*self.reviews.planned, *self.reviews.unplanned], "review_reason", "reviews")
        check(self.reviews.planned_outcomes, "event_outcome", "reviews.planned_outcomes")
        return self


AGE_NOTE = ("Age at the period end from the earliest birth date on the person's rows "
            "(common.dob_precision); people under 18 or of unknown age are in neither "
            "table 1a nor 1b (ASCOF 3D counts them per LA).")


def settings(inputs: Inputs) -> LongTerm:
    return inputs.profile.get("long_term", LongTerm)


def months_before(d: date, months: int) -> date:
    """The same day `months` earlier (the month's last day when it has fewer days)."""
    y, m = divmod(d.year * 12 + d.month - 1 - months, 12)
    return date(y, m + 1, min(d.day, calendar.monthrange(y, m + 1)[1]))


# The columns of the cohorts' service rows (what the LTS, LTS002 and ASCOF 3D tables read).
ROW_COLUMNS = ("_row", "event_key", "la_code", "person_key", "event_type", "event_start",
               "event_end", "end_derived", "service_type", "service_component",
               "delivery_mechanism", "event_outcome", "date_of_birth", "birth_year",
               "birth_month", "date_of_death", "gender", "ethnicity", "primary_support_reason",
               "has_informal_carer", "lt_rank")


def services(inputs: Inputs, window: Window, *, dp_component: bool = False) -> ir.Table:
    """Long-term service rows (with `lt_rank`) in the year or ongoing at the snapshot S (the
    period end); people who died before the period (year) or before S (snapshot) left out."""
    return inputs.shared(("long_term.services", window, dp_component),
                         lambda: _services(inputs, window, dp_component))


def _services(inputs: Inputs, window: Window, dp_component: bool) -> ir.Table:
    lt = settings(inputs)
    t = inputs.events
    t = t.filter((t.event_type == "Service") & t.service_type.isin(list(lt.service_types)))
    t = with_rank(t, lt.hierarchy, dp_component=dp_component)
    s = ibis.literal(inputs.period_end, type="date")
    start = ibis.literal(inputs.period_start, type="date")
    since = start if window == "year" else s
    t = t.filter(t.event_start.notnull() & (t.event_start <= s)
                 & (t.end_derived.isnull() | (t.end_derived >= since))
                 & (t.date_of_death.isnull() | (t.date_of_death >= since)))
    return t.select(*(c for c in ROW_COLUMNS if c in t.columns))


def people(inputs: Inputs, rows: ir.Table, items: tuple[str, ...] = ()) -> ir.Table:
    """One row per person: `lt_rank` (top setting), `setting`, `label`, `age` at the period
    end (from the earliest birth date on the rows), `band`, and each of `items` resolved."""
    lt = settings(inputs)
    p = top(rows)
    dob = rows.group_by(list(PERSON)).aggregate(date_of_birth=rows.date_of_birth.min())
    p = p.join(dob, list(PERSON))
    spec = load_spec()
    for item in items:
        list_id = spec.item(item).list_id
        assert list_id is not None
        r = resolve(rows, item, lt.attributes, spec.lists[list_id].canonical)
        p = p.join(r, list(PERSON))
    common = inputs.profile.common
    age = age_at(p, ibis.literal(inputs.period_end, type="date"), common)
    bands = common.age_bands[lt.age_bands]
    return p.mutate(setting=label(p.lt_rank, lt.hierarchy, "setting"),
                    label=label(p.lt_rank, lt.hierarchy), age=age, band=band(age, bands))


def band_labels(inputs: Inputs) -> tuple[str, str]:
    bands = inputs.profile.common.age_bands[settings(inputs).age_bands]
    return bands[0].label, bands[1].label


def counted(p: ir.Table, rule: ir.StringValue, **dims: ir.Value) -> ir.Table:
    """Contributions: one row per person with the given dimension values."""
    return p.select(la_code=p.la_code, unit=p.person_key, **dims, rule=rule,
                    value=ibis.literal(1, "int64"))


def long_chains(inputs: Inputs) -> ir.Table:
    """LTS001c: rows ongoing at S whose chain of long-term services (any type, gaps of at most
    `chain.gap_days`, open ends as `today`) started more than `chain.months` before S. Built
    once per run."""
    return inputs.shared("long_term.long_chains", lambda: _long_chains(inputs))


def _long_chains(inputs: Inputs) -> ir.Table:
    lt = settings(inputs)
    t = inputs.events
    t = t.filter((t.event_type == "Service") & t.service_type.isin(list(lt.service_types)))
    t = with_rank(t, lt.hierarchy)
    s = ibis.literal(inputs.period_end, type="date")
    t = t.filter(t.event_start.notnull() & (t.event_start <= s)
                 & (t.date_of_death.isnull() | (t.date_of_death >= s)))
    t = t.select(*(c for c in ROW_COLUMNS if c in t.columns))  # narrow: windows below
    t = t.mutate(_end=t.end_derived.fill_null(ibis.literal(inputs.today, type="date")))
    order = [t.event_start, t._end]
    if lt.chain.compare == "running_max":
        before = t._end.max().over(ibis.window(group_by=list(PERSON), order_by=order,
                                               rows=(None, -1)))
    else:
        before = t._end.lag().over(ibis.window(group_by=list(PERSON), order_by=order))
    gap = t.event_start.delta(before, unit="day")
    t = t.mutate(_new=ibis.ifelse(before.isnull() | (gap > lt.chain.gap_days), 1, 0))
    t = t.mutate(_chain=t._new.sum().over(ibis.window(group_by=list(PERSON), order_by=order,
                                                      rows=(None, 0))))
    t = t.mutate(_chain_start=t.event_start.min().over(
        ibis.window(group_by=[*PERSON, "_chain"])))
    cutoff = ibis.literal(months_before(inputs.period_end, lt.chain.months), type="date")
    keep = (t._chain_start < cutoff) & (t._end >= s)
    return t.filter(keep).drop("_end", "_new", "_chain", "_chain_start")


def psr_by_setting(inputs: Inputs, rows: ir.Table, table: str, code: str) -> ir.Table:
    """Tables 1a (first age band) and 1b (second): people by PSR x setting/mechanism (the
    people of `code`'s cohort `rows` resolved once per run for both tables)."""
    p = inputs.shared(("long_term.psr_people", code),
                      lambda: people(inputs, rows, ("primary_support_reason",)))
    want = band_labels(inputs)[0 if table == "1a" else 1]
    p = p.filter(p.band == want)
    rule = (ibis.literal(f"{code}>{want}>setting>") + p.label + ">psr>"
            + p.primary_support_reason)
    return counted(p, rule, psr=p.primary_support_reason, setting=p.label)
