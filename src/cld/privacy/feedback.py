"""Trace feedback to an LA: what they sent, what tracing found, and what was done.

One row per person of the LA's counting submission (its latest trace): their person id, the
NHS number, date of birth, gender and postcode as sent, the NHS number and GP practice found,
the match type (code and words), the action and the reason. Written as CSV and XLSX; on
request also the LA's own consolidated dataset with the traced numbers. Each file written is
audited (file name, sha256, rows; never an identifier).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.csv as pcsv
from ibis.backends import BaseBackend

from cld.engines import connect
from cld.privacy.schema import MatchType
from cld.privacy.traceflow import TraceError, counting_submission, requests_for
from cld.store.core import Store, default_actor
from cld.store.files import os_message, sha256_file
from cld.store.years import parse_year

MATCH_WORDS = {
    MatchType.NONE: "no match",
    MatchType.CROSS_CHECK: "cross-check: NHS number and date of birth agree",
    MatchType.ALPHANUMERIC: "alphanumeric trace: name, date of birth and gender",
    MatchType.ALGORITHMIC: "algorithmic trace: probable match on several details",
}
# (column in the file, source column)
COLUMNS = (
    ("Person ID", "person_id"), ("NHS Number sent", "nhs_number"),
    ("Date of Birth sent", "date_of_birth"), ("Gender sent", "gender"),
    ("Postcode sent", "postcode"), ("NHS Number found", "traced_nhs_number"),
    ("GP Practice Code found", "gp_found"), ("Match type", "match_type"),
    ("Match type (words)", "match_words"), ("Action", "action"), ("Reason", "reason"),
)


@dataclass
class Written:
    path: Path
    sha256: str
    rows: int


@dataclass(frozen=True)
class TraceSummary:
    """An LA's counting submission for a year and its latest trace (None: not traced yet),
    with the people per tracing action: no identifier."""

    submission: Any
    trace: Any
    counts: dict[str, int]


def trace_summary(store: Store, la: str, year: str, *,
                  as_of: date | datetime | None = None) -> TraceSummary:
    """What tracing found for `la`'s counting submission of `year` (a TraceError when none
    counts)."""
    import json

    from cld.store.traces import latest_trace

    sub = counting_submission(store, la, year, as_of)
    tr = latest_trace(store, sub)
    counts = {str(k): int(v) for k, v in json.loads(tr.counts).items()} if tr else {}
    return TraceSummary(sub, tr, counts)


def feedback_table(store: Store, la: str, year: str, *,
                   as_of: date | datetime | None = None,
                   backend: BaseBackend | None = None) -> tuple[pa.Table, Any]:
    """(the feedback rows, the trace they come from) for `la`'s counting submission."""
    from cld.store.traces import latest_trace, read_results

    sub = counting_submission(store, la, year, as_of)
    tr = latest_trace(store, sub)
    if tr is None:
        raise TraceError(f"version {sub.version} of {la} {sub.year.label} has not been traced",
                         hint="trace it first")
    results = read_results(store, tr)
    requests = requests_for(backend or connect(), store, la, year, submission=sub).to_pyarrow()
    words = pa.table({"mt": pa.array([int(k) for k in MATCH_WORDS], pa.int8()),
                      "words": list(MATCH_WORDS.values())})
    select = ", ".join(f'{src} AS "{name}"' for name, src in COLUMNS)
    con = duckdb.connect()
    try:
        for name, t in (("q", requests), ("r", results), ("w", words)):
            con.register(name, t)
        table = con.sql(f"""
            SELECT {select} FROM (
              SELECT q.person_id, q.nhs_number, strftime(q.date_of_birth, '%d/%m/%Y')
                       AS date_of_birth, q.gender, q.postcode, r.traced_nhs_number,
                     r.gp_practice_code AS gp_found, r.match_type, w.words AS match_words,
                     r.action, r.reason
              FROM q LEFT JOIN r ON r.person_id = q.person_id
                     AND r.submission_id = q.submission_id
              LEFT JOIN w ON w.mt = r.match_type) ORDER BY "Person ID"
            """).to_arrow_table()
    finally:
        con.close()
    return table, tr


def _write_csv(table: pa.Table, path: Path) -> None:
    from cld.reports.safe import neutralise_table

    pcsv.write_csv(neutralise_table(table), path)  # text never starts a formula


def _write_xlsx(table: pa.Table, path: Path) -> None:
    import xlsxwriter

    from cld.reports.xlsx_report import write_cell

    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    try:
        ws = wb.add_worksheet("Trace feedback")
        bold = wb.add_format({"bold": True})
        ws.write_row(0, 0, table.column_names, bold)
        r = 1
        for batch in table.to_batches(max_chunksize=10_000):
            for row in batch.to_pylist():  # xlsxwriter writes row by row
                for c, v in enumerate(row.values()):
                    write_cell(ws, r, c, v)  # text never becomes a formula
                r += 1
        ws.freeze_panes(1, 0)
    finally:
        wb.close()


def _written(tmp: Path, dest: Path, rows: int) -> Written:
    sha = sha256_file(tmp)
    tmp.replace(dest)
    return Written(dest, sha, rows)


def write_feedback(store: Store, la: str, year: str, folder: str | Path, *,
                   dataset: bool = False, dataset_format: str = "parquet",
                   by: str | None = None, as_of: date | datetime | None = None,
                   backend: BaseBackend | None = None) -> list[Written]:
    """Write `la`'s trace feedback (CSV and XLSX) into `folder`, and with `dataset` the
    LA's own consolidated dataset with the traced numbers; each write audited."""
    from cld.store import audit
    from cld.store.dataset import export_dataset

    table, tr = feedback_table(store, la, year, as_of=as_of, backend=backend)
    sub = tr.submission
    out = Path(folder)
    stem = f"trace-feedback-{la}-{parse_year(sub.year.label).slug}-v{sub.version}-t{tr.number}"
    done: list[Written] = []
    parts: list[Path] = []
    try:
        out.mkdir(parents=True, exist_ok=True)
        csv_tmp = out / f"{stem}.csv.part"
        xlsx_tmp = out / f"{stem}.xlsx.part"
        parts = [csv_tmp, xlsx_tmp]
        _write_csv(table, csv_tmp)
        _write_xlsx(table, xlsx_tmp)
        done = [_written(csv_tmp, out / f"{stem}.csv", table.num_rows),
                _written(xlsx_tmp, out / f"{stem}.xlsx", table.num_rows)]
    except OSError as exc:
        for p in parts:
            p.unlink(missing_ok=True)
        raise TraceError(os_message(exc, f"write the trace feedback into {out}")) from None
    with store.write_lock():
        audit.append(store.alias, by or default_actor(), "feedback", la_code=la,
                     year=sub.year.label, submission=sub.pk, trace=tr.number,
                     files=[{"file": w.path.name, "sha256": w.sha256, "rows": w.rows}
                            for w in done])
    if dataset:
        slug = parse_year(sub.year.label).slug
        ext = "csv" if dataset_format == "csv" else "parquet"
        exp = export_dataset(store, year, out / f"cld-dataset-{la}-{slug}.{ext}", la=la,
                             as_of=as_of, fmt=dataset_format, by=by, backend=backend)
        done.append(Written(exp.path, exp.sha256, exp.rows))
    return done
