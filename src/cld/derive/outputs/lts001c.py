"""SALT LTS001c: people receiving long-term support at the year-end snapshot S who have been
supported for more than 12 months (a chain of long-term services of any type, gaps of at
most a day, that started more than 12 months before S); tables 1a (18-64) and 1b (65+)."""

from __future__ import annotations

import ibis.expr.types as ir

from cld.derive.outputs.long_term import (
    AGE_NOTE,
    PSR_LABELS,
    SETTING_LABELS,
    long_chains,
    psr_by_setting,
)
from cld.derive.registry import Inputs, Output, output

NOTES = ("Collection was not mandatory before 1 April 2023: services starting on or before "
         "that date stand for 12 months or more while the history is short.",)


def _build(table: str) -> ir.Table:
    def build(inputs: Inputs) -> ir.Table:
        return psr_by_setting(inputs, long_chains(inputs), table, "LTS001c")
    return build  # type: ignore[return-value]


for _table, _ages in (("1a", "18-64"), ("1b", "65 and over")):
    output(Output(
        code="LTS001c", table=_table, kind="salt", section="long_term",
        title=f"Long term support at the year end for more than 12 months, ages {_ages}, by "
              "primary support reason, setting and delivery mechanism",
        dims={"psr": PSR_LABELS, "setting": SETTING_LABELS},
        build=_build(_table), source=f"SALT LTS001c Table {_table}",
        notes=(*NOTES, AGE_NOTE)))
