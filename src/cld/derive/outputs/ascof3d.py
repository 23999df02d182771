"""ASCOF 3D (old 1C), clients: the proportion of people using long-term community support
at the period end who receive self-directed support (1a) and direct payments (2a).

One row per person by rule E, with the profile's Direct-Payment-component rule (a Community
service with component "Direct Payment" ranks as a direct payment). Denominator: people whose
top setting is Community (a person with a Nursing and a Community DP service is counted as
nursing, so not in the denominator). Groups: the SALT age bands at the period end, and Total.
Per-LA counts of the people left out (and of those in the denominator without a usable
delivery mechanism) are the `part` values starting "excluded:" and "of which:".
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from cld.derive.outputs.long_term import band_labels, counted, people, services, settings
from cld.derive.registry import Inputs, Measure, Output, not_produced, output

NUMERATOR, DENOMINATOR = "numerator", "denominator"
NOT_COMMUNITY = "excluded: top setting not community"
UNDER_AGE = "excluded: under 18"
UNKNOWN_AGE = "excluded: unknown age"
UNKNOWN_MECHANISM = "of which: unknown delivery mechanism"
PARTS = (NUMERATOR, DENOMINATOR, UNKNOWN_MECHANISM, NOT_COMMUNITY, UNDER_AGE, UNKNOWN_AGE)
GROUPS = ("18-64", "65+", "Total")


def contributions(inputs: Inputs, numerator: str) -> ir.Table:
    lt = settings(inputs)
    a = lt.ascof3d
    p = inputs.shared("ascof3d.people",  # 1a and 2a, each reading it six times
                      lambda: people(inputs, services(inputs, "snapshot",
                                                      dp_component=a.dp_component)))
    ranks = a.sds_ranks if numerator == "sds" else a.dp_ranks
    part = ibis.cases(
        (p.age.isnull() & ~ibis.literal(a.unknown_age_in_total), UNKNOWN_AGE),
        (p.age.notnull() & (p.age < a.min_age), UNDER_AGE),
        (p.setting != a.denominator_setting, NOT_COMMUNITY),
        else_=DENOMINATOR)
    p = p.mutate(part=part)
    inden = p.part == DENOMINATOR
    pieces = [
        p,
        p.filter(inden & p.lt_rank.isin(list(ranks))).mutate(part=ibis.literal(NUMERATOR)),
        p.filter(inden & p.lt_rank.isin(list(a.unknown_mechanism_ranks)))
        .mutate(part=ibis.literal(UNKNOWN_MECHANISM)),
    ]
    bands = list(band_labels(inputs))
    out = []
    for q in pieces:
        rule = ibis.literal(f"ASCOF3D>{numerator}>") + q.part + ">" + q.label
        known = q.filter(q.band.isin(bands))
        out.append(counted(known, rule, part=known.part, group=known.band))
        out.append(counted(q, rule, part=q.part, group=ibis.literal("Total")))
    return ibis.union(*out)


def sds(inputs: Inputs) -> ir.Table:
    return contributions(inputs, "sds")


def dp(inputs: Inputs) -> ir.Table:
    return contributions(inputs, "dp")


for _table, _build, _what in (("1a", sds, "self-directed support"),
                              ("2a", dp, "direct payments")):
    output(Output(
        code="ASCOF3D", table=_table, old_code="1C", kind="ascof", section="long_term",
        title=f"Proportion of people using long-term community support who receive {_what}",
        dims={"part": PARTS, "group": GROUPS}, build=_build,
        measure=Measure(numerator=NUMERATOR, denominator=DENOMINATOR, scale=100),
        source=f"ASCOF 3D ({_table}, clients)"))

not_produced("ASCOF3D-carers", "ASCOF 3D for carers (1b, 2b) needs carers' events; CLD v4.2 "
             "has no Client Type item, so carers cannot be told from service users.")
