"""Helpers for the short-term tests: hand-built chronologies run through one output or block
under a shipped profile (prepared events are materialised first, so queries stay small)."""

from __future__ import annotations

from datetime import date
from typing import Any

import ibis.expr.types as ir

from cld.derive import testing
from cld.derive.registry import OUTPUTS, Inputs
from cld.derive.testing import rows

NHSE, DHSC = "nhse-2023", "dhsc-2024"
PROFILES = (NHSE, DHSC)
P0, P1 = date(2023, 4, 1), date(2024, 3, 31)
AFTER = date(2024, 6, 30)  # a run date after the period (open events end "today")

STMAX = "Short Term Support: ST-Max"
LOW = "Short Term Support: Ongoing Low Level"
OTHER = "Short Term Support: Other Short Term"
NURSING = "Long Term Support: Nursing Care"
RESIDENTIAL = "Long Term Support: Residential Care"
COMMUNITY = "Long Term Support: Community"


def req(start: str, end: str | None, outcome: str | None = None,
        route: str | None = "Community / Other route", **kw: Any) -> dict[str, Any]:
    return {"event_type": "Request", "event_start": start, "event_end": end,
            "event_outcome": outcome, "route_of_access": route, **kw}


def svc(service_type: str, start: str, end: str | None, outcome: str | None = None,
        component: str | None = None, **kw: Any) -> dict[str, Any]:
    return {"event_type": "Service", "service_type": service_type, "event_start": start,
            "event_end": end, "event_outcome": outcome, "service_component": component, **kw}


def other(event_type: str, start: str, end: str | None, outcome: str | None = None,
          **kw: Any) -> dict[str, Any]:
    return {"event_type": event_type, "event_start": start, "event_end": end,
            "event_outcome": outcome, **kw}


def inputs(chronology: list[dict[str, Any]], profile: str, *, today: date = AFTER) -> Inputs:
    return testing.inputs(chronology, profile, P0, P1, today=today, materialise=True)


def contributions(code: str, chronology: list[dict[str, Any]], profile: str, *,
                  today: date = AFTER) -> ir.Table:
    return OUTPUTS[code].build(inputs(chronology, profile, today=today))


def run(code: str, chronology: list[dict[str, Any]], profile: str, *cols: str,
        today: date = AFTER) -> list[tuple[Any, ...]]:
    """Sorted contribution rows (the output's dims and rule unless `cols` are given)."""
    o = OUTPUTS[code]
    return rows(contributions(code, chronology, profile, today=today),
                *(cols or (*o.dims, "rule")))
