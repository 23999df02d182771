"""Hand-built chronologies for tests: `events([...])` fills every column a dataset has.

Dates are written "dd/mm/yyyy" (as LAs write them) or as dates; unset columns are null;
`la_code` defaults to "503", `person_id` to "P1", `date_of_birth` to 01/06/1950.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

import ibis
import ibis.expr.types as ir

from cld.dates import parse_ddmmyyyy
from cld.derive.profile import MethodProfile
from cld.derive.registry import Inputs
from cld.spec import load_spec

SQL_TYPES = {"date": "date", "numeric": "float64"}
DEFAULTS: dict[str, Any] = {"la_code": "503", "person_id": "P1",
                            "date_of_birth": date(1950, 6, 1)}


def schema() -> dict[str, str]:
    """Columns of the store's consolidated dataset (as `cld dataset` writes them)."""
    cols = {"la_code": "string", "submission_id": "int64", "submission_version": "int64",
            "event_key": "string", "_row": "int64"}
    for item in load_spec().items:
        if item.id != "la_code":
            cols[item.id] = SQL_TYPES.get(item.type, "string")
    return cols


def events(rows: Iterable[Mapping[str, Any]]) -> ir.Table:
    """An ibis table of events with the dataset's columns (unknown keys are an error)."""
    cols = schema()
    data: dict[str, list[Any]] = {c: [] for c in cols}
    for n, row in enumerate(rows, start=1):
        unknown = set(row) - set(cols)
        if unknown:
            raise KeyError(f"unknown column(s) {sorted(unknown)}")
        merged = {**DEFAULTS, "_row": n, "submission_version": 1, **row}
        for c, kind in cols.items():
            v = merged.get(c)
            if kind == "date" and isinstance(v, str):
                v = parse_ddmmyyyy(v)
            data[c].append(v)
    return ibis.memtable(data, schema=cols)


def inputs(data: ir.Table | Iterable[Mapping[str, Any]], profile: str | MethodProfile,
           start: date, end: date, *, today: date | None = None,
           population: ir.Table | None = None, materialise: bool = False) -> Inputs:
    """What a build receives: `data` (rows for `events`, or an events table) prepared as
    `compute.prepare` does, under `profile` (a shipped name or a profile); `today` defaults
    to the period end. `materialise` keeps the prepared events as an in-memory table, so the
    queries built on them stay small."""
    from cld.derive.compute import prepare
    from cld.derive.load import load_profile

    p = load_profile(profile) if isinstance(profile, str) else profile
    t = data if isinstance(data, ir.Table) else events(data)
    prepared = prepare(t, p)[0]
    if materialise:
        prepared = ibis.memtable(prepared.to_pyarrow())
    return Inputs(prepared, p, start, end, today or end, population)


def rows(t: ir.Table, *cols: str) -> list[tuple[Any, ...]]:
    """The rows of `t` (only `cols` when given), sorted, as tuples."""
    if cols:
        t = t.select(*cols)
    return sorted(tuple(r.values()) for r in t.to_pyarrow().to_pylist())
