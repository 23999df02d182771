"""SALT LTS002b: reviews of people who had long-term support for more than 12 months at the
year end (the LTS001c cohort): table 1 unplanned reviews by significant event and setting,
table 2 planned reviews of community support by whether a care-home admission followed."""

from __future__ import annotations

import ibis.expr.types as ir

from cld.derive.outputs import reviews as rv
from cld.derive.outputs.long_term import long_chains
from cld.derive.registry import Inputs, Output, output


def cohort(inputs: Inputs) -> ir.Table:
    return long_chains(inputs)


_unplanned, _planned = rv.dims()
output(Output(code="LTS002b", table="1", kind="salt", section="long_term", unit="episodes",
              title="Unplanned reviews of long term support (over 12 months), by significant "
                    "event and setting",
              dims=_unplanned, build=rv.unplanned("LTS002b", cohort),
              source="SALT LTS002b (unplanned reviews)", cannot=rv.CANNOT))
output(Output(code="LTS002b", table="2", kind="salt", section="long_term", unit="episodes",
              title="Planned reviews of long term community support (over 12 months) that led "
                    "to further support, by whether a care-home admission followed",
              dims=_planned, build=rv.planned("LTS002b", cohort),
              source="SALT LTS002b (planned reviews)", cannot=rv.CANNOT))
