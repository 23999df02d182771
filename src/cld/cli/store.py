"""Commands over the submissions store (a thin shell: the logic is in cld.store)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from cld.cli._shell import (
    Fmt,
    ListFmt,
    app,
    date_arg,
    emit,
    err,
    fail,
    out,
    print_summary,
    said_written,
)
from cld.dates import ddmmyyyy
from cld.terminal import plain

StoreOpt = Annotated[Path | None, typer.Option(
    "--store", envvar="CLD_STORE", help="The store's data folder (default ./cld-store).")]
DbOpt = Annotated[str | None, typer.Option(
    "--database", envvar="CLD_DATABASE_URL", show_default=False,
    help="postgresql://user:password@host:port/name (default: SQLite in the data folder).")]
ByOpt = Annotated[str | None, typer.Option("--by", envvar="CLD_USER",
                                           help="Who does this (for the audit trail).")]
YearOpt = Annotated[str, typer.Option("--year", help="Financial year, e.g. 2020/21.")]


def _open(store: Path | None, database: str | None, create: bool = False) -> Any:
    """The store; only `cld submit` creates one where there is none."""
    from cld.store import Store

    st = Store.open(store, database, create=create)
    for note in st.recovered:
        err.print(f"[yellow]recovered:[/] {note}", highlight=False)
    return st


@app.command()
def submit(
    file: Annotated[Path, typer.Argument(help="The submission: CSV or XLSX.")],
    la: Annotated[str, typer.Option("--la", help="LA code the file is submitted for.")],
    year: YearOpt,
    period_end: Annotated[str | None, typer.Option(help="dd/mm/yyyy; default: the file's "
                                                   "Reporting Period End Date.")] = None,
    report_dir: Annotated[Path | None, typer.Option(help="Also write the data-quality "
                                                    "reports here.")] = None,
    store: StoreOpt = None, database: DbOpt = None, by: ByOpt = None,
) -> None:
    """Validate a submission and store it as the LA's next version for the year.

    Exit 0: accepted (record-level errors are in its report) or identical to the latest
    version; 1: rejected (structural problems, wrong period; stored with its report);
    2: the command could not run; 3: refused (the year is locked; nothing stored).
    """
    import cld.store

    pe = date_arg(period_end, "--period-end")
    st = _open(store, database, create=True)
    with err.status("Submitting…") as status:
        outcome = cld.store.submit(st, file, la, year, period_end=pe, by=by,
                       progress=lambda m: status.update(f"{m}…"))
    if outcome.result is not None:
        print_summary(out, outcome.result)
    colour = {"accepted": "green", "duplicate": "yellow"}.get(outcome.kind, "red")
    out.print(f"[bold {colour}]{outcome.kind}:[/] {plain(outcome.message)}", highlight=False)
    if outcome.kind == "refused":
        out.print(f"  hint: `cld reopen-year {year} --reason ...`", highlight=False)
    for note in outcome.notes:
        out.print(f"[yellow]period:[/] {note}", highlight=False)
    if report_dir is not None and outcome.result is not None:
        from cld.reports import write_reports

        write_reports(outcome.result, report_dir, file.stem, each=said_written)
    raise typer.Exit(outcome.exit_code)


@app.command()
def submissions(
    year: YearOpt,
    la: Annotated[str | None, typer.Option("--la")] = None,
    fmt: Annotated[ListFmt, typer.Option("--format", "-f")] = ListFmt.table,
    store: StoreOpt = None, database: DbOpt = None,
) -> None:
    """List every version submitted for a year (accepted and rejected)."""
    from cld.store.queries import list_submissions

    st = _open(store, database)
    subs = list_submissions(st, year, la)
    rows = [r.as_dict() for r in subs]
    if fmt == ListFmt.table:
        rows = [{"id": r.id, "LA": r.la_code, "v": r.version, "status": r.status,
                 "received (UTC)": _minute(r.received_at),
                 "period end": ddmmyyyy(r.stated_end), "rows": r.rows,
                 "fatal": r.fatal, "errors": r.errors, "warnings": r.warnings,
                 "file": r.file,
                 "note": r.rejection_reason or r.period_note} for r in subs]
    emit(rows, fmt, f"Submissions for {year}")


def _minute(moment: datetime) -> str:
    return moment.isoformat()[:16].replace("T", " ")


def _year_label(year: str) -> str:
    from cld.store.years import parse_year

    return parse_year(year).label


@app.command()
def report(
    submission: Annotated[int, typer.Argument(help="Submission id (see `cld submissions`).")],
    fmt: Annotated[Fmt, typer.Option("--format", "-f")] = Fmt.html,
    output: Annotated[Path | None, typer.Option("-o", "--output")] = None,
    store: StoreOpt = None, database: DbOpt = None,
) -> None:
    """Write the data-quality report of a stored submission again, in any format."""
    from cld.reports import write_report
    from cld.store.queries import stored_result

    st = _open(store, database)
    stored = stored_result(st, submission)
    if stored.result is None:
        raise fail(f"submission {submission} could not be read at all: {stored.reason}", 1)
    path = output or Path(f"{stored.name}-dq.{fmt.value}")
    write_report(stored.result, fmt.value, path)
    out.print(f"Report written: [bold]{path}[/]", highlight=False)


@app.command()
def dataset(
    year: YearOpt,
    as_of: Annotated[str | None, typer.Option(help="dd/mm/yyyy: the data that counted at the "
                                              "end of that day (default: now, or the "
                                              "locked snapshot).")] = None,
    la: Annotated[str | None, typer.Option("--la", help="One LA only.")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="parquet or csv")] = "parquet",
    output: Annotated[Path | None, typer.Option("-o", "--output")] = None,
    store: StoreOpt = None, database: DbOpt = None, by: ByOpt = None,
) -> None:
    """Export the consolidated dataset: the latest accepted submission of each LA."""
    from cld.store import export_dataset

    if fmt not in {"parquet", "csv"}:
        raise fail("--format must be parquet or csv")
    when = date_arg(as_of, "--as-of")
    st = _open(store, database)
    label = _year_label(year)
    path = output or Path(f"cld-{label.replace('/', '-')}{'-' + la if la else ''}.{fmt}")
    with err.status("Building the consolidated dataset…"):
        ex = export_dataset(st, label, path, as_of=when, la=la, fmt=fmt, by=by)
    rows = [{"LA": s.la_code, "version": s.version, "id": s.id,
             "received (UTC)": _minute(s.received_at),
             "period end": ddmmyyyy(s.stated_end), "rows": s.rows,
             "errors": s.errors}
            for s in ex.submissions]
    emit(rows, ListFmt.table, f"Submissions that count for {label}, {ex.source}")
    out.print(f"Dataset written: [bold]{ex.path}[/] ({ex.rows:,} events from "
              f"{len(ex.submissions)} LA(s); sha256 {ex.sha256[:16]}…; manifest beside it)",
              highlight=False)


@app.command("lock-year")
def lock_year(year: Annotated[str, typer.Argument(help="e.g. 2020/21")],
              reason: Annotated[str, typer.Option(help="Why (kept in the audit trail).")] = "",
              store: StoreOpt = None, database: DbOpt = None, by: ByOpt = None) -> None:
    """Lock a year for annual reporting: freeze its consolidated dataset as a snapshot and
    refuse further submissions."""
    import cld.store

    st = _open(store, database)
    with err.status("Freezing the consolidated dataset…"):
        snap = cld.store.lock_year(st, year, by=by, reason=reason)
    subs = json.loads(snap.manifest)["submissions"]
    out.print(f"{snap.year.label} locked: snapshot {snap.number}, {snap.rows:,} events from "
              f"{len(subs)} LA(s), sha256 {snap.sha256[:16]}… ({snap.path})", highlight=False)
    from cld.spec.register import register_for

    missing = len(register_for(snap.year.label)) - len(subs)
    short = [s["la_code"] for s in subs if s["stated_end"] != str(snap.year.end)]
    if missing:
        out.print(f"[yellow]note:[/] {missing} LA(s) of the register have no accepted "
                  "submission in it (see `cld status`).", highlight=False)
    if short:
        out.print(f"[yellow]note:[/] the versions of {', '.join(short)} end before "
                  f"{snap.year.end:%d/%m/%Y}.", highlight=False)


@app.command("reopen-year")
def reopen_year(year: Annotated[str, typer.Argument(help="e.g. 2020/21")],
                reason: Annotated[str, typer.Option(help="Why (kept in the audit trail).")],
                store: StoreOpt = None, database: DbOpt = None, by: ByOpt = None) -> None:
    """Reopen a locked year (its snapshot is kept; the act is audited)."""
    import cld.store

    st = _open(store, database)
    y = cld.store.reopen_year(st, year, reason, by=by)
    out.print(f"{y.label} reopened: submissions are accepted again.", highlight=False)


@app.command()
def status(
    year: YearOpt,
    fmt: Annotated[ListFmt, typer.Option("--format", "-f")] = ListFmt.table,
    output: Annotated[Path | None, typer.Option("-o", "--output")] = None,
    today: Annotated[str | None, typer.Option(help="dd/mm/yyyy (default: today), for "
                                              "lateness.")] = None,
    store: StoreOpt = None, database: DbOpt = None,
) -> None:
    """The tracker: every LA, its latest submission per quarter, late ones flagged."""
    from cld.store import tracker

    st = _open(store, database)
    rows = tracker(st, year, date_arg(today, "--today"))
    if fmt == ListFmt.json:
        emit([r.as_dict() for r in rows], fmt, "", output)
        return
    emit([r.as_row() for r in rows], fmt, f"Submissions for {_year_label(year)}", output)
    if fmt == ListFmt.table:
        sent = sum(1 for r in rows if r.latest != "not submitted")
        late = sum(1 for r in rows if any(p.late for p in r.periods))
        out.print(f"{sent} of {len(rows)} LAs have submitted; {late} late at least once.")


audit_app = typer.Typer(help="The audit trail: list it, verify its hash chain.",
                        no_args_is_help=True)
app.add_typer(audit_app, name="audit")


@audit_app.command("verify")
def audit_verify(
    files: Annotated[bool, typer.Option(help="Also check every stored file against its "
                                      "recorded SHA-256.")] = True,
    store: StoreOpt = None, database: DbOpt = None,
) -> None:
    """Check the audit trail's hash chain (and the stored files). Exit 1 on any problem."""
    from cld.store.integrity import verify_store

    st = _open(store, database)
    events, problems = verify_store(st, files)
    for p in problems:
        out.print(f"[red]problem:[/] {p}", highlight=False)
    if st.recovered or (st.root / "recovered").exists():
        out.print(f"[yellow]note:[/] {st.root / 'recovered'} holds what crashed operations "
                  "left (never part of the store).", highlight=False)
    if problems:
        raise typer.Exit(1)
    out.print(f"[green]ok:[/] {events:,} audit events chain correctly"
              + (" and every stored file matches its checksum." if files else "."))


@audit_app.command("bind")
def audit_bind(store: StoreOpt = None, database: DbOpt = None, by: ByOpt = None) -> None:
    """Record the rows no audit event binds (a store made before rows were bound), as they
    are now, in one audited event; later edits of them are then detected."""
    from cld.store.integrity import bind_unbound

    n = bind_unbound(_open(store, database), by)
    out.print(f"[green]ok:[/] {n:,} rows bound" if n else "Every row is already bound.")


@audit_app.command("list")
def audit_list(
    limit: Annotated[int, typer.Option(min=1, help="The latest N events.")] = 50,
    fmt: Annotated[ListFmt, typer.Option("--format", "-f")] = ListFmt.table,
    store: StoreOpt = None, database: DbOpt = None,
) -> None:
    """The latest audit events."""
    from cld.store.queries import audit_events

    st = _open(store, database)
    rows = [{"seq": e["seq"], "at (UTC)": e["at"][:19].replace("T", " "), "who": e["actor"],
             "action": e["action"], "LA": e["la_code"], "year": e["year"],
             "details": e["details"] if fmt != ListFmt.json else json.loads(e["details"]),
             "hash": e["hash"][:12] if fmt == ListFmt.table else e["hash"]}
            for e in audit_events(st, limit)]
    emit(rows, fmt, "Audit trail")


@app.command()
def history(
    la: Annotated[str, typer.Option("--la")],
    year: YearOpt,
    as_of: Annotated[str | None, typer.Option(help="dd/mm/yyyy")] = None,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write every event's "
                                                "history here (CSV).")] = None,
    store: StoreOpt = None, database: DbOpt = None,
) -> None:
    """How an LA's events changed across its versions: new, changed, closed, dropped."""
    import cld.store

    st = _open(store, database)
    events, summary = cld.store.history(st, la, year, date_arg(as_of, "--as-of"))
    emit(summary.to_pyarrow().to_pylist(), ListFmt.table,
          f"Events of {la} {_year_label(year)} by version")
    if output is not None:
        try:
            events.to_csv(output)
        except OSError as exc:
            raise fail(f"cannot write {output}: {exc.strerror}") from None
        out.print(f"Event histories written: [bold]{output}[/]", highlight=False)
