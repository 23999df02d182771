"""ASCOF 2E (formerly 1G): the proportion of people receiving long term support who live in
their home or with family (settled accommodation).

Three published variants, one output each: people with a learning disability PSR aged 18-64
(`ld18-64`), and people of any PSR aged 18-64 (`all18-64`) and 65 and over (`all65+`).
Cohort: a service in `ascof2e_settings` overlapping the period (NHSD: no Prison; DHSC: with).
Numerator: last known accommodation settled (DHSC counts "Unknown: Presumed at home", inferred
from a community home-support service, as settled); denominator: everyone, unknown and invalid
accommodation included. Groups Male, Female and Total (NHSD: Total of Male and Female only).
Unknown age is an exclusion part; a memo part counts people whose accommodation is not a known
recorded value (unknown, conflicting, invalid or inferred).
"""

from __future__ import annotations

from collections.abc import Callable

import ibis.expr.types as ir

from cld.derive.outputs.learning_disability import (
    DENOMINATOR,
    EXCLUDED_AGE,
    EXCLUDED_GENDER,
    GROUPS,
    NUMERATOR,
    SECTION,
    LearningDisability,
    ascof_rows,
    in_band,
    people,
    section_of,
)
from cld.derive.profile import AgeBand
from cld.derive.registry import Inputs, Measure, Output, output

MEMO = "of which: accommodation unknown, inferred or invalid"
PARTS = (NUMERATOR, DENOMINATOR, EXCLUDED_AGE, EXCLUDED_GENDER, MEMO)
NOTES = ("NHS England's 2E replication code applied no age or PSR filter; the variants here "
         "apply the published definitions under both profiles.",)


def _build(ld_only: bool, band: Callable[[LearningDisability], AgeBand]
           ) -> Callable[[Inputs], ir.Table]:
    def build(inputs: Inputs) -> ir.Table:
        ld = section_of(inputs)
        age_band = band(ld)
        p = people(inputs, ld.ascof2e_settings)
        if ld_only:
            p = p.filter(p.psr.isin(list(ld.ld_reasons)))
        p = p.filter(p.age.isnull() | in_band(p.age, age_band))
        p = p.mutate(age_known=p.age.notnull())
        scope = ("ld>" if ld_only else "all>") + age_band.label
        return ascof_rows(
            p, ld, scope=scope, numerator=p.accommodation.isin(list(ld.settled)),
            detail="accommodation:" + p.accommodation_rule + ">" + p.accommodation,
            memo=(MEMO, p.accommodation_rule != "known"))
    return build


for table, ld_only, band, who in (
        ("ld18-64", True, lambda ld: ld.working_age,
         "adults aged 18-64 with a learning disability"),
        ("all18-64", False, lambda ld: ld.working_age, "adults aged 18-64"),
        ("all65+", False, lambda ld: ld.older, "adults aged 65 and over")):
    output(Output(
        code="ASCOF2E", table=table, kind="ascof", old_code="1G", section=SECTION,
        title=f"Proportion of {who} receiving long term support who live in their home or "
              "with family",
        source="ASCOF 2E (NHS England replication 2023/24; DHSC ASCOF from CLD 2024/25)",
        dims={"group": GROUPS, "part": PARTS}, build=_build(ld_only, band), notes=NOTES,
        measure=Measure(numerator=NUMERATOR, denominator=DENOMINATOR, scale=100)))
