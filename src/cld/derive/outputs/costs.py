"""Planned gross costs of services (CLD guidance "Costs (Services only)").

Each service in the period (starting on or before its end, ending on or after its start or
open) is costed from Unit Cost (gross, before contributions), Cost Frequency and Planned units
per week:
  units per week   from the frequency (`units_per_week`: Weekly 1, Fortnightly 1/2,
                   4-weekly 1/4, Monthly 12/52, Quarterly 4/52, Annually 1/52), or Planned
                   units per week for the frequencies more often than weekly (Per Session,
                   Hourly, Daily: `planned_units_frequencies`)
  weekly cost      unit cost x units per week
  annualised       weekly cost x weeks in the period, weeks = days the service runs in the
                   period (both ends counted; an open service runs to the period end) / 7;
                   a one-off cost counts whole in the period it starts in
Outputs (unit "pounds", one per breakdown: service type, component, delivery mechanism,
primary support reason, full cost client) have a `cost` dimension: "annualised" (every costed
service) and "weekly" (services still running on the last day of the period: the weekly bill
at the period end). Contributions: one row per costed service and cost.

`COSTS_services` (unit "services") counts every service in the period by service type and
`reason`: "costed", or why not (no unit cost, no planned units, ...). A service the guidance
does not cost (CASSR commissioned support; short term support other than residential and
nursing care) with no cost given is "not costed: not a costed service"; one with a cost given
is costed. Full-cost clients' services are costed like the rest (gross cost) and shown apart
in the full cost client breakdown.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial

import ibis
import ibis.expr.types as ir
from pydantic import field_validator, model_validator

from cld.derive.profile import Strict, section
from cld.derive.registry import Inputs, Output, output
from cld.spec import load_spec

COST = ("weekly", "annualised")
NOT_RECORDED = "Not recorded"
COSTED = "costed"
REASONS = (
    COSTED,
    "not costed: not a costed service",
    "not costed: one-off cost before the period",
    "cannot cost: no unit cost",
    "cannot cost: zero unit cost",
    "cannot cost: negative unit cost",
    "cannot cost: no cost frequency",
    "cannot cost: unknown cost frequency",
    "cannot cost: no planned units",
    "cannot cost: ends before it starts",
)


@section("costs")
class Costs(Strict):
    units_per_week: dict[str, float]  # frequency -> units a week
    planned_units_frequencies: tuple[str, ...]  # use Planned units per week
    one_off_frequencies: tuple[str, ...]  # the unit cost once, in the period it starts
    absolute_unit_cost: bool = False  # a negative unit cost is costed as its absolute value

    @field_validator("units_per_week", mode="before")
    @classmethod
    def _fractions(cls, value: object) -> object:
        """Units may be written as fractions ("12/52")."""
        if not isinstance(value, dict):
            return value
        out: dict[object, object] = {}
        for k, v in value.items():
            if isinstance(v, str) and re.fullmatch(r"\s*\d+\s*/\s*\d+\s*", v):
                num, den = (float(x) for x in v.split("/"))
                if den == 0:
                    raise ValueError(f"{k}: {v} divides by 0")
                v = num / den
            out[k] = v
        return out

    @model_validator(mode="after")
    def _v42_values(self) -> Costs:
        """Every v4.2 Cost Frequency is named once (a typo or a gap fails when it loads)."""
        named = [*self.units_per_week, *self.planned_units_frequencies,
                 *self.one_off_frequencies]
        allowed = load_spec().lists["cost_frequency"].canonical
        wrong = [v for v in named if v not in allowed]
        if wrong:
            raise ValueError(f"{wrong[0]!r} is not a v4.2 cost_frequency value")
        twice = sorted({v for v in named if named.count(v) > 1})
        missing = [v for v in allowed if v not in named]
        if twice or missing:
            raise ValueError("each v4.2 cost frequency is named once: "
                             + ", ".join([*(f"{v} twice" for v in twice),
                                          *(f"{v} missing" for v in missing)]))
        return self


def _labels(list_id: str) -> tuple[str, ...]:
    return (*load_spec().lists[list_id].canonical, NOT_RECORDED)


def services(inputs: Inputs) -> ir.Table:
    """Every service in the period with its costing: la_code, unit, the breakdown columns,
    reason, weekly, annualised (null unless costed), running_at_end, rule."""
    return inputs.shared("costs.services", lambda: _services(inputs))


def _services(inputs: Inputs) -> ir.Table:
    s = inputs.profile.get("costs", Costs)
    spec = load_spec()
    t = inputs.events
    ps = ibis.literal(inputs.period_start, type="date")
    pe = ibis.literal(inputs.period_end, type="date")
    t = t.filter((t.event_type == "Service") & t.event_start.notnull() & (t.event_start <= pe)
                 & (t.end_derived.isnull() | (t.end_derived >= ps)))
    raw = t.unit_cost.cast("float64")
    cost = raw.abs() if s.absolute_unit_cost else raw
    freq = t.cost_frequency
    planned = t.planned_units.cast("float64")
    per_week = ibis.cases(
        *((freq == f, ibis.literal(v, type="float64")) for f, v in s.units_per_week.items()),
        (freq.isin(list(s.planned_units_frequencies)), planned),
        else_=ibis.null("float64"))
    one_off = freq.isin(list(s.one_off_frequencies))
    known = [*s.units_per_week, *s.planned_units_frequencies, *s.one_off_frequencies]
    in_scope = ((t.service_type.isin(list(spec.group("long_term_service_types")))
                 & ~t.delivery_mechanism.isin(list(spec.group("commissioned_mechanisms")))
                 .fill_null(False))
                | t.service_component.isin(list(spec.group("short_term_beds"))).fill_null(False))
    first = ibis.greatest(t.event_start, ps)
    last = ibis.least(t.end_derived.fill_null(pe), pe)
    days = last.delta(first, unit="day") + 1
    cases = [
        (raw.isnull() & ~in_scope, "not costed: not a costed service"),
        (raw.isnull(), "cannot cost: no unit cost"),
        (raw == 0, "cannot cost: zero unit cost"),
    ]
    if not s.absolute_unit_cost:
        cases.append((raw < 0, "cannot cost: negative unit cost"))
    cases += [
        (freq.isnull(), "cannot cost: no cost frequency"),
        (~freq.isin(known), "cannot cost: unknown cost frequency"),
        (one_off & (t.event_start < ps), "not costed: one-off cost before the period"),
        (one_off, COSTED),
        (per_week.isnull() | (per_week <= 0), "cannot cost: no planned units"),
        (days < 1, "cannot cost: ends before it starts"),
    ]
    reason = ibis.cases(*cases, else_=COSTED)
    weekly = ibis.ifelse(one_off, ibis.null("float64"), cost * per_week)
    annualised = ibis.ifelse(one_off, cost, cost * per_week * days.cast("float64") / 7)
    costed = reason == COSTED
    unit = (t.person_key + "|" + t.service_type.fill_null("") + "|"
            + t.service_component.fill_null("") + "|" + t.event_start.cast("string"))
    how = ibis.ifelse(
        one_off, ibis.literal("one-off"),
        ibis.ifelse(freq.isin(list(s.planned_units_frequencies)),
                    freq.fill_null("") + " x planned units", freq.fill_null("")))
    rule = ibis.ifelse(costed, "costs>" + how, "costs>" + reason)
    rule = rule + ibis.ifelse(in_scope | ~costed, "", ">a service the guidance does not cost")

    def label(col: ir.StringValue, list_id: str) -> ir.StringValue:
        return ibis.ifelse(col.isin(list(load_spec().lists[list_id].canonical)), col,
                           NOT_RECORDED)

    return t.select(
        la_code=t.la_code, unit=unit,
        service_type=label(t.service_type, "service_type"),
        service_component=label(t.service_component, "service_component"),
        delivery_mechanism=label(t.delivery_mechanism, "delivery_mechanism"),
        primary_support_reason=label(t.primary_support_reason, "primary_support_reason"),
        full_cost_client=label(t.full_cost_client, "yes_no"),
        reason=reason,
        weekly=ibis.ifelse(costed, weekly, ibis.null("float64")),
        annualised=ibis.ifelse(costed, annualised, ibis.null("float64")),
        running_at_end=t.end_derived.isnull() | (t.end_derived >= pe),
        rule=rule,
    )


def _by(dim: str, inputs: Inputs) -> ir.Table:
    t = services(inputs)
    t = t.filter(t.reason == COSTED)
    keep = ["la_code", "unit", dim, "rule"]
    annual = t.select(*keep, cost=ibis.literal("annualised"), value=t.annualised)
    week = t.filter(t.running_at_end & t.weekly.notnull())
    weekly = week.select(*keep, cost=ibis.literal("weekly"),
                         value=week.weekly)
    return annual.union(weekly).select("la_code", "unit", dim, "cost", "rule", "value")


def build_services(inputs: Inputs) -> ir.Table:
    t = services(inputs)
    return t.select("la_code", "unit", "service_type", "reason", "rule",
                    value=ibis.literal(1, type="int64"))


_CANNOT = ("Planned costs only: actual spend is collected by the ASC-FR return, not CLD.",
           "Service user contributions, third-party top-ups and NHS CHC funding are not in "
           "the unit cost (gross cost).")
BREAKDOWNS = {
    "service_type": ("service_type", "by service type"),
    "service_component": ("service_component", "by service component"),
    "delivery_mechanism": ("delivery_mechanism", "by delivery mechanism"),
    "primary_support_reason": ("primary_support_reason", "by primary support reason"),
    "full_cost_client": ("yes_no", "by full cost client"),
}
OUTPUTS: dict[str, Output] = {}
for _dim, (_list, _title) in BREAKDOWNS.items():
    _build: Callable[[Inputs], ir.Table] = partial(_by, _dim)
    OUTPUTS[_dim] = output(Output(
        code="COSTS", table=_dim, kind="costs", unit="pounds", section="costs",
        title=f"Planned gross cost of services {_title} (weekly at the period end, and "
              "annualised over the period)",
        dims={_dim: _labels(_list), "cost": COST}, build=_build,
        source="CLD guidance, Costs (Services only); DHSC dashboard costs (weekly units)",
        cannot=_CANNOT))
COSTS_SERVICES = output(Output(
    code="COSTS", table="services", kind="costs", unit="services", section="costs",
    title="Services in the period by whether they could be costed, and why not",
    dims={"service_type": _labels("service_type"), "reason": REASONS},
    build=build_services, source="CLD guidance, Costs (Services only)", cannot=_CANNOT))
