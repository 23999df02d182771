"""Secondary suppression for tables with margins, and an audit of what stays recoverable.

A table is given in long format: one row per cell, the dimension columns, a `value` column of
counts and a boolean `hidden` column (the primary suppression), optionally `exempt` (cells never
hidden: national totals). The margins are cells whose label in a dimension is that dimension's
total label (`totals={"gender": "Total", "setting": "Total"}`): for each dimension with a total
and each combination of the other dimensions, the cells along that dimension form a *line*
whose total equals the sum of its other cells (rows, columns, and the table total's lines).

    table = Table.crossed(cells, ["gender", "setting"], {"gender": "Total", "setting": "Total"})
    safe = secondary(table)             # safe.cells["hidden"], safe.cells["secondary"]
    recoverable(safe)                   # empty

Other structures (LA -> region -> England) give their lines directly as a frame of
(`line`, `cell`) with `cell` the row number in the table (`Table.grouped`).

A hidden cell is recoverable when it is the only hidden cell of a line (total minus the
others). `secondary` hides more cells until no line has exactly one hidden cell: in such a
line it hides the smallest other non-zero, non-exempt cell (ties: the first in table order),
all lines of a round at once, until nothing changes. `recoverable` lists the hidden cells that
are the only unknown of some line. It looks one line at a time (no solver): combinations of
lines, and bounds from counts being non-negative, are not examined.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import polars as pl

from cld.privacy.disclosure import DisclosureError

CELL = "_cell"


def _numbered(table: pl.DataFrame) -> pl.DataFrame:
    for col in ("value", "hidden"):
        if col not in table.columns:
            raise DisclosureError(f"the table has no {col!r} column")
    t = table.with_row_index(CELL)
    if "exempt" not in t.columns:
        t = t.with_columns(pl.lit(False).alias("exempt"))
    return t


def margin_lines(table: pl.DataFrame, dims: Sequence[str],
                 totals: Mapping[str, str]) -> pl.DataFrame:
    """The lines (`line`, `cell`) of a long table whose dimensions in `totals` have a total
    label: one line per such dimension and combination of the other dimensions."""
    missing = [d for d in dims if d not in table.columns]
    unknown = [d for d in totals if d not in dims]
    if missing or unknown:
        raise DisclosureError(f"the table has no dimension(s) {', '.join(missing + unknown)}")
    t = table.select(dims).with_row_index(CELL)
    parts = []
    for n, d in enumerate(totals):
        others = [x for x in dims if x != d]
        key = (pl.concat_str([pl.lit(f"{n}")] + [pl.col(x).cast(pl.String).fill_null("")
                                                  for x in others], separator="\x1f"))
        parts.append(t.select(pl.col(CELL).alias("cell"), key.alias("line")))
        has_total = t.group_by(others or pl.lit(1)).agg(
            (pl.col(d) == totals[d]).sum().alias("n"))
        if has_total.filter(pl.col("n") != 1).height:
            raise DisclosureError(f"each line along {d!r} needs exactly one {totals[d]!r} cell")
    return pl.concat(parts).select("line", "cell")


def lines_of_groups(groups: pl.DataFrame) -> pl.DataFrame:
    """Lines from a frame of (`line`, `cell`): checked and typed."""
    if set(groups.columns) != {"line", "cell"}:
        raise DisclosureError("lines are given as a frame of (line, cell)")
    return groups.select(pl.col("line").cast(pl.String), pl.col("cell").cast(pl.UInt32))


def _one_hidden(t: pl.DataFrame, lines: pl.DataFrame) -> pl.DataFrame:
    """The lines with exactly one hidden cell, with that cell."""
    j = lines.join(t.select(CELL, "hidden"), left_on="cell", right_on=CELL)
    per = j.group_by("line").agg(pl.col("hidden").sum().alias("n"),
                                 pl.col("cell").filter(pl.col("hidden")).first().alias("only"))
    return per.filter(pl.col("n") == 1).select("line", "only")


@dataclass(frozen=True)
class Table:
    """Cells (long format: dims, `value`, `hidden`[, `exempt`]) and their margin lines."""

    cells: pl.DataFrame
    lines: pl.DataFrame

    @classmethod
    def crossed(cls, cells: pl.DataFrame, dims: Sequence[str],
                totals: Mapping[str, str]) -> Table:
        """A table whose dimensions in `totals` have a total label."""
        return cls(cells, margin_lines(cells, dims, totals))

    @classmethod
    def grouped(cls, cells: pl.DataFrame, lines: pl.DataFrame) -> Table:
        """A table with lines given as (`line`, `cell` = row number of `cells`)."""
        return cls(cells, lines_of_groups(lines))


def secondary(table: Table, *, max_rounds: int = 10_000) -> Table:
    """The table with `hidden` widened to a fixed point (and `secondary`: true for the cells
    hidden here)."""
    t = _numbered(table.cells)
    first = t["hidden"]
    lines = lines_of_groups(table.lines)
    for _ in range(max_rounds):
        open_lines = _one_hidden(t, lines)
        if open_lines.is_empty():
            break
        cand = (lines.join(open_lines.select("line"), on="line")
                .join(t.select(CELL, "value", "hidden", "exempt"), left_on="cell",
                      right_on=CELL)
                .filter(~pl.col("hidden") & ~pl.col("exempt") & (pl.col("value") > 0)))
        picks = (cand.sort("value", "cell").group_by("line", maintain_order=True)
                 .agg(pl.col("cell").first())["cell"].unique())
        if picks.is_empty():
            break  # the lines left have no cell that may be hidden: recoverable() says which
        t = t.with_columns((pl.col("hidden") | pl.col(CELL).is_in(picks.implode()))
                           .alias("hidden"))
    cells = t.with_columns((pl.col("hidden") & ~first).alias("secondary")).drop(CELL)
    return Table(cells, lines)


def recoverable(table: Table) -> pl.DataFrame:
    """The hidden cells that are the only hidden cell of some line (the table's rows, with the
    `line` that gives each away). Empty when every line has 0 or 2+ hidden cells."""
    t = _numbered(table.cells)
    found = _one_hidden(t, lines_of_groups(table.lines))
    if found.is_empty():
        return t.head(0).with_columns(pl.lit("").alias("line")).drop(CELL)
    return (t.join(found.group_by("only").agg(pl.col("line").min()), left_on=CELL,
                   right_on="only").sort(CELL).drop(CELL))
