"""Person attributes resolved across a person's rows (rule F, DHSC person details §2.3).

Rows are ordered by the profile's keys, best first; the rows tied at the top decide. One
distinct value there: that value; several: the attribute's `conflict` value.

Order keys: `top_rank` (rows at the person's best setting rank, `lt_rank`, first), `known`
(known values first, then the attribute's `lower` values by their tier, then blank or
invalid), `latest_end` (latest derived end first, open counts as latest), `latest_start`.
NHSE (rule F): top_rank, known, latest_start. DHSC (§2.3): known, latest_end, latest_start.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Literal

import ibis
import ibis.expr.types as ir

from cld.derive.profile import Strict

OrderKey = Literal["top_rank", "known", "latest_end", "latest_start"]
PERSON = ("la_code", "person_key")
_INVALID_TIER = 99


class AttributeRule(Strict):
    # Values ranked below known ones, with their tier (1 just below known; higher is worse).
    lower: dict[str, int] = {}
    conflict: str  # the value when distinct values tie at the top
    invalid: str  # the value when only blank or invalid values are at the top
    rename: dict[str, str] = {}  # resolved value -> label printed (e.g. "PSR Not Known")


class Resolution(Strict):
    order: tuple[OrderKey, ...]
    attributes: dict[str, AttributeRule]  # data item id -> its rule


def resolve(t: ir.Table, item: str, res: Resolution, valid: Sequence[str]) -> ir.Table:
    """One row per person (la_code, person_key) with `item` resolved from `t`'s rows.
    `valid`: the item's canonical values (anything else counts as blank or invalid)."""
    rule = res.attributes[item]
    v = t[item].cast("string")
    ok = v.notnull() & v.isin(list(valid))
    tier = ibis.cases(*((v == value, n) for value, n in rule.lower.items()),
                      else_=0) if rule.lower else ibis.literal(0)
    tier = ibis.ifelse(ok, tier, _INVALID_TIER)
    t = t.mutate(_v=ibis.ifelse(ok, v, ibis.literal(rule.invalid)), _tier=tier)
    keys: list[ir.Value] = []
    for k in res.order:
        if k == "top_rank":
            keys.append(t.lt_rank.asc())
        elif k == "known":
            keys.append(t._tier.asc())
        elif k == "latest_end":
            keys.append(t.end_derived.fill_null(ibis.literal(date(9999, 12, 31))).desc())
        else:
            keys.append(t.event_start.fill_null(ibis.literal(date(1, 1, 1))).desc())
    t = t.mutate(_place=ibis.dense_rank().over(group_by=list(PERSON), order_by=keys))
    top = t.filter(t._place == 0)
    out = top.group_by(list(PERSON)).aggregate(_n=top._v.nunique(), _one=top._v.max())
    value = ibis.ifelse(out._n > 1, ibis.literal(rule.conflict), out._one)
    if rule.rename:
        value = value.substitute(dict(rule.rename))
    return out.select(*PERSON, **{item: value})
