"""Commands over one file and the specification: validate, rules, template, las."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from cld.cli._shell import Fmt, app, date_arg, err, fail, out, print_summary


@app.command()
def validate(
    file: Annotated[Path, typer.Argument(help="The submission: CSV (comma-separated) or XLSX.")],
    la: Annotated[str | None, typer.Option("--la", help="LA code the file is submitted for, "
                                           "e.g. 503.")] = None,
    period_start: Annotated[str | None, typer.Option(help="dd/mm/yyyy")] = None,
    period_end: Annotated[str | None, typer.Option(help="dd/mm/yyyy")] = None,
    fmt: Annotated[Fmt | None, typer.Option("--format", "-f", help="Report format.")] = None,
    output: Annotated[Path | None, typer.Option("-o", "--output",
                                                help="Report file (default: stdout for json, "
                                                "else FILE-dq.<format>).")] = None,
    report_dir: Annotated[Path | None, typer.Option(help="Write all four reports here.")] = None,
    spec_version: Annotated[str, typer.Option("--spec", help="Specification version.")] = "v4.2",
) -> None:
    """Validate a submission. Exit 0: no errors (warnings allowed); 1: errors; 2: unreadable."""
    import cld.validation.engine
    from cld.reports import write_report, write_reports
    from cld.spec import available_versions
    from cld.spec.register import all_las

    if spec_version not in available_versions():
        raise fail(f"--spec: unknown version {spec_version!r} "
                    f"(known: {', '.join(available_versions())})")
    if la is not None and la not in all_las():
        raise fail(f"--la: {la!r} is not an LA code in the register (see `cld las`)")
    if (period_start is None) != (period_end is None):
        raise fail("give both --period-start and --period-end, or neither")
    start = date_arg(period_start, "--period-start")
    end = date_arg(period_end, "--period-end")
    quiet_stdout = fmt == Fmt.json and output is None
    with err.status("Validating…") as status:
        result = cld.validation.engine.validate(
            file, la_code=la, period_start=start, period_end=end, spec_version=spec_version,
            progress=lambda m: status.update(f"{m}…"))
    written: list[Path] = []
    try:
        if fmt is not None:
            if quiet_stdout:
                from cld.reports.json_report import write_json

                write_json(result, sys.stdout)
            else:
                path = output or Path(f"{file.stem}-dq.{fmt.value}")
                write_report(result, fmt.value, path)
                written.append(path)
        if report_dir is not None:
            written += write_reports(result, report_dir, file.stem)
    except OSError as exc:
        raise fail(f"cannot write the report: {exc.strerror} ({exc.filename})") from None
    console = err if quiet_stdout else out
    print_summary(console, result)
    for path in written:
        console.print(f"Report written: [bold]{path}[/]", highlight=False)
    raise typer.Exit(result.exit_code)


@app.command()
def rules(
    write_docs: Annotated[Path | None, typer.Option(help="Write rules.md and rules.csv "
                                                    "into this folder.")] = None,
) -> None:
    """List the rule catalogue (code, severity, title, fix guidance, spec reference)."""
    from cld.catalogue import catalogue_csv, catalogue_markdown, catalogue_rows

    if write_docs is not None:
        write_docs.mkdir(parents=True, exist_ok=True)
        (write_docs / "rules.md").write_text(catalogue_markdown(), encoding="utf-8")
        (write_docs / "rules.csv").write_text(catalogue_csv(), encoding="utf-8")
        out.print(f"Wrote {write_docs / 'rules.md'} and {write_docs / 'rules.csv'}")
        return
    table = Table("code", "severity", "title", "columns", title="CLD validation rules")
    for r in catalogue_rows():
        table.add_row(r["code"], r["severity"], r["title"], r["columns"])
    out.print(table)


@app.command()
def template(
    fmt: Annotated[str, typer.Option("--format", "-f", help="csv or xlsx")] = "xlsx",
    output: Annotated[Path | None, typer.Option("-o", "--output")] = None,
    spec_version: Annotated[str, typer.Option("--spec")] = "v4.2",
) -> None:
    """Write a blank submission template (XLSX with drop-down lists and guidance)."""
    from cld.template import write_template

    if fmt not in {"csv", "xlsx"}:
        raise fail("--format must be csv or xlsx")
    path = output or Path(f"cld-template-{spec_version}.{fmt}")
    write_template(path, fmt, spec_version)
    out.print(f"Template written: [bold]{path}[/]", highlight=False)


@app.command()
def las(
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, csv or json")] = "table",
    year: Annotated[str, typer.Option(help="Financial year, e.g. 2023/24.")] = "2020/21",
) -> None:
    """List the LA register of a year: CASSR code, ONS (GSS) code, name and DSCRO region."""
    from cld.spec.register import register_for

    try:
        reg = dict(sorted(register_for(year).items(), key=lambda kv: kv[1].name))
    except ValueError as exc:
        raise fail(f"--year: {exc}") from None
    if fmt == "json":
        out.print_json(json.dumps([{"code": la.code, "gss_code": la.gss_code, "name": la.name,
                                    "dscro": la.region} for la in reg.values()]))
    elif fmt == "csv":
        w = csv.writer(sys.stdout, lineterminator="\n")
        w.writerow(["code", "gss_code", "name", "dscro_region"])
        for la in reg.values():
            w.writerow([la.code, la.gss_code, la.name, la.region])
    else:
        table = Table("code", "ONS code", "name", "DSCRO region",
                      title=f"{len(reg)} local authorities in {year}")
        for la in reg.values():
            table.add_row(la.code, la.gss_code, la.name, la.region)
        out.print(table)
