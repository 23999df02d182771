"""SALT STS001: requests for support from new clients, by sequel and route of access.

One contribution per new client's request episode ending in the period (clustered per the
profile), in the label its sequel maps to; unmappable sequels are "Unable to classify",
episodes of people with no birth date (where the profile requires one) are their own label.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from cld.derive.blocks.sequels import category
from cld.derive.blocks.short_term import EXCLUDED_DOB, SECTION, params, request_sequels
from cld.derive.blocks.short_term_params import UNCLASSIFIED
from cld.derive.registry import Inputs, Output, output
from cld.spec import load_spec

SEQUELS = (
    "Short Term Support to Maximise Independence",
    "Long Term Support Nursing",
    "Long Term Support Residential",
    "Long Term Support Community",
    "Ongoing Low Level Support",
    "Short Term Support (other)",
    "End of Life",
    "100% NHS Funded Care",
    "Universal Services/ Signposted to other services",
    "No Services Provided - Deceased",
    "No Services Provided - other reason",
    UNCLASSIFIED,
    EXCLUDED_DOB,
)
UNKNOWN_ROUTE = "Unknown"
ROUTES = (*load_spec().lists["route_of_access"].canonical, UNKNOWN_ROUTE)


def build(inputs: Inputs) -> ir.Table:
    p = params(inputs)
    t = request_sequels(inputs)
    label = category(t, p.sts001)
    if p.require_known_dob:
        label = ibis.ifelse(t.dob.isnull(), ibis.literal(EXCLUDED_DOB), label)
    route = ibis.ifelse(t.route_of_access.isin(list(ROUTES[:-1])), t.route_of_access,
                        ibis.literal(UNKNOWN_ROUTE)).fill_null(UNKNOWN_ROUTE)
    return t.select(la_code=t.la_code, unit=t.ep_key, sequel=label, route_of_access=route,
                    rule=t.rule, value=ibis.literal(1))


STS001 = output(Output(
    code="STS001",
    title="Requests for support from new clients, by sequel to request and route of access",
    kind="salt",
    dims={"sequel": SEQUELS, "route_of_access": ROUTES},
    build=build,
    unit="requests",
    source="SALT STS001; NHS England, Reproducing SALT metrics from CLD (2023/24)",
    cannot=("Long Term Support Prison: v4.2 has no prison service type",),
    section=SECTION,
))
