"""ASCOF 1E: the proportion of working-age adults with a learning disability in long term
support who are in paid employment (from the LTS004 cohort).

Numerator: LTS004's people (learning disability PSR, working age, LTS in the period) whose
last known employment status is paid (`paid`); denominator: all of them, unknown and invalid
statuses included. Groups Male, Female and Total; unknown age is an exclusion part.
"""

from __future__ import annotations

import ibis.expr.types as ir

from cld.derive.outputs.learning_disability import (
    DENOMINATOR,
    EXCLUDED_AGE,
    EXCLUDED_GENDER,
    GROUPS,
    NUMERATOR,
    SECTION,
    ascof_rows,
    ld_working_age,
    section_of,
)
from cld.derive.registry import Inputs, Measure, Output, output

PARTS = (NUMERATOR, DENOMINATOR, EXCLUDED_AGE, EXCLUDED_GENDER)


def build(inputs: Inputs) -> ir.Table:
    ld = section_of(inputs)
    p = ld_working_age(inputs)
    return ascof_rows(p, ld, scope="ld>working age",
                      numerator=p.employment.isin(list(ld.paid)),
                      detail="employment:" + p.employment_rule + ">" + p.employment)


output(Output(
    code="ASCOF1E", kind="ascof", old_code="1E", section=SECTION,
    title="Proportion of adults aged 18-64 with a learning disability in long term support "
          "who are in paid employment",
    source="ASCOF 1E from SALT LTS004 table 1 (paid employment over all)",
    dims={"group": GROUPS, "part": PARTS}, build=build,
    measure=Measure(numerator=NUMERATOR, denominator=DENOMINATOR, scale=100)))
