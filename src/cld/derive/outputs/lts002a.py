"""SALT LTS002a: reviews of people who received long-term support during the year (the
LTS001a cohort): table 1 unplanned reviews by significant event and setting, table 2 planned
reviews of community support by whether a care-home admission followed."""

from __future__ import annotations

import ibis.expr.types as ir

from cld.derive.outputs import reviews as rv
from cld.derive.outputs.long_term import services
from cld.derive.registry import Inputs, Output, output


def cohort(inputs: Inputs) -> ir.Table:
    return services(inputs, "year")


_unplanned, _planned = rv.dims()
output(Output(code="LTS002a", table="1", kind="salt", section="long_term", unit="episodes",
              title="Unplanned reviews of long term support during the year, by significant "
                    "event and setting",
              dims=_unplanned, build=rv.unplanned("LTS002a", cohort),
              source="SALT LTS002a (unplanned reviews)", cannot=rv.CANNOT))
output(Output(code="LTS002a", table="2", kind="salt", section="long_term", unit="episodes",
              title="Planned reviews of long term community support during the year that led "
                    "to further support, by whether a care-home admission followed",
              dims=_planned, build=rv.planned("LTS002a", cohort),
              source="SALT LTS002a (planned reviews)", cannot=rv.CANNOT))
