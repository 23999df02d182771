"""SALT STS002a: new clients' short-term support to maximise independence (ST-Max)
episodes ending in the period, by what followed them.

The cohort follows the profile: ST-Max that was the sequel of a new client's request
(NHSE), or every new client's ST-Max episode (DHSC). Unmappable sequels are "Unable to
classify"; episodes of people with no birth date (where required) are their own label.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from cld.derive.blocks.sequels import category
from cld.derive.blocks.short_term import EXCLUDED_DOB, SECTION, params, st_max_sequels
from cld.derive.blocks.short_term_params import UNCLASSIFIED
from cld.derive.registry import Inputs, Output, output

SEQUELS = (
    "Early cessation of service (not leading to long term support) – 100% NHS funded "
    "care/End of Life/deceased",
    "No services provided – needs identified but self-funding",
    "No services provided – needs identified but support declined",
    "No Services Provided – Universal Services / signposted to other services",
    "No services provided – other",
    "Long Term Support (any setting)",
    "Ongoing Low Level Support",
    "Short Term Support (other)",
    UNCLASSIFIED,
    EXCLUDED_DOB,
)


def labelled(inputs: Inputs) -> ir.Table:
    """The STS002a cohort with `category` (its STS002a label)."""
    p = params(inputs)
    t = st_max_sequels(inputs)
    label = category(t, p.sts002a)
    if p.require_known_dob:
        label = ibis.ifelse(t.dob.isnull(), ibis.literal(EXCLUDED_DOB), label)
    return t.mutate(category=label)


def build(inputs: Inputs) -> ir.Table:
    t = labelled(inputs)
    return t.select(la_code=t.la_code, unit=t.ep_key, sequel=t.category, rule=t.rule,
                    value=ibis.literal(1))


STS002A = output(Output(
    code="STS002a",
    title="New clients' short term support to maximise independence, by what followed",
    kind="salt",
    dims={"sequel": SEQUELS},
    build=build,
    unit="episodes",
    source="SALT STS002a; NHS England, Reproducing SALT metrics from CLD (2023/24)",
    cannot=("Early cessation of service (not leading to long term support) and (leading to "
            "long term support): CLD does not say whether a service ended early",),
    section=SECTION,
))
