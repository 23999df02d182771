"""Service-setting hierarchy (rule E): rank each long-term service row, one top row per person.

Ranks come from the profile (`long_term.hierarchy`): 1 Nursing, 2 Residential, 3 Community +
Direct Payment, 4 Community + CASSR Managed Personal Budget, 5 Community + CASSR Commissioned
Support, 6 Community with a blank or invalid mechanism, 7 Prison + CMPB, 8 Prison +
commissioned (v4.2 has no Prison service type: prison support is a Community service whose
mechanism is one of the "Prison: ..." values, so "9 Prison, blank" cannot occur). A rule with
no `mechanism` takes the service type's rows no other rule took (blank or invalid mechanism).
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from cld.derive.profile import Strict


class SettingRule(Strict):
    rank: int
    setting: str  # the setting the rank belongs to (Nursing, Residential, Community, Prison)
    label: str  # the setting x mechanism column, exactly as the published table prints it
    service_type: str  # v4.2 Service Type value
    mechanism: str | None = None  # v4.2 Delivery Mechanism value; None: blank or invalid


class DirectPaymentComponent(Strict):
    """Rows of `service_type` whose component is `component` rank at most `rank` (3D rule)."""

    service_type: str
    component: str
    rank: int


class Hierarchy(Strict):
    rules: tuple[SettingRule, ...]
    dp_component: DirectPaymentComponent

    def service_types(self) -> list[str]:
        return sorted({r.service_type for r in self.rules})

    def rule(self, rank: int) -> SettingRule:
        return next(r for r in self.rules if r.rank == rank)


def rank(t: ir.Table, h: Hierarchy, *, dp_component: bool = False) -> ir.IntegerValue:
    """The setting rank of each row (null for rows no rule takes: not long-term support)."""
    ordered = sorted(h.rules, key=lambda r: (r.mechanism is None, r.rank))
    branches = []
    for r in ordered:
        cond = t.service_type == r.service_type
        if r.mechanism is not None:
            cond &= t.delivery_mechanism.notnull() & (t.delivery_mechanism == r.mechanism)
        branches.append((cond, r.rank))
    base = ibis.cases(*branches, else_=ibis.null("int32")).cast("int32")
    if not dp_component:
        return base  # type: ignore[no-any-return]
    dp = h.dp_component
    forced = ((t.service_type == dp.service_type) & t.service_component.notnull()
              & (t.service_component == dp.component) & (base > dp.rank))
    return ibis.ifelse(forced, ibis.literal(dp.rank, "int32"), base)  # type: ignore[no-any-return]


def with_rank(t: ir.Table, h: Hierarchy, *, dp_component: bool = False) -> ir.Table:
    """`t`'s long-term rows only, with `lt_rank`."""
    t = t.mutate(lt_rank=rank(t, h, dp_component=dp_component))
    return t.filter(t.lt_rank.notnull())


def label(r: ir.IntegerValue, h: Hierarchy, what: str = "label") -> ir.StringValue:
    """The rule's `label` (or `setting`) of a rank."""
    return ibis.cases(*((r == x.rank, getattr(x, what)) for x in h.rules),  # type: ignore[no-any-return]
                      else_=ibis.null("string"))


def top(t: ir.Table) -> ir.Table:
    """One row per person (la_code, person_key): `lt_rank`, the best (lowest) rank."""
    return t.group_by(["la_code", "person_key"]).aggregate(lt_rank=t.lt_rank.min())
