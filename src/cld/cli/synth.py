"""Commands that make synthetic data: synth, demo."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from cld.cli._shell import app, date_arg, err, fail, out, print_summary, said_written

# The synthetic population the demo derives with (shipped by cld.derive when present).
DEMO_POPULATION = Path(__file__).parents[1] / "derive" / "data" / "population-synthetic.csv"


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
        raise fail(f"--la: {la!r} is not an LA code in the register (see `cld las`)")
    start, end = _year_period(year, period_end)
    if quarters:
        from cld.dates import parse_year
        from cld.synth.series import cut

        if defects or period_end:
            raise fail("--quarters makes clean files for the whole year: drop --defects and "
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
    from cld.dates import parse_year

    try:
        y = parse_year(year)
    except ValueError as exc:
        raise fail(f"--year: {exc}") from None
    end = y.end
    if period_end:
        end = date_arg(period_end, "--period-end") or end
        if not y.start < end <= y.end:
            raise fail("--period-end must fall within the financial year")
    return y.start, end


@app.command()
def demo(
    folder: Annotated[Path, typer.Option(help="Where to write the demo files.")] = Path("out"),
    people: Annotated[int, typer.Option(min=1)] = 2000,
) -> None:
    """The main job on the embedded default: synthesise a submission, validate it, write reports."""
    import cld.validation.engine
    from cld.reports import write_reports
    from cld.synth import generate, write_manifest, write_submission

    folder.mkdir(parents=True, exist_ok=True)
    start, end = date(2020, 4, 1), date(2021, 3, 31)
    with err.status("Generating a synthetic submission…"):
        result = generate("503", start, end, people=people, seed=1, defects=0.01)
    sub = folder / "synthetic-503-2020-21.csv"
    write_submission(result, sub)
    write_manifest(result, folder / "synthetic-503-2020-21.manifest.json")
    with err.status("Validating…") as status:
        vr = cld.validation.engine.validate(sub, la_code="503",
                                            progress=lambda m: status.update(f"{m}…"))
    print_summary(out, vr)
    write_reports(vr, folder, "synthetic-503-2020-21", each=said_written)
    out.print(f"Open [bold]{folder / 'synthetic-503-2020-21-dq.html'}[/] in a browser. The file "
              f"has {len(result.manifest):,} injected defects, listed in the manifest.",
              highlight=False)
    _demo_store(folder, people)


def _demo_store(folder: Path, people: int) -> None:
    """The processor's quarter: cumulative files of two LAs into a store, then the dataset."""
    import shutil

    from cld.dates import parse_year
    from cld.synth import generate, write_submission
    from cld.synth.series import cut
    from cld.web.boot import configure

    for made in ("store", "store-keys"):  # the demo's own store and key, made afresh
        shutil.rmtree(folder / made, ignore_errors=True)
    (folder / "store").mkdir()
    # the register the demo writes next, for tracing (from `cld trace` and the portal)
    (folder / "store" / "store.yaml").write_text("tracing:\n  register: ../register.csv\n",
                                                 encoding="utf-8")
    # Django with the portal's settings (before cld.store sets up its own): accounts live here
    store = configure(folder / "store")
    from cld.store import export_dataset, submit

    out.rule("The submissions store")
    fulls = {la: generate(la, date(2020, 4, 1), date(2021, 3, 31), people=people // 2, seed=seed)
             for la, seed in (("503", 1), ("318", 2))}
    fulls = _demo_register(folder, fulls)
    for la, full in fulls.items():
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
    _demo_derive(folder, store)
    _demo_portal(folder, store)


def _demo_portal(folder: Path, store: Any) -> None:
    """The portal over the demo store: one user of each role, the pseudonymisation key."""
    import os

    from cld.privacy.keys import new_key_file
    from cld.web.accounts.demo import demo_accounts
    from cld.web.portal.jobs import key_file

    out.rule("The portal")
    key = key_file(store)
    key.parent.mkdir(mode=0o700, exist_ok=True)
    new_key_file(key)
    password, users = demo_accounts(["503", "318"])
    sheet = folder / "demo-accounts.txt"
    sheet.unlink(missing_ok=True)
    fd = os.open(sheet, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(f"Demo portal accounts (synthetic data). Password for each: {password}\n")
        f.writelines(f"{u.email}\t{u.role}\t{u.organisation}\n" for u in users)
    out.print(f"Portal users, one of each role ({sheet}, password {password}): "
              + ", ".join(u.email for u in users), highlight=False, soft_wrap=True)
    out.print(f"Try: [bold]cld serve --store {folder / 'store'}[/], then sign in at "
              "http://127.0.0.1:8000/", highlight=False)


def _demo_register(folder: Path, fulls: dict[str, Any]) -> dict[str, Any]:
    """A synthetic demographic register holding the demo's people (for NHS number tracing);
    the LAs' files then carry the register's known defects (missing, mistyped and superseded
    numbers, swapped dates, changed surnames, moves, twins)."""
    import dataclasses

    import polars as pl

    from cld.synth.register import clients_of, la_view, make, write_register

    people = pl.concat([clients_of(f.rows) for f in fulls.values()]).unique(
        "nhs_number", maintain_order=True)
    with err.status("Making a synthetic demographic register…"):
        made = make(records=people.height * 10, seed=1, clients=people)
    write_register(made.register, str(folder / "register.csv"))
    out.print(f"Demographic register for tracing: [bold]{folder / 'register.csv'}[/] "
              f"({made.register.height:,} records, synthetic). Try: [bold]cld trace --la 503 "
              f"--year 2020/21 --store {folder / 'store'} --register {folder / 'register.csv'}[/]",
              highlight=False)
    return {la: dataclasses.replace(f, rows=la_view(f.rows, people, made))
            for la, f in fulls.items()}


def _demo_derive(folder: Path, store: Any) -> None:
    """The store's year derived with the default profile (and the synthetic population,
    when the package ships one): SALT tables and ASCOF measures."""
    from cld.cli.derive import _with_progress, summary
    from cld.derive.load import DEFAULT, load_profile
    from cld.derive.run import derive_year, read_population, record, write_outputs
    from cld.errors import CldError

    out.rule("Derived tables")
    pop = None
    pop_file = DEMO_POPULATION
    if pop_file.is_file():
        try:
            pop = read_population(pop_file)
        except CldError as exc:
            err.print(f"[yellow]note:[/] the synthetic population is not used: {exc}",
                      highlight=False)
    profile = load_profile(DEFAULT)
    run = _with_progress(lambda cb: derive_year(store, "2020/21", profile, population=pop,
                                                progress=cb), profile.label)
    with err.status("Writing the derived tables…"):
        manifest = write_outputs(run, folder / "derived")
    record(store, run, manifest, by="demo")
    summary(manifest.data, run, per_kind=3)
    out.print(f"Derived tables: [bold]{folder / 'derived'}[/] ({len(manifest.data['outputs'])} "
              f"output(s): tidy Parquet/CSV with region and England totals, derived.xlsx, "
              f"manifest.json; population: {manifest.data['population']}). Try: [bold]cld "
              f"derive --year 2020/21 --store {folder / 'store'} --compare nhse-2023 -o "
              f"{folder / 'compared'}[/]", highlight=False)


@app.command("synth-register")
def synth_register(
    persons: Annotated[int, typer.Option(min=1, help="LA clients to trace.")] = 2000,
    records: Annotated[int, typer.Option(min=2, help="Register records (clients' and "
                                         "distractors').")] = 20000,
    seed: Annotated[int, typer.Option()] = 0,
    output: Annotated[Path, typer.Option("-o", "--output", help="Register CSV.")]
    = Path("register.csv"),
    requests: Annotated[Path, typer.Option(help="The LA's side (trace requests) CSV.")]
    = Path("register-requests.csv"),
    truth: Annotated[Path, typer.Option(help="Known truth CSV (for testing only).")]
    = Path("register-truth.csv"),
) -> None:
    """Write a synthetic demographic register, trace requests with known defects, and the
    truth (no real person's data)."""
    from cld.synth.register import make, write_register

    if records < persons * 1.3:
        raise fail("--records must be at least 1.3 times --persons (room for distractors)")
    s = make(persons, records, seed=seed)
    write_register(s.register, str(output))
    s.requests.with_columns(
        s.requests["date_of_birth"].dt.strftime("%d/%m/%Y")).write_csv(requests)
    s.truth.write_csv(truth)
    out.print(f"Synthetic register written: [bold]{output}[/] ({s.register.height:,} records); "
              f"requests [bold]{requests}[/], truth [bold]{truth}[/]", highlight=False)
