"""`cld derive`: SALT tables and ASCOF measures from the store's year or from one file."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from cld.cli._shell import app, date_arg, err, fail, out
from cld.cli.store import ByOpt, DbOpt, StoreOpt, _open

if TYPE_CHECKING:
    from cld.derive.run import Manifest, Run


@app.command()
def derive(
    file: Annotated[Path | None, typer.Argument(help="One submission file (CSV or XLSX) to "
                                                "derive from instead of the store.")] = None,
    year: Annotated[str | None, typer.Option("--year", help="Financial year, e.g. 2020/21 "
                                             "(1 April to 31 March).")] = None,
    as_of: Annotated[str | None, typer.Option(help="dd/mm/yyyy: the data as it stood at the "
                                              "end of that day (default: now, or the "
                                              "locked snapshot).")] = None,
    la: Annotated[list[str] | None, typer.Option("--la", help="LA code; repeat or separate "
                                                 "by commas for several (default: every LA "
                                                 "with data). With FILE: the file's LA.")] = None,
    period_start: Annotated[str | None, typer.Option(help="dd/mm/yyyy (with FILE).")] = None,
    period_end: Annotated[str | None, typer.Option(help="dd/mm/yyyy (with FILE).")] = None,
    profile: Annotated[str, typer.Option(help="Method profile: a shipped name or a YAML "
                                         "file.")] = "dhsc-2024",
    population: Annotated[Path | None, typer.Option(help="Population CSV or Parquet: "
                                                    "la_code, population[, age_band].")]
    = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="Comma-separated: parquet, csv, "
                                     "xlsx.")] = "parquet,csv,xlsx",
    output: Annotated[Path, typer.Option("-o", "--output", help="Folder for the derived "
                                         "tables.")] = Path("derived"),
    compare: Annotated[str | None, typer.Option("--compare", help="Also derive with this "
                                                "profile and write the differences.")] = None,
    compare_as_of: Annotated[str | None, typer.Option(help="dd/mm/yyyy: also derive the "
                                                      "data as of this day and write the "
                                                      "differences.")] = None,
    store: StoreOpt = None, database: DbOpt = None, by: ByOpt = None,
) -> None:
    """Derive the SALT tables and ASCOF measures (tidy files, totals, a workbook, a manifest)."""
    from cld.derive.load import load_profile
    from cld.derive.run import check_formats, read_population

    formats = check_formats(fmt.split(","))
    la = [c.strip() for item in la or [] for c in item.split(",") if c.strip()] or None
    when = date_arg(as_of, "--as-of")
    other_when = date_arg(compare_as_of, "--compare-as-of")
    start = date_arg(period_start, "--period-start")
    end = date_arg(period_end, "--period-end")
    prof = load_profile(profile)
    other = load_profile(compare) if compare else prof
    pop = read_population(population) if population is not None else None
    if file is None:
        if year is None:
            raise fail("give --year (to derive from the store) or a FILE")
        if start or end:
            raise fail("--period-start and --period-end go with a FILE; the store's year "
                       "runs 1 April to 31 March")
        st = _open(store, database)

        def run(p: Any, day: Any) -> Run:
            from cld.derive.run import derive_year

            return _with_progress(lambda cb: derive_year(st, year, p, as_of=day, las=la,
                                                         population=pop, progress=cb),
                                  p.label)

        first = run(prof, when)
        second = (run(other, other_when or when)
                  if compare or compare_as_of else None)
    else:
        if compare_as_of or when:
            raise fail("--as-of and --compare-as-of go with --year (a FILE has one version)")
        if not la or len(la) != 1:
            raise fail("give the file's LA with one --la")
        if start is None or end is None:
            if year is None:
                raise fail("give --period-start and --period-end (or --year) with a FILE")
            from cld.dates import parse_year

            try:
                y = parse_year(year)
            except ValueError as exc:
                raise fail(f"--year: {exc}") from None
            start, end = start or y.start, end or y.end

        def run_file(p: Any) -> Run:
            from cld.derive.run import derive_file

            assert start is not None and end is not None
            return _with_progress(lambda cb: derive_file(file, la[0], start, end, p,
                                                         population=pop, progress=cb),
                                  p.label)

        first = run_file(prof)
        second = run_file(other) if compare else None
    manifest = _write(first, second, output, formats)
    if file is None:
        from cld.derive.run import record

        record(st, first, manifest, by)


def _with_progress(job: Any, label: str) -> Run:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TextColumn("{task.fields[name]}"), console=err, transient=True) as bar:
        task = bar.add_task(f"Deriving ({label})", total=None, name="reading the data")

        def step(name: str, done: int, total: int) -> None:
            bar.update(task, completed=done, total=total, name=name)

        result: Run = job(step)
    return result


def _write(first: Run, second: Run | None, output: Path, formats: tuple[str, ...]
           ) -> Manifest:
    from cld.derive.registry import NOT_PRODUCED
    from cld.derive.run import compare, write_compare, write_outputs

    with err.status("Writing the derived tables…"):
        manifest = write_outputs(first, output, formats)
    outputs = manifest.data["outputs"]
    summary(manifest.data, first)
    rows = manifest.data["rows"]
    out.print(f"{len(outputs)} output(s) from {rows['in']:,} rows of {len(first.las)} LA(s); "
              f"{rows['dropped_no_person_key']:,} row(s) without a person key left out"
              + (f"; {len(NOT_PRODUCED)} output(s) cannot be produced (listed in the "
                 "workbook and manifest)" if NOT_PRODUCED else "") + ".", highlight=False)
    for note in first.notes:
        out.print(f"[yellow]note:[/] {note}", highlight=False)
    out.print(f"Derived tables written: [bold]{output}[/] (manifest.json; "
              "contributions/ holds person keys: keep it internal)", highlight=False)
    if second is not None:
        diffs = compare(first, second)
        files = write_compare(diffs, output, formats)
        changed = sum(int((d["difference"].fill_null(1) != 0).sum()) for d in diffs.values())
        out.print(f"Compared with {second.profile.label} ({second.source}): {changed:,} "
                  f"cell(s) differ; written beside them as <output>_compare.* "
                  f"({len(files)} file(s))", highlight=False)
    return manifest


def summary(data: dict[str, Any], run: Run, per_kind: int | None = None) -> None:
    """The outputs of a manifest as a table: cells, England total or outcome (the first
    `per_kind` SALT tables, ASCOF measures and cost tables when given)."""
    from rich.table import Column, Table

    from cld.dates import ddmmyyyy
    from cld.derive.registry import OUTPUTS

    outputs = data["outputs"]
    if not outputs:
        out.print("[yellow]note:[/] no output is registered yet: nothing was derived.")
        return
    table = Table(Column("output", no_wrap=True, min_width=10),
                  Column("title", no_wrap=True, overflow="ellipsis", max_width=34),
                  Column("LA cells", min_width=5), Column("England", min_width=12),
                  Column("contributions", min_width=6), Column("excluded", min_width=5),
                  title=f"Derived with {run.profile.label}, {ddmmyyyy(run.period_start)} "
                        f"to {ddmmyyyy(run.period_end)} ({run.source})")
    names = list(outputs)
    if per_kind is not None:
        kinds = ("salt", "ascof", "costs")
        names = [n for k in kinds for n in [n for n in names if outputs[n]["kind"] == k][:per_kind]]
        if len(names) < len(outputs):
            table.caption = f"{len(names)} of {len(outputs)} outputs: see the folder for all"
    for name in names:
        o = outputs[name]
        total = o["total"]
        if total is None:
            eng = o.get("england") or [{}]
            first = eng[0]
            val = first.get("outcome")
            group = ", ".join(str(v) for k, v in first.items() if k not in {
                "numerator", "denominator", "outcome", "status"})
            figure = (f"{group}: " if len(eng) > 1 else "") + (
                f"{val:,}" if val is not None else str(first.get("status", ""))) + (
                f" (1 of {len(eng)} groups)" if len(eng) > 1 else "")
        else:
            figure = f"{total:,.2f}" if isinstance(total, float) else f"{total:,}"
        table.add_row(name, OUTPUTS[name].title, f"{o['cells']:,}", figure,
                      f"{o['contributions']:,}", f"{o['excluded']:,}")
    out.print(table)
