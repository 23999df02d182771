"""The `learning_disability` profile section and the people LTS004, ASCOF 1E and 2E count.

One row per person with long term support in the period: age, and the last known gender,
primary support reason, accommodation and employment (blocks/status.py), each with the rule
that gave it. Every value the section names is a v4.2 canonical value (tested), apart from
the labels the method itself makes (the invalid label, DHSC's presumed accommodation).
"""

from __future__ import annotations

from typing import Literal

import ibis
import ibis.expr.types as ir
from pydantic import model_validator

from cld.derive.blocks.age import age_at
from cld.derive.blocks.status import (
    FAR,
    NO_RANK,
    OrderKey,
    infer_from_latest_service,
    last_known,
    setting,
)
from cld.derive.profile import AgeBand, ProfileError, Strict, section
from cld.derive.registry import Inputs
from cld.spec import load_spec

SECTION = "learning_disability"
ATTRIBUTES = ("gender", "primary_support_reason", "accommodation_status", "employment_status")
COLUMNS = ("la_code", "person_key", "event_type", "event_start", "end_derived",
           "date_of_birth", "service_type", "service_component", "delivery_mechanism",
           *ATTRIBUTES)


class Setting(Strict):
    label: str
    rank: int  # service hierarchy, 1 best
    service_type: str
    mechanisms: tuple[str, ...] = ()  # only these delivery mechanisms; () any


class Inference(Strict):
    settings: tuple[str, ...] = ()  # the latest service's setting is one of these; () any
    components: tuple[str, ...] = ()  # its component is one of these; () any
    value: str


@section(SECTION)
class LearningDisability(Strict):
    # Settings of services, matched in this order (first match), ranked by `rank`.
    settings: tuple[Setting, ...]
    lts004_settings: tuple[str, ...]  # LTS004 and ASCOF 1E cohort
    ascof2e_settings: tuple[str, ...]  # ASCOF 2E cohort
    # cohort: statuses from the cohort's LTS rows; all_events: from every event of the person
    # overlapping the period (DHSC's person-details table).
    status_events: Literal["cohort", "all_events"]
    status_order: tuple[OrderKey, ...]
    unknown: dict[str, tuple[str, ...]]  # attribute -> its unknown value(s), first = conflict
    invalid_label: str
    ld_reasons: tuple[str, ...]
    settled: tuple[str, ...]
    unsettled: tuple[str, ...]
    paid: tuple[str, ...]
    # Accommodation still unknown (or invalid) inferred from the latest service; () none.
    infer_accommodation: tuple[Inference, ...] = ()
    # period_end: age at the period end; latest_lts_end: at the end of the person's latest
    # cohort service, capped at the period end.
    age_at: Literal["period_end", "latest_lts_end"]
    working_age: AgeBand
    older: AgeBand
    # Genders counted in an ASCOF Total; () every gender.
    total_genders: tuple[str, ...] = ()
    # Events whose end is before their start are left out (DHSC); kept otherwise.
    drop_end_before_start: bool = False

    @model_validator(mode="after")
    def _consistent(self) -> LearningDisability:
        labels = [s.label for s in self.settings]
        for name in ("lts004_settings", "ascof2e_settings"):
            for label in getattr(self, name):
                if label not in labels:
                    raise ValueError(f"{name}: {label!r} is not a setting label")
        for rule in self.infer_accommodation:
            for label in rule.settings:
                if label not in labels:
                    raise ValueError(f"infer_accommodation: {label!r} is not a setting label")
            if rule.value not in self.settled and rule.value not in self.unsettled:
                raise ValueError(f"infer_accommodation: {rule.value!r} is neither settled "
                                 "nor unsettled")
        both = sorted(set(self.settled) & set(self.unsettled))
        if both:
            raise ValueError(f"settled and unsettled both hold {', '.join(both)}")
        missing = [a for a in ATTRIBUTES if not self.unknown.get(a)]
        if missing:
            raise ValueError(f"unknown: no unknown value for {', '.join(missing)}")
        self._in_spec()
        return self

    def _in_spec(self) -> None:
        """Every value named is a v4.2 canonical value (a typo would never match), apart from
        the accommodation the inference makes; every accommodation value is classified."""
        accommodation = spec_values("accommodation_status")
        made = {r.value for r in self.infer_accommodation} - set(accommodation)
        named: list[tuple[str, tuple[str, ...], tuple[str, ...]]] = [
            ("settled", self.settled, (*accommodation, *made)),
            ("unsettled", self.unsettled, (*accommodation, *made)),
            ("paid", self.paid, spec_values("employment_status")),
            ("ld_reasons", self.ld_reasons, spec_values("primary_support_reason")),
            ("settings", tuple(s.service_type for s in self.settings),
             spec_values("service_type")),
            ("settings", tuple(m for s in self.settings for m in s.mechanisms),
             spec_values("delivery_mechanism")),
            ("infer_accommodation", tuple(c for r in self.infer_accommodation
                                          for c in r.components),
             spec_values("service_component")),
            *((f"unknown.{a}", v, spec_values(a)) for a, v in self.unknown.items()
              if a in ATTRIBUTES),
        ]
        for name, values, allowed in named:
            wrong = [v for v in values if v not in allowed]
            if wrong:
                raise ValueError(f"{name}: not a v4.2 value: {', '.join(map(repr, wrong))}")
        extra = sorted(set(self.unknown) - set(ATTRIBUTES))
        if extra:
            raise ValueError(f"unknown: no such attribute {', '.join(extra)}")
        unclassified = [v for v in accommodation
                        if v not in self.settled and v not in self.unsettled]
        if unclassified:
            raise ValueError("accommodation neither settled nor unsettled: "
                             + ", ".join(map(repr, unclassified)))


def spec_values(attribute: str) -> tuple[str, ...]:
    spec = load_spec()
    list_id = spec.item(attribute).list_id
    assert list_id is not None
    return tuple(spec.lists[list_id].canonical)


def section_of(inputs: Inputs) -> LearningDisability:
    return inputs.profile.get(SECTION, LearningDisability)


def check_labels(ld: LearningDisability, table: str, produced: set[str],
                 labels: tuple[str, ...]) -> None:
    """A profile value that the published table has no row for is an error, not a loss."""
    missing = sorted(produced - set(labels))
    if missing:
        raise ProfileError(f"profile section {SECTION}: {table} has no row for "
                           f"{', '.join(map(repr, missing))}")


def people(inputs: Inputs, cohort_settings: tuple[str, ...]) -> ir.Table:
    """One row per person with a service in `cohort_settings` overlapping the period:
    la_code, unit (person key), age (null when unknown), gender, psr, accommodation,
    employment, and `<attribute>_rule` for each (how it was resolved)."""
    return inputs.shared(("learning_disability.people", tuple(cohort_settings)),
                         lambda: _people(inputs, tuple(cohort_settings)))


def _people(inputs: Inputs, cohort_settings: tuple[str, ...]) -> ir.Table:
    ld = section_of(inputs)
    ev = inputs.events
    start = ibis.literal(inputs.period_start, type="date")
    end = ibis.literal(inputs.period_end, type="date")
    ev = ev.filter(ev.event_start.notnull(),
                   ev.event_start <= end,
                   ev.end_derived.isnull() | (ev.end_derived >= start),
                   ev.date_of_death.isnull() | (ev.date_of_death >= start))
    if ld.drop_end_before_start:
        ev = ev.filter(ev.event_end.isnull() | (ev.event_end >= ev.event_start))
    ev = ev.select(*COLUMNS)  # narrow: the columns read below
    label, rank = setting(ev, [(s.label, s.rank, s.service_type, s.mechanisms)
                               for s in ld.settings])
    ev = ev.mutate(_setting=ibis.ifelse(ev.event_type == "Service", label,
                                        ibis.null("string")),
                   _rank=ibis.ifelse(ev.event_type == "Service", rank, NO_RANK))
    cohort = ev.filter(ev._setting.isin(list(cohort_settings)))
    persons = cohort.group_by(["la_code", "person_key"]).aggregate(
        _last=cohort.end_derived.cast("date").fill_null(ibis.literal(FAR, type="date")).max())
    source = cohort
    if ld.status_events == "all_events":
        keys = persons.select(k_la=persons.la_code, k_pk=persons.person_key)
        source = ev.join(keys, [ev.la_code == keys.k_la, ev.person_key == keys.k_pk]).drop(
            "k_la", "k_pk")
    rows = source  # computed once: the birth date, each attribute and the inference read it
    source = inputs.shared(("learning_disability.source", cohort_settings), lambda: rows)
    dob = source.group_by(["la_code", "person_key"]).aggregate(
        date_of_birth=source.date_of_birth.cast("date").min())
    p = persons.join(dob, ["la_code", "person_key"])
    day = end if ld.age_at == "period_end" else ibis.least(p._last, end)
    p = p.mutate(age=age_at(p, day, inputs.profile.common))
    for attribute in ATTRIBUTES:
        s = last_known(source, attribute, valid=spec_values(attribute),
                       unknown=ld.unknown[attribute], order=ld.status_order,
                       invalid_label=ld.invalid_label)
        s = s.rename({attribute: "status", f"{attribute}_rule": "status_rule"})
        p = p.join(s, ["la_code", "person_key"])
    if ld.infer_accommodation:
        services = source.filter(source.event_type == "Service")
        inf = infer_from_latest_service(
            services, [(r.settings, r.components, r.value) for r in ld.infer_accommodation])
        p = p.left_join(inf, ["la_code", "person_key"]).drop("la_code_right",
                                                             "person_key_right")
        unknown = [*ld.unknown["accommodation_status"], ld.invalid_label]
        use = p.accommodation_status.isin(unknown) & p.inferred.notnull()
        p = p.mutate(
            accommodation_status=ibis.ifelse(use, p.inferred, p.accommodation_status),
            accommodation_status_rule=ibis.ifelse(
                use, "inferred from " + p.inferred_from, p.accommodation_status_rule))
    return p.select(
        "la_code", unit=p.person_key, age=p.age, gender=p.gender,
        gender_rule=p.gender_rule, psr=p.primary_support_reason,
        psr_rule=p.primary_support_reason_rule, accommodation=p.accommodation_status,
        accommodation_rule=p.accommodation_status_rule, employment=p.employment_status,
        employment_rule=p.employment_status_rule)


def in_band(age: ir.IntegerValue, band: AgeBand) -> ir.BooleanValue:
    cond = age.notnull()
    if band.min is not None:
        cond &= age >= band.min
    if band.max is not None:
        cond &= age <= band.max
    return cond  # type: ignore[no-any-return]


def ld_working_age(inputs: Inputs) -> ir.Table:
    """LTS004's cohort: people with a learning disability PSR and LTS in the period who are
    of working age, or whose age is unknown (`age_known` false: they are excluded, counted)."""
    ld = section_of(inputs)
    p = people(inputs, ld.lts004_settings)
    p = p.filter(p.psr.isin(list(ld.ld_reasons)),
                 p.age.isnull() | in_band(p.age, ld.working_age))
    return p.mutate(age_known=p.age.notnull())


GROUPS = ("Male", "Female", "Total")
NUMERATOR, DENOMINATOR = "numerator", "denominator"
EXCLUDED_AGE = "excluded: unknown age"
EXCLUDED_GENDER = "excluded: gender not counted in Total"


def ascof_rows(p: ir.Table, ld: LearningDisability, *, scope: str,
               numerator: ir.BooleanValue, detail: ir.StringValue,
               memo: tuple[str, ir.BooleanValue] | None = None) -> ir.Table:
    """Contributions of an ASCOF measure with groups Male, Female and Total: each person of
    `p` (la_code, unit, gender, age_known) in the denominator of their gender's group and of
    the Total (when the profile counts their gender there), in the numerator too where
    `numerator`; people of unknown age, or whose gender the Total leaves out, in an exclusion
    part instead; `memo`: an extra (part, condition) counted among the denominator.
    (One pass over `p`: crossed with the groups and parts, then filtered.)"""
    total_ok = (ibis.literal(True) if not ld.total_genders
                else p.gender.isin(list(ld.total_genders)))
    p = p.mutate(_num=numerator, _detail=detail, _total_ok=total_ok,
                 _memo=memo[1] if memo else ibis.literal(False))
    parts = [EXCLUDED_GENDER, EXCLUDED_AGE, DENOMINATOR, NUMERATOR, *([memo[0]] if memo else [])]
    x = (p.cross_join(ibis.memtable({"group": list(GROUPS)}, schema={"group": "string"}))
         .cross_join(ibis.memtable({"part": parts}, schema={"part": "string"})))
    ok = (x.group != "Total") | x._total_ok
    counted = ok & x.age_known
    keep = ((x.group == "Total") | (x.group == x.gender)) & ibis.cases(
        (x.part == EXCLUDED_GENDER, ~ok),
        (x.part == EXCLUDED_AGE, ok & ~x.age_known),
        (x.part == DENOMINATOR, counted),
        (x.part == NUMERATOR, counted & x._num),
        else_=counted & x._memo)
    x = x.filter(keep.fill_null(False))
    rule = ibis.cases(
        (x.part == EXCLUDED_GENDER, scope + ">gender:" + x.gender.fill_null("none")),
        (x.part == EXCLUDED_AGE, ibis.literal(scope + ">age unknown")),
        else_=scope + ">" + x._detail)
    return x.select("la_code", "unit", "group", "part", rule=rule,
                    value=ibis.literal(1, type="int64"))
