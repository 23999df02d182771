"""ASCOF 2A (old 2D): the proportion of people who received short-term services (ST-Max)
in the year, not previously receiving services, where no further request was made for
ongoing support.

Episodes of the STS002a cohort (per the profile). Each counted episode contributes to the
denominator and, when its sequel is in the numerator list, to the numerator; the others to
an `excluded: ...` part (unable to classify, an outcome the measure leaves out, under 18,
unknown age). Ages per the profile (episode or period end); groups are the profile's bands.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from cld.derive.blocks.age import UNKNOWN, age_at, band
from cld.derive.blocks.short_term import SECTION, params
from cld.derive.blocks.short_term_params import UNCLASSIFIED
from cld.derive.outputs.sts002a import labelled
from cld.derive.registry import Inputs, Measure, Output, output

NUMERATOR = "numerator"
DENOMINATOR = "denominator"
EX_UNCLASSIFIED = "excluded: unable to classify"
EX_OUTCOME = "excluded: outcome not counted"
EX_UNDER = "excluded: under 18"
EX_AGE = "excluded: unknown age"
PARTS = (NUMERATOR, DENOMINATOR, EX_OUTCOME, EX_UNCLASSIFIED, EX_UNDER, EX_AGE)
AGE_GROUPS = ("18-64", "65+", UNKNOWN)


def build(inputs: Inputs) -> ir.Table:
    p = params(inputs)
    a = p.ascof2a
    t = labelled(inputs)
    day = (t.ep_end if a.age_at == "episode_end"
           else ibis.literal(inputs.period_end, type="date"))
    t = t.mutate(date_of_birth=t.dob)
    age = age_at(t, day, inputs.profile.common)
    t = t.mutate(_age=age, group=band(age, inputs.profile.common.age_bands[a.age_bands]))
    key = t.category if a.match == "category" else t.sequel
    unclassified = (t.category == UNCLASSIFIED) if a.match == "category" else ~t.chained
    part = ibis.cases(
        (t._age.notnull() & (t._age < a.min_age), EX_UNDER),
        (t._age.isnull() & ibis.literal(a.unknown_age == "exclude"), EX_AGE),
        (unclassified.fill_null(True), EX_UNCLASSIFIED),
        (key.isin(list(a.denominator)), DENOMINATOR),
        else_=EX_OUTCOME,
    )
    t = t.mutate(part=part)
    cols = dict(la_code=t.la_code, unit=t.ep_key, part=t.part, group=t.group, rule=t.rule,
                value=ibis.literal(1))
    num = t.filter((t.part == DENOMINATOR) & key.isin(list(a.numerator)))
    num = num.select(la_code=num.la_code, unit=num.ep_key, part=ibis.literal(NUMERATOR),
                     group=num.group, rule=num.rule, value=ibis.literal(1))
    return t.select(**cols).union(num)


ASCOF2A = output(Output(
    code="ASCOF2A",
    title="Proportion of people who received short-term services during the year, who were "
          "not previously receiving services, where no further request was made for ongoing "
          "support",
    kind="ascof",
    dims={"part": PARTS, "group": AGE_GROUPS},
    build=build,
    unit="episodes",
    old_code="2D",
    measure=Measure(numerator=NUMERATOR, denominator=DENOMINATOR, scale=100),
    source="ASCOF 2A (2023 refresh; old 2D): NHS England 2023/24 replication, DHSC ASCOF "
           "from CLD 2024/25 onwards",
    section=SECTION,
))
