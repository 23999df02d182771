"""`cld benchmark`: each LA's derived measures and SALT totals beside its region and England,
under a disclosure rule (CSV, XLSX and one HTML page)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cld.cli._shell import app, date_arg, err, out
from cld.cli.store import ByOpt, DbOpt, StoreOpt, _open


@app.command()
def benchmark(
    year: Annotated[str, typer.Option("--year", help="Financial year, e.g. 2020/21.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Folder for benchmark.csv, "
                                         ".xlsx and .html.")],
    profile: Annotated[str, typer.Option(help="Method profile: a shipped name or a YAML "
                                         "file.")] = "dhsc-2024",
    as_of: Annotated[str | None, typer.Option(help="dd/mm/yyyy: the data as it stood at the "
                                              "end of that day (default: now, or the "
                                              "locked snapshot).")] = None,
    rule: Annotated[str | None, typer.Option(help="Disclosure rule (default: nhs): nhs, "
                                             "suppress-lt5, suppress-lt6, asc-safeguarding, "
                                             "round5.")] = None,
    population: Annotated[Path | None, typer.Option(help="Population CSV or Parquet for "
                                                    "rate measures.")] = None,
    store: StoreOpt = None, database: DbOpt = None, by: ByOpt = None,
) -> None:
    """Benchmark the LAs: value, rank and quartile per measure, under disclosure control."""
    from cld.derive.load import load_profile
    from cld.derive.run import derive_year, read_population
    from cld.privacy.benchmark import benchmark as make
    from cld.privacy.benchmark import record_benchmark, write_benchmark
    from cld.privacy.disclosure import load_rule

    when = date_arg(as_of, "--as-of")
    chosen = load_rule(rule)
    prof = load_profile(profile)
    pop = read_population(population) if population is not None else None
    st = _open(store, database)
    with err.status(f"Deriving ({prof.label})…"):
        run = derive_year(st, year, prof, as_of=when, population=pop)
    with err.status("Writing the benchmark…"):
        report = make(run, chosen)
        files = write_benchmark(report, output)
        record_benchmark(st, run, report, files, by=by)
    series = report.rows["series"].n_unique() if report.rows.height else 0
    out.print(f"{series} series for {len(run.las)} LA(s) under the {chosen.name} rule "
              f"({run.source}).", highlight=False)
    if report.synthetic_population:
        out.print("[yellow]note:[/] the population is synthetic: rates are not real",
                  highlight=False)
    for note in report.notes:
        out.print(f"[yellow]note:[/] {note}", highlight=False)
    out.print(f"Benchmark written: [bold]{output}[/] ({', '.join(f.name for f in files)})",
              highlight=False)
