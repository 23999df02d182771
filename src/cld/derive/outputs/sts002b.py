"""SALT STS002b: existing clients' ST-Max episodes ending in the period (a total).

Every ST-Max episode (clustered per the profile) whose start finds the person an existing
client (a long-term service per the profile's rule D). Episodes of people with no birth
date (where the profile requires one) are their own label.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from cld.derive.blocks.short_term import EXCLUDED_DOB, SECTION, existing_st_max, params
from cld.derive.registry import Inputs, Output, output

TOTAL = "Total"


def build(inputs: Inputs) -> ir.Table:
    p = params(inputs)
    t = existing_st_max(inputs)
    label = ibis.literal(TOTAL)
    if p.require_known_dob:
        label = ibis.ifelse(t.dob.isnull(), ibis.literal(EXCLUDED_DOB), label)
    return t.select(la_code=t.la_code, unit=t.ep_key, total=label,
                    rule=ibis.literal("existing client>ST-Max episode"), value=ibis.literal(1))


STS002B = output(Output(
    code="STS002b",
    title="Existing clients' short term support to maximise independence (total)",
    kind="salt",
    dims={"total": (TOTAL, EXCLUDED_DOB)},
    build=build,
    unit="episodes",
    source="SALT STS002b; NHS England, Reproducing SALT metrics from CLD (2023/24)",
    cannot=("what followed the episode and route of access: not produced for existing "
            "clients",),
    section=SECTION,
))
