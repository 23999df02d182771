"""Cells from contributions: sums per LA and dimension labels, every combination present."""

from __future__ import annotations

from collections.abc import Sequence

import ibis
import ibis.expr.types as ir

from cld.derive.registry import Output

CONTRIBUTION_COLUMNS = ("la_code", "unit", "rule", "value")


def check_contributions(o: Output, t: ir.Table) -> None:
    """The columns a build must return (a programming error otherwise)."""
    want = [*CONTRIBUTION_COLUMNS[:2], *o.dims, *CONTRIBUTION_COLUMNS[2:]]
    missing = [c for c in want if c not in t.columns]
    if missing:
        raise ValueError(f"{o.name}: contributions lack column(s) {', '.join(missing)}")


def cells(o: Output, contributions: ir.Table, las: Sequence[str]) -> ir.Table:
    """One row per LA x combination of dimension labels: `value` (sum of contributions,
    0 where none) and `units` (contributing rows). Labels of a dimension with no fixed list
    are those seen in any LA."""
    check_contributions(o, contributions)
    dims = list(o.dims)
    agg = contributions.group_by(["la_code", *dims]).aggregate(
        value=contributions.value.sum(), units=contributions.count())
    grid = ibis.memtable({"la_code": list(las)}, schema={"la_code": "string"})
    for dim, labels in o.dims.items():
        if labels is None:
            domain = contributions.select(dim).distinct()
        else:
            domain = ibis.memtable({dim: list(labels)}, schema={dim: "string"})
        grid = grid.cross_join(domain)
    j = grid.left_join(agg, [grid[c] == agg[c] for c in ("la_code", *dims)])
    return j.select(
        *(grid[c] for c in ("la_code", *dims)),
        value=j.value.fill_null(0),
        units=j.units.fill_null(0),
    )


def cell_id(output_name: str, la_code: str, labels: Sequence[str]) -> str:
    """A short stable id for a cell, printed in the outputs and accepted by explain:
    output name, area code, and a digest of the dimension labels in order."""
    import hashlib

    digest = hashlib.sha256("\x1f".join(labels).encode("utf-8")).hexdigest()[:8]
    return f"{output_name}-{la_code}-{digest}"
