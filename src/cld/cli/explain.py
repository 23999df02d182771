"""`cld explain`: why a derived figure is what it is (a thin shell over cld.derive.explain)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from cld.cli._shell import app, err, fail, out
from cld.terminal import plain

TERMINAL_ROWS = 200  # rows printed on the terminal (the CSV and HTML hold all)


class ExplainFmt(StrEnum):
    table = "table"
    csv = "csv"
    html = "html"


@app.command()
def explain(
    folder: Annotated[Path, typer.Option("--from", help="A folder written by `cld derive -o`.")],
    output: Annotated[str, typer.Option("--output", help="The output, e.g. STS001 or "
                                        "LTS001_1a (its file name in the folder).")],
    la: Annotated[str, typer.Option("--la", help="The LA code of the figure.")],
    cell: Annotated[str | None, typer.Option("--cell", help="The cell id printed beside "
                                             "the figure.")] = None,
    where: Annotated[list[str] | None, typer.Option(
        "--where", help="dimension=label naming the cell (repeat for each dimension).")
    ] = None,
    fmt: Annotated[ExplainFmt | None, typer.Option(
        "--format", "-f", help="table (terminal), csv or html; default from -o's suffix, "
        "else table.")] = None,
    output_file: Annotated[Path | None, typer.Option("-o", "--out",
                                                     help="Write to this file.")] = None,
    as_la: Annotated[bool, typer.Option(
        "--as-la", help="The LA's own view: show person keys as they are (only for the "
        "LA's own staff). Otherwise they are keyed pseudonyms (key: CLD_EXPLAIN_KEY, else "
        "a random key kept in the folder's .explain-key).")] = False,
) -> None:
    """List the units counted in one figure of a derived output, by rule path.

    The rows add up to the figure (checked). Name the cell by --cell (its id) or by --where
    labels. Units excluded from an output are counted in their own cells ("excluded: ...",
    "Unable to classify") and are explained the same way.
    """
    from cld.derive.explain import explain_folder, parse_where

    if (cell is None) == (not where):
        raise fail("name the cell: --cell ID, or --where dimension=label (repeatable)")
    if fmt is None:
        suffix = output_file.suffix.lower().lstrip(".") if output_file else ""
        fmt = ExplainFmt(suffix) if suffix in ("csv", "html") else (
            ExplainFmt.csv if output_file else ExplainFmt.table)
    if fmt == ExplainFmt.table and output_file is not None:
        raise fail("-o writes csv or html (--format csv|html); the table is for the terminal")
    ex = explain_folder(folder, output, la, cell_id=cell,
                        where=parse_where(where or []), as_la=as_la)
    if as_la:
        err.print("[yellow]note:[/] person keys are shown as they are (the LA's own view): "
                  "keep this inside the LA", highlight=False)
    if fmt == ExplainFmt.table:
        _print(ex)
        return
    text = ex.to_csv() if fmt == ExplainFmt.csv else ex.to_html()
    if output_file is None:
        typer.echo(text, nl=False)
        return
    try:
        output_file.write_text(text, encoding="utf-8", newline="")
    except OSError as exc:
        raise fail(f"cannot write {output_file}: {exc.strerror}") from None
    err.print(f"Written: [bold]{plain(output_file)}[/] ({len(ex.rows):,} rows, total "
              f"{ex.total})", highlight=False)


def _print(ex: object) -> None:
    from cld.derive.explain import Explanation

    assert isinstance(ex, Explanation)
    o = ex.output
    out.print(f"[bold]{plain(o.name)}[/]: {plain(o.title)}", highlight=False)
    labels = ", ".join(f"{d}={v}" for d, v in ex.labels.items())
    out.print(f"LA {plain(ex.la_code)}, {plain(labels)}", highlight=False)
    out.print(f"cell {plain(ex.cell_id)}, profile {plain(ex.profile or 'not recorded')}, "
              f"figure [bold]{ex.total}[/] {plain(o.unit)} from {len(ex.rows):,} rows"
              + (" (units pseudonymised)" if ex.pseudonymised else ""), highlight=False)
    rules = Table("rule path", "rows", "value", title="Rows per rule path")
    for rp in ex.by_rule():
        rules.add_row(plain(rp.rule), f"{rp.rows:,}", plain(rp.value))
    out.print(rules)
    table = Table(title="Rows (the labels above are the same on every row)")
    table.add_column("unit", no_wrap=True)
    table.add_column("rule path", overflow="fold")
    table.add_column("value", justify="right")
    for r in ex.rows[:TERMINAL_ROWS]:
        table.add_row(*(plain("" if r[c] is None else r[c]) for c in ("unit", "rule", "value")))
    if ex.rows:
        out.print(table)
    if len(ex.rows) > TERMINAL_ROWS:
        out.print(f"(the first {TERMINAL_ROWS} of {len(ex.rows):,} rows; --format csv lists "
                  "all)")
