"""`cld` commands over the submissions store (a thin shell: the logic is in cld.store)."""

from __future__ import annotations

import csv
import json
import sys
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from cld.cli import Fmt, _fail, _print_summary, app, err, out

StoreOpt = Annotated[Path | None, typer.Option(
    "--store", envvar="CLD_STORE", help="The store's data folder (default ./cld-store).")]
DbOpt = Annotated[str | None, typer.Option(
    "--database", envvar="CLD_DATABASE_URL", show_default=False,
    help="postgresql://user:password@host:port/name (default: SQLite in the data folder).")]
ByOpt = Annotated[str | None, typer.Option("--by", envvar="CLD_USER",
                                           help="Who does this (for the audit trail).")]
YearOpt = Annotated[str, typer.Option("--year", help="Financial year, e.g. 2020/21.")]


class ListFmt(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


def _open(store: Path | None, database: str | None, create: bool = False) -> Any:
    """The store; only `cld submit` creates one where there is none."""
    from cld.store import Store, StoreError

    try:
        st = Store.open(store, database, create=create)
    except StoreError as exc:
        raise _fail(str(exc)) from None
    for note in st.recovered:
        err.print(f"[yellow]recovered:[/] {note}", highlight=False)
    return st


def _date(value: str | None, flag: str) -> date | None:
    if value is None:
        return None
    from cld.validation import parse_ddmmyyyy

    try:
        return parse_ddmmyyyy(value)
    except ValueError as exc:
        raise _fail(f"{flag}: {exc}") from None


def _emit(rows: list[dict[str, Any]], fmt: ListFmt, title: str, output: Path | None = None
          ) -> None:
    """Rows as a rich table, CSV or JSON (to `output` or stdout)."""
    if fmt == ListFmt.table and output is None:
        table = Table(*(rows[0].keys() if rows else ["(none)"]), title=title)
        for r in rows:
            table.add_row(*("" if v is None else str(v) for v in r.values()))
        out.print(table)
        return
    try:
        fh = output.open("w", encoding="utf-8", newline="") if output else sys.stdout
    except OSError as exc:
        raise _fail(f"cannot write {output}: {exc.strerror}") from None
    try:
        if fmt == ListFmt.json:
            fh.write(json.dumps(rows, indent=1, default=str) + "\n")
        else:
            w = csv.writer(fh, lineterminator="\n")
            if rows:
                w.writerow(rows[0].keys())
            for r in rows:
                w.writerow(["" if v is None else v for v in r.values()])
    finally:
        if output:
            fh.close()


def _run(fn: Any, *args: Any, **kwargs: Any) -> Any:
    """Call the engine; a StoreError becomes a clear message and exit code 2."""
    from cld.store import StoreError

    try:
        return fn(*args, **kwargs)
    except StoreError as exc:
        raise _fail(str(exc)) from None


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
    from cld.store import submit as run

    pe = _date(period_end, "--period-end")
    st = _open(store, database, create=True)
    with err.status("Submitting…") as status:
        outcome = _run(run, st, file, la, year, period_end=pe, by=by,
                       progress=lambda m: status.update(f"{m}…"))
    if outcome.result is not None:
        _print_summary(out, outcome.result)
    colour = {"accepted": "green", "duplicate": "yellow"}.get(outcome.kind, "red")
    out.print(f"[bold {colour}]{outcome.kind}:[/] {outcome.message}", highlight=False)
    for note in outcome.notes:
        out.print(f"[yellow]period:[/] {note}", highlight=False)
    if report_dir is not None and outcome.result is not None:
        from cld.reports import write_report

        report_dir.mkdir(parents=True, exist_ok=True)
        for f in Fmt:
            path = report_dir / f"{file.stem}-dq.{f.value}"
            write_report(outcome.result, f.value, path)
            out.print(f"Report written: [bold]{path}[/]", highlight=False)
    raise typer.Exit(outcome.exit_code)


@app.command()
def submissions(
    year: YearOpt,
    la: Annotated[str | None, typer.Option("--la")] = None,
    fmt: Annotated[ListFmt, typer.Option("--format", "-f")] = ListFmt.table,
    store: StoreOpt = None, database: DbOpt = None,
) -> None:
    """List every version submitted for a year (accepted and rejected)."""
    from cld.store.models import Submission
    from cld.store.submit import submission_info

    st = _open(store, database)
    qs = Submission.objects.using(st.alias).select_related("year").filter(
        year__label=_run(_year_label, year))
    if la:
        qs = qs.filter(la_id=la)
    rows = [submission_info(s) for s in qs.order_by("la_id", "version")]
    if fmt == ListFmt.table:
        rows = [{"id": r["id"], "LA": r["la_code"], "v": r["version"], "status": r["status"],
                 "received (UTC)": r["received_at"][:16].replace("T", " "),
                 "period end": _dmy(r["stated_end"]), "rows": r["rows"],
                 "fatal": r["fatal"], "errors": r["errors"], "warnings": r["warnings"],
                 "file": r["file"],
                 "note": r["rejection_reason"] or r["period_note"]} for r in rows]
    _emit(rows, fmt, f"Submissions for {year}")


def _dmy(iso: str | None) -> str:
    return f"{iso[8:10]}/{iso[5:7]}/{iso[:4]}" if iso else ""


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
    from cld.store.models import Submission
    from cld.store.results import load_result, rejection_reason

    st = _open(store, database)
    sub = Submission.objects.using(st.alias).filter(pk=submission).first()
    if sub is None:
        raise _fail(f"no submission {submission} in the store")
    try:
        result = load_result(st.path(sub.folder))
    except (OSError, ValueError) as exc:
        raise _fail(f"the stored result of submission {submission} cannot be read ({exc}); "
                    "run `cld audit verify`") from None
    if result is None:
        raise _fail(f"submission {submission} could not be read at all: "
                    f"{rejection_reason(st.path(sub.folder))}", 1)
    path = output or Path(f"{sub.la_id}-{sub.year.label.replace('/', '-')}-v{sub.version}"
                          f"-dq.{fmt.value}")
    write_report(result, fmt.value, path)
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
        raise _fail("--format must be parquet or csv")
    when = _date(as_of, "--as-of")
    st = _open(store, database)
    label = _run(_year_label, year)
    path = output or Path(f"cld-{label.replace('/', '-')}{'-' + la if la else ''}.{fmt}")
    with err.status("Building the consolidated dataset…"):
        ex = _run(export_dataset, st, label, path, as_of=when, la=la, fmt=fmt, by=by)
    rows = [{"LA": s["la_code"], "version": s["version"], "id": s["id"],
             "received (UTC)": s["received_at"][:16].replace("T", " "),
             "period end": _dmy(s["stated_end"]), "rows": s["rows"],
             "errors": s["errors"]}
            for s in ex.submissions]
    _emit(rows, ListFmt.table, f"Submissions that count for {label}, {ex.source}")
    out.print(f"Dataset written: [bold]{ex.path}[/] ({ex.rows:,} events from "
              f"{len(ex.submissions)} LA(s); sha256 {ex.sha256[:16]}…; manifest beside it)",
              highlight=False)


@app.command("lock-year")
def lock_year(year: Annotated[str, typer.Argument(help="e.g. 2020/21")],
              store: StoreOpt = None, database: DbOpt = None, by: ByOpt = None) -> None:
    """Lock a year for annual reporting: freeze its consolidated dataset as a snapshot and
    refuse further submissions."""
    from cld.store import lock_year as run

    st = _open(store, database)
    with err.status("Freezing the consolidated dataset…"):
        snap = _run(run, st, year, by=by)
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
    from cld.store import reopen_year as run

    st = _open(store, database)
    y = _run(run, st, year, reason, by=by)
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
    rows = _run(tracker, st, year, _date(today, "--today"))
    if fmt == ListFmt.json:
        _emit([r.as_dict() for r in rows], fmt, "", output)
        return
    _emit([r.as_row() for r in rows], fmt, f"Submissions for {_year_label(year)}", output)
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


@audit_app.command("list")
def audit_list(
    limit: Annotated[int, typer.Option(min=1, help="The latest N events.")] = 50,
    fmt: Annotated[ListFmt, typer.Option("--format", "-f")] = ListFmt.table,
    store: StoreOpt = None, database: DbOpt = None,
) -> None:
    """The latest audit events."""
    from cld.store.models import AuditEvent

    st = _open(store, database)
    evs = list(AuditEvent.objects.using(st.alias).order_by("-seq")[:limit])[::-1]
    rows = [{"seq": e.seq, "at (UTC)": e.at[:19].replace("T", " "), "who": e.actor,
             "action": e.action, "LA": e.la_code, "year": e.year,
             "details": e.details if fmt != ListFmt.json else json.loads(e.details),
             "hash": e.hash[:12] if fmt == ListFmt.table else e.hash} for e in evs]
    _emit(rows, fmt, "Audit trail")


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
    from cld.store import history as run

    st = _open(store, database)
    events, summary = _run(run, st, la, year, _date(as_of, "--as-of"))
    _emit(summary.to_pyarrow().to_pylist(), ListFmt.table,
          f"Events of {la} {_year_label(year)} by version")
    if output is not None:
        try:
            events.to_csv(output)
        except OSError as exc:
            raise _fail(f"cannot write {output}: {exc.strerror}") from None
        out.print(f"Event histories written: [bold]{output}[/]", highlight=False)
