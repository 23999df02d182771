"""The `cld` command line: a thin shell over the engine."""

from __future__ import annotations

import csv
import json
import sys
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from cld.validation.result import ValidationResult

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Adult Social Care Client Level Data (CLD): validate submissions, "
                       "write data-quality reports, make templates and synthetic data.")
err = Console(stderr=True)
out = Console()


class Fmt(StrEnum):
    json = "json"
    csv = "csv"
    xlsx = "xlsx"
    html = "html"


def _fail(message: str, code: int = 2) -> typer.Exit:
    err.print(f"[bold red]error:[/] {message}", highlight=False)
    return typer.Exit(code)


def _date_arg(value: str | None, flag: str) -> str | None:
    if value is None:
        return None
    from cld.validation import parse_ddmmyyyy

    try:
        parse_ddmmyyyy(value)
    except ValueError as exc:
        raise _fail(f"{flag}: {exc}") from None
    return value


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
    from cld.ingest import UnreadableFile
    from cld.reports import write_report
    from cld.spec import available_versions
    from cld.spec.register import all_las
    from cld.validation import validate as run

    if spec_version not in available_versions():
        raise _fail(f"--spec: unknown version {spec_version!r} "
                    f"(known: {', '.join(available_versions())})")
    if la is not None and la not in all_las():
        raise _fail(f"--la: {la!r} is not an LA code in the register (see `cld las`)")
    if (period_start is None) != (period_end is None):
        raise _fail("give both --period-start and --period-end, or neither")
    _date_arg(period_start, "--period-start")
    _date_arg(period_end, "--period-end")
    quiet_stdout = fmt == Fmt.json and output is None
    try:
        with err.status("Validating…") as status:
            result = run(file, la_code=la, period_start=period_start, period_end=period_end,
                         spec_version=spec_version,
                         progress=lambda m: status.update(f"{m}…"))
    except UnreadableFile as exc:
        raise _fail(str(exc)) from None
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
            report_dir.mkdir(parents=True, exist_ok=True)
            for f in Fmt:
                path = report_dir / f"{file.stem}-dq.{f.value}"
                write_report(result, f.value, path)
                written.append(path)
    except OSError as exc:
        raise _fail(f"cannot write the report: {exc.strerror} ({exc.filename})") from None
    console = err if quiet_stdout else out
    _print_summary(console, result)
    for path in written:
        console.print(f"Report written: [bold]{path}[/]", highlight=False)
    raise typer.Exit(result.exit_code)


def _print_summary(console: Console, result: ValidationResult) -> None:
    s = result.summary
    console.print(f"[bold]{s['file']}[/]: {s['rows']:,} rows, {s['people'] or 0:,} people, "
                  f"LA {s['la_code']} {s['la_name'] or ''}, period {s['period_start']} to "
                  f"{s['period_end']}", highlight=False)
    table = Table("rule", "severity", "issues", "what", title="Issues by rule")
    for rc in result.rule_counts[:25]:
        table.add_row(rc.rule, rc.severity, f"{rc.count:,}", rc.title)
    if result.rule_counts:
        console.print(table)
    verdict = ("[green]no errors[/]" if result.exit_code == 0 else "[red]errors to fix[/]")
    console.print(f"{s['fatal']:,} fatal, {s['errors']:,} errors, {s['warnings']:,} warnings: "
                  f"{verdict}. {len(result.rules_run)} rules ran, "
                  f"{len(result.rules_skipped)} skipped.")


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
        raise _fail("--format must be csv or xlsx")
    path = output or Path(f"cld-template-{spec_version}.{fmt}")
    write_template(path, fmt, spec_version)
    out.print(f"Template written: [bold]{path}[/]", highlight=False)


@app.command()
def synth(
    la: Annotated[str, typer.Option("--la", help="LA code, e.g. 503.")] = "503",
    year: Annotated[str, typer.Option(help="Financial year, e.g. 2020/21.")] = "2020/21",
    period_end: Annotated[str | None, typer.Option(help="dd/mm/yyyy (default 31 March).")]
    = None,
    people: Annotated[int, typer.Option(min=1)] = 2000,
    seed: Annotated[int, typer.Option()] = 0,
    defects: Annotated[float, typer.Option(min=0.0, max=0.5, help="Share of rows given one "
                                           "injected defect (0 for a clean file).")] = 0.0,
    fmt: Annotated[str, typer.Option("--format", "-f", help="csv or xlsx")] = "csv",
    encoding: Annotated[str, typer.Option(help="utf-8, utf-8-sig or cp1252 (CSV only)")]
    = "utf-8",
    output: Annotated[Path | None, typer.Option("-o", "--output")] = None,
    manifest: Annotated[Path | None, typer.Option(help="Where to write the defect "
                                                  "manifest (JSON).")] = None,
    quarters: Annotated[bool, typer.Option(help="Write the year's four cumulative quarterly "
                                           "files (…-Q1 to …-Q4), the same events "
                                           "recurring as in real resubmissions.")] = False,
) -> None:
    """Write a realistic synthetic submission (no real person's data), optionally with defects."""
    from cld.spec import load_register
    from cld.synth import generate, write_manifest, write_submission

    if la not in load_register():
        raise _fail(f"--la: {la!r} is not an LA code in the register (see `cld las`)")
    start, end = _year_period(year, period_end)
    if quarters:
        from cld.synth.series import cut
        from cld.years import parse_year

        if defects or period_end:
            raise _fail("--quarters makes clean files for the whole year: drop --defects and "
                        "--period-end")
        full = generate(la, start, end, people=people, seed=seed)
        stem = output or Path(f"cld-synthetic-{la}-{start:%Y}.{fmt}")
        for n, q_end in enumerate(parse_year(year).quarters(), start=1):
            path = stem.with_name(f"{stem.stem}-Q{n}{stem.suffix}")
            part = cut(full, q_end.end)
            write_submission(part, path, fmt=fmt, encoding=encoding)
            out.print(f"Synthetic submission written: [bold]{path}[/] ({part.rows.height:,} "
                      "rows)", highlight=False)
        return
    result = generate(la, start, end, people=people, seed=seed, defects=defects)
    path = output or Path(f"cld-synthetic-{la}-{start:%Y}.{fmt}")
    write_submission(result, path, fmt=fmt, encoding=encoding)
    out.print(f"Synthetic submission written: [bold]{path}[/] ({result.rows.height:,} rows)",
              highlight=False)
    if defects > 0:
        mpath = manifest or path.with_suffix(".manifest.json")
        write_manifest(result, mpath)
        out.print(f"Defect manifest: [bold]{mpath}[/] ({len(result.manifest):,} defects)",
                  highlight=False)


def _year_period(year: str, period_end: str | None) -> tuple[date, date]:
    from cld.years import parse_year

    try:
        y = parse_year(year)
    except ValueError as exc:
        raise _fail(f"--year: {exc}") from None
    end = y.end
    if period_end:
        from cld.validation import parse_ddmmyyyy

        try:
            end = parse_ddmmyyyy(period_end)
        except ValueError as exc:
            raise _fail(f"--period-end: {exc}") from None
        if not y.start < end <= y.end:
            raise _fail("--period-end must fall within the financial year")
    return y.start, end


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
        raise _fail(f"--year: {exc}") from None
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


@app.command()
def demo(
    folder: Annotated[Path, typer.Option(help="Where to write the demo files.")] = Path("out"),
    people: Annotated[int, typer.Option(min=1)] = 2000,
) -> None:
    """The main job on the embedded default: synthesise a submission, validate it, write reports."""
    from cld.reports import write_report
    from cld.synth import generate, write_manifest, write_submission
    from cld.validation import validate as run

    folder.mkdir(parents=True, exist_ok=True)
    start, end = date(2020, 4, 1), date(2021, 3, 31)
    with err.status("Generating a synthetic submission…"):
        result = generate("503", start, end, people=people, seed=1, defects=0.01)
    sub = folder / "synthetic-503-2020-21.csv"
    write_submission(result, sub)
    write_manifest(result, folder / "synthetic-503-2020-21.manifest.json")
    with err.status("Validating…") as status:
        vr = run(sub, la_code="503", progress=lambda m: status.update(f"{m}…"))
    _print_summary(out, vr)
    for f in Fmt:
        path = folder / f"synthetic-503-2020-21-dq.{f.value}"
        write_report(vr, f.value, path)
        out.print(f"Report written: [bold]{path}[/]", highlight=False)
    out.print(f"Open [bold]{folder / 'synthetic-503-2020-21-dq.html'}[/] in a browser. The file "
              f"has {len(result.manifest):,} injected defects, listed in the manifest.",
              highlight=False)
    _demo_store(folder, people)


def _demo_store(folder: Path, people: int) -> None:
    """The processor's quarter: cumulative files of two LAs into a store, then the dataset."""
    import shutil

    from cld.store import Store, export_dataset, submit
    from cld.synth import generate, write_submission
    from cld.synth.series import cut
    from cld.years import parse_year

    shutil.rmtree(folder / "store", ignore_errors=True)  # the demo's own store, made afresh
    store = Store.open(folder / "store")
    out.rule("The submissions store")
    for la, seed in (("503", 1), ("318", 2)):
        full = generate(la, date(2020, 4, 1), date(2021, 3, 31), people=people // 2, seed=seed)
        quarters = parse_year("2020/21").quarters()[: 4 if la == "503" else 2]
        for n, end in enumerate(quarters, start=1):
            path = folder / f"synthetic-{la}-2020-21-Q{n}.csv"
            write_submission(cut(full, end.end), path)
            with err.status(f"Submitting {path.name}…"):
                o = submit(store, path, la, "2020/21", by="demo")
            out.print(f"{path.name}: [bold]{o.kind}:[/] {o.message}", highlight=False)
    ex = export_dataset(store, "2020/21", folder / "dataset-2020-21.parquet", by="demo")
    out.print(f"Consolidated dataset: [bold]{ex.path}[/] ({ex.rows:,} events from "
              f"{len(ex.submissions)} LAs). Try: [bold]cld status --year 2020/21 --store "
              f"{folder / 'store'}[/]", highlight=False)


from cld import cli_store as _store_commands  # noqa: E402,F401  (registers the store commands)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
