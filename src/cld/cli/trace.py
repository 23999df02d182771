"""`cld trace` and `cld feedback`: NHS number tracing of stored submissions (a thin shell:
the logic is in cld.privacy.traceflow, .mesh and .feedback)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from cld.cli._shell import app, err, fail, out
from cld.cli.store import ByOpt, DbOpt, StoreOpt, YearOpt, _open

LaOpt = Annotated[str, typer.Option("--la", help="The LA's code.")]


def _counts(counts: dict[str, int], title: str) -> None:
    from cld.privacy.schema import Action

    table = Table("action", "people", title=title)
    for a in Action:
        table.add_row(a.value, f"{counts.get(a.value, 0):,}")
    table.add_row("[bold]total[/]", f"{sum(counts.values()):,}")
    out.print(table)


@app.command()
def trace(
    la: LaOpt, year: YearOpt,
    register: Annotated[Path | None, typer.Option(
        "--register", help="The local register copy (CSV or Parquet); default: store.yaml's "
        "tracing: register:.")] = None,
    mesh_request: Annotated[Path | None, typer.Option(
        "--mesh-request", help="Instead: write the PDS MESH request files into this folder.")
    ] = None,
    mesh_response: Annotated[list[Path] | None, typer.Option(
        "--mesh-response", help="Instead: load PDS's MESH response file(s) as the trace "
        "(repeat for each file of a request).")] = None,
    chunk_rows: Annotated[int, typer.Option(hidden=True)] = 500_000,
    store: StoreOpt = None, database: DbOpt = None, by: ByOpt = None,
) -> None:
    """Trace the NHS numbers of an LA's counting submission and store the result beside it
    (the submission itself is never changed)."""
    from cld.privacy import mesh, traceflow

    mesh_response = mesh_response or None  # an option not given may arrive as []
    if sum(x is not None for x in (register, mesh_request, mesh_response)) > 1:
        raise fail("give one of --register, --mesh-request and --mesh-response")
    if chunk_rows < 1:
        raise fail("--chunk-rows must be at least 1")
    st = _open(store, database)
    outcome: Any
    if mesh_request is not None:
        with err.status("Writing the PDS MESH request…"):
            req = mesh.write_mesh_request(st, la, year, mesh_request, chunk_rows=chunk_rows,
                                          by=by)
        for f in req.files:
            out.print(f"MESH request written: [bold]{f}[/]", highlight=False)
        out.print(f"{req.people:,} people of {la} {req.submission.year.label} version "
                  f"{req.submission.version} in {len(req.files)} file(s), reference "
                  f"C{req.token}. The mapping back stays in the store: send only the files "
                  "above; load PDS's answer with --mesh-response.", highlight=False)
        return
    if mesh_response:
        with err.status("Loading the PDS MESH response…"):
            outcome = mesh.load_mesh_response(st, mesh_response, la, year, by=by)
    else:
        path = traceflow.register_path(st, register)
        with err.status("Tracing…"):
            outcome = traceflow.trace_submission(st, la, year, path, by=by)
    t = outcome.trace
    _counts(outcome.counts, f"Trace {t.number} of {la} {t.submission.year.label} version "
                            f"{t.submission.version}")
    out.print(f"[bold green]stored:[/] trace {t.number} of submission {t.submission_id} "
              f"({t.source}: {t.register}); `cld feedback` writes the LA's feedback.",
              highlight=False)


@app.command()
def feedback(
    la: LaOpt, year: YearOpt,
    output: Annotated[Path, typer.Option("-o", "--output", help="The folder to write into.")],
    dataset: Annotated[bool, typer.Option(
        "--dataset", help="Also the LA's own consolidated dataset with the traced numbers.")
    ] = False,
    fmt: Annotated[str, typer.Option("--format", "-f", help="The dataset's format: parquet "
                                     "or csv.")] = "parquet",
    store: StoreOpt = None, database: DbOpt = None, by: ByOpt = None,
) -> None:
    """Write an LA's trace feedback (CSV and XLSX): what they sent, what tracing found and
    what was done, per person; with --dataset also their dataset with traced numbers."""
    from cld.privacy.feedback import write_feedback

    if fmt not in {"parquet", "csv"}:
        raise fail("--format must be parquet or csv")
    st = _open(store, database)
    with err.status("Writing the feedback…"):
        written = write_feedback(st, la, year, output, dataset=dataset, dataset_format=fmt,
                                 by=by)
    for w in written:
        out.print(f"Written: [bold]{w.path}[/] ({w.rows:,} rows; sha256 {w.sha256[:16]}…)",
                  highlight=False)
