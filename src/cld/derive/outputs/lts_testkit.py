"""Test helpers for the long-term outputs: prepared events and a table's non-zero cells.

`prepared` does what compute.prepare does (person key, rows without one left out, death ends
an event, latest editions); it is written out here because compute.prepare's count of dropped
rows does not build on main at the time of writing (its aggregate names the unfiltered table).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import ibis.expr.types as ir

from cld.derive.blocks.events import derived_end, latest_editions
from cld.derive.blocks.person import with_person_key
from cld.derive.cells import cells
from cld.derive.profile import MethodProfile, load_profile
from cld.derive.registry import OUTPUTS, Inputs

START, END = date(2023, 4, 1), date(2024, 3, 31)
PROFILES = ("nhse-2023", "dhsc-2024")


def prepared(events: ir.Table, profile: MethodProfile) -> ir.Table:
    t = with_person_key(events, profile.common)
    t = t.filter(~t.key_dropped).drop("key_dropped")
    t = t.mutate(end_derived=derived_end(t))
    return latest_editions(t, profile.common)


def inputs(events: ir.Table, profile: str, *, today: date = END) -> Inputs:
    p = load_profile(profile)
    return Inputs(prepared(events, p), p, START, END, today)


def table(name: str, events: ir.Table, profile: str, *, las: tuple[str, ...] = ("503",),
          today: date = END) -> dict[tuple[Any, ...], int]:
    """{(la_code, *labels): value} for the non-zero cells of output `name`."""
    o = OUTPUTS[name]
    c = cells(o, o.build(inputs(events, profile, today=today)), list(las))
    out: dict[tuple[Any, ...], int] = {}
    for r in c.to_pyarrow().to_pylist():
        if r["value"]:
            out[(r["la_code"], *(r[d] for d in o.dims))] = r["value"]
    return out


def contributions(name: str, events: ir.Table, profile: str) -> list[dict[str, Any]]:
    o = OUTPUTS[name]
    got = o.build(inputs(events, profile)).to_pyarrow().to_pylist()
    return sorted(got, key=lambda r: tuple(str(v) for v in r.values()))
