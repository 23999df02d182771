"""Secondary suppression over margins, and the audit that finds a recoverable hidden cell."""

from __future__ import annotations

import itertools

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cld.privacy.disclosure import DisclosureError, load_rule, protect
from cld.privacy.disclosure_margins import Table, recoverable, secondary

T = "Total"


def with_totals(grid: list[list[int]]) -> pl.DataFrame:
    """A long table of a grid of counts with row, column and table totals."""
    rows, cols = len(grid), len(grid[0])
    full = [r + [sum(r)] for r in grid]
    full.append([sum(full[i][j] for i in range(rows)) for j in range(cols + 1)])
    rl = [f"r{i}" for i in range(rows)] + [T]
    cl = [f"c{j}" for j in range(cols)] + [T]
    recs = [(rl[i], cl[j], full[i][j]) for i, j in itertools.product(range(rows + 1),
                                                                     range(cols + 1))]
    return pl.DataFrame(recs, schema=["row", "col", "value"], orient="row")


def primary(frame: pl.DataFrame, rule: str = "suppress-lt5") -> Table:
    f = protect(frame, load_rule(rule)).with_columns(hidden=pl.col("value_hidden"))
    return Table.crossed(f, ["row", "col"], {"row": T, "col": T})


def test_a_primary_only_table_has_a_hole_the_audit_finds() -> None:
    #        c0  c1 | T
    #   r0    3  10 | 13      3 = 13 - 10: recoverable from row r0 and column c0
    #   r1   20  30 | 50
    #   T    23  40 | 63
    t = primary(with_totals([[3, 10], [20, 30]]))
    found = recoverable(t)
    assert found.select("row", "col", "value").rows() == [("r0", "c0", 3)]
    safe = secondary(t)
    assert recoverable(safe).is_empty()
    hidden = safe.cells.filter(pl.col("hidden")).select("row", "col").rows()
    # the smallest other non-zero cells of row r0 (10) and column c0 (20), then 30 for both
    assert sorted(hidden) == [("r0", "c0"), ("r0", "c1"), ("r1", "c0"), ("r1", "c1")]
    assert safe.cells.filter(pl.col("secondary")).height == 3


def test_zeros_and_exempt_cells_are_not_used() -> None:
    # row r0: 2, 0, 9 | 11: the zero is skipped, 9 is hidden with 2
    t = primary(with_totals([[2, 0, 9], [6, 7, 8]]))
    cells = t.cells.with_columns(exempt=(pl.col("row") == T) & (pl.col("col") == T))
    safe = secondary(Table(cells, t.lines))
    got = {(r, c): h for r, c, h in safe.cells.select("row", "col", "hidden").rows()}
    assert got[("r0", "c1")] is False and got[("r0", "c2")] is True
    assert got[(T, T)] is False
    assert recoverable(safe).is_empty()


def test_a_line_with_nothing_left_to_hide_stays_recoverable() -> None:
    # one row, total exempt: 3 and 0 | 3 -- only the exempt total could hide it
    f = pl.DataFrame({"row": ["r0"] * 3, "col": ["c0", "c1", T], "value": [3, 0, 3]})
    f = protect(f, load_rule("suppress-lt5")).with_columns(
        hidden=pl.col("value_hidden") & (pl.col("col") != T), exempt=pl.col("col") == T)
    t = secondary(Table.crossed(f, ["row", "col"], {"col": T}))
    assert recoverable(t).select("col").to_series().to_list() == ["c0"]


def test_a_table_without_one_total_per_line_is_refused() -> None:
    f = pl.DataFrame({"row": ["r0", "r0"], "col": ["c0", "c1"], "value": [1, 2],
                      "hidden": [True, False]})
    with pytest.raises(DisclosureError, match="exactly one 'Total'"):
        Table.crossed(f, ["row", "col"], {"col": T})


grids = st.integers(1, 6).flatmap(lambda r: st.integers(1, 6).flatmap(
    lambda c: st.lists(st.lists(st.integers(0, 20), min_size=c, max_size=c),
                       min_size=r, max_size=r)))


@settings(max_examples=150, deadline=None)
@given(grids, st.sampled_from(["suppress-lt5", "suppress-lt6", "nhs"]))
def test_no_hidden_cell_is_recoverable_after_secondary(grid: list[list[int]],
                                                       rule: str) -> None:
    t = primary(with_totals(grid), rule)
    safe = secondary(t)
    assert recoverable(safe).is_empty()
    c = safe.cells
    # primary cells stay hidden; zeros are never hidden; values are untouched
    assert (c["hidden"] | ~c["value_hidden"]).all()
    assert not (c["hidden"] & (c["value"] == 0)).any()
    assert c["value"].to_list() == t.cells["value"].to_list()
    # and the audit is not blind: a line with one hidden cell is always reported
    lines = safe.lines.join(c.with_row_index("cell").select("cell", "hidden"), on="cell")
    one = lines.group_by("line").agg(pl.col("hidden").sum()).filter(pl.col("hidden") == 1)
    assert one.is_empty()


@settings(max_examples=100, deadline=None)
@given(grids)
def test_the_audit_reports_every_line_with_one_hidden_cell(grid: list[list[int]]) -> None:
    t = primary(with_totals(grid))
    c = t.cells.with_row_index("cell")
    lines = t.lines.join(c.select("cell", "hidden"), on="cell")
    single = set(lines.filter(pl.col("hidden")).group_by("line").agg(pl.col("cell"))
                 .filter(pl.col("cell").list.len() == 1)["cell"].list.first().to_list())
    found = recoverable(t).join(c, on=["row", "col"])["cell"].to_list()
    assert set(found) == single
