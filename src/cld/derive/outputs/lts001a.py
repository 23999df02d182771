"""SALT LTS001a: people receiving long-term support during the year, by PSR, setting and
delivery mechanism; table 1a ages 18-64, 1b 65 and over (age at the period end)."""

from __future__ import annotations

import ibis.expr.types as ir

from cld.derive.outputs.long_term import (
    AGE_NOTE,
    PSR_LABELS,
    SETTING_LABELS,
    psr_by_setting,
    services,
)
from cld.derive.registry import Inputs, Output, output

CANNOT = ("Community: Part Direct Payment: CLD has one delivery mechanism per service row, so "
          "a person is counted once, at the best-ranked mechanism (rule E)",)


def _build(table: str) -> ir.Table:
    def build(inputs: Inputs) -> ir.Table:
        return psr_by_setting(inputs, services(inputs, "year"), table, "LTS001a")
    return build  # type: ignore[return-value]


for _table, _ages in (("1a", "18-64"), ("1b", "65 and over")):
    output(Output(
        code="LTS001a", table=_table, kind="salt", section="long_term",
        title=f"Long term support during the year, ages {_ages}, by primary support reason, "
              "setting and delivery mechanism",
        dims={"psr": PSR_LABELS, "setting": SETTING_LABELS},
        build=_build(_table), source=f"SALT LTS001a Table {_table}", cannot=CANNOT,
        notes=(AGE_NOTE,)))
