"""SALT LTS001b: people receiving long-term support at the year-end snapshot S (the period
end): tables 1a (18-64) and 1b (65+) by PSR, setting and delivery mechanism; table 2 (all
ages) by whether they have an unpaid carer; tables 3a (males) and 3b (females), all ages, by
ethnicity. Each attribute is resolved per person by the profile's rule (rule F / §2.3)."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from cld.derive.outputs.long_term import (
    AGE_NOTE,
    CARER_LABELS,
    ETHNICITY_LABELS,
    PSR_LABELS,
    SETTING_LABELS,
    counted,
    people,
    psr_by_setting,
    services,
)
from cld.derive.registry import Inputs, Output, output


def _table1(table: str) -> ir.Table:
    def build(inputs: Inputs) -> ir.Table:
        return psr_by_setting(inputs, services(inputs, "snapshot"), table, "LTS001b")
    return build  # type: ignore[return-value]


def carer(inputs: Inputs) -> ir.Table:
    p = people(inputs, services(inputs, "snapshot"), ("has_informal_carer",))
    return counted(p, ibis.literal("LTS001b>has unpaid carer>") + p.has_informal_carer,
                   carer=p.has_informal_carer)


def _ethnicity(gender: str) -> ir.Table:
    def build(inputs: Inputs) -> ir.Table:
        p = inputs.shared(("LTS001b.people", "gender", "ethnicity"),  # 3a and 3b
                          lambda: people(inputs, services(inputs, "snapshot"),
                                         ("gender", "ethnicity")))
        p = p.filter(p.gender == gender)
        return counted(p, ibis.literal(f"LTS001b>{gender}>ethnicity>") + p.ethnicity,
                       ethnicity=p.ethnicity)
    return build  # type: ignore[return-value]


for _table, _ages in (("1a", "18-64"), ("1b", "65 and over")):
    output(Output(
        code="LTS001b", table=_table, kind="salt", section="long_term",
        title=f"Long term support at the year end, ages {_ages}, by primary support reason, "
              "setting and delivery mechanism",
        dims={"psr": PSR_LABELS, "setting": SETTING_LABELS},
        build=_table1(_table), source=f"SALT LTS001b Table {_table}",
        notes=(AGE_NOTE,)))

output(Output(
    code="LTS001b", table="2", kind="salt", section="long_term",
    title="Long term support at the year end, all ages, by whether the person has an unpaid "
          "carer", dims={"carer": CARER_LABELS}, build=carer, source="SALT LTS001b Table 2"))

for _table, _gender in (("3a", "Male"), ("3b", "Female")):
    output(Output(
        code="LTS001b", table=_table, kind="salt", section="long_term",
        title=f"Long term support at the year end, {_gender.lower()}s, all ages, by ethnicity",
        dims={"ethnicity": ETHNICITY_LABELS}, build=_ethnicity(_gender),
        source=f"SALT LTS001b Table {_table}",
        notes=("People whose resolved gender is neither Male nor Female are in neither "
               "table 3a nor 3b.",)))
