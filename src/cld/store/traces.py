"""NHS number traces stored beside submission versions.

A trace is the result of tracing one submission's people (against a local register copy or
PDS through MESH): a `Trace` row plus, in the data directory,
    traces/<la>/<yyyy-yy>/v<version>-t<n>/results.parquet   one row per person
                                         /review.parquet    candidates to review (optional)
written in staging and moved into place under the write lock with the row and its audit
event, so that a failure leaves nothing. The submission itself is never changed.

The store does not know how tracing is done: it takes the results as a table whose columns
include at least RESULT_COLUMNS (cld.privacy.schema.RESULT_SCHEMA is the full shape).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from cld.errors import StoreError
from cld.store import audit
from cld.store.core import Store, crash_point, default_actor, move_into_place
from cld.store.files import fsync_tree, make_read_only, os_message, sha256_file
from cld.store.years import parse_year

RESULT_COLUMNS = ("submission_id", "person_id", "traced_nhs_number", "match_type", "action")
TRACE_FILES = {"results_sha256": "results.parquet", "review_sha256": "review.parquet"}


@dataclass(frozen=True)
class TraceSource:
    """What a trace was made against: `kind` register / mesh, a file name and its sha256."""

    kind: str
    name: str
    sha256: str
    config_version: str = ""


def latest_trace(store: Store, submission: Any) -> Any:
    """The latest Trace of `submission` (a row or its id), None when never traced."""
    from cld.store.models import Trace

    pk = getattr(submission, "pk", submission)
    return (Trace.objects.using(store.alias).select_related("submission__year")
            .filter(submission_id=pk).order_by("-number").first())


def _counts(results: pa.Table) -> dict[str, int]:
    vc = pc.value_counts(results["action"].combine_chunks()).to_pylist()
    return {str(v["values"]): int(v["counts"]) for v in sorted(vc, key=lambda v: str(v["values"]))}


def _check(results: pa.Table, submission: Any) -> None:
    missing = [c for c in RESULT_COLUMNS if c not in results.column_names]
    if missing:
        raise StoreError(f"the trace results lack the column(s) {', '.join(missing)}: "
                         "nothing was stored")
    ids = set(pc.unique(results["submission_id"]).to_pylist())
    if ids - {submission.pk}:
        raise StoreError(f"the trace results are not all for submission {submission.pk}: "
                         "nothing was stored")
    if pc.count_distinct(results["person_id"]).as_py() != results.num_rows:
        raise StoreError("the trace results hold a person more than once: nothing was stored")


def save_trace(store: Store, submission: Any, results: pa.Table, source: TraceSource, *,
               review: pa.Table | None = None, by: str | None = None) -> Any:
    """Store `results` (and `review`) as the next trace of `submission`; returns the row."""
    from cld.store.models import Submission, Trace

    actor = by or default_actor()
    if submission.status != Submission.ACCEPTED:
        raise StoreError(f"submission {submission.pk} was rejected: it cannot be traced")
    _check(results, submission)
    counts = _counts(results)
    with store.staging() as work:
        try:
            pq.write_table(results, work / TRACE_FILES["results_sha256"], compression="zstd")
            if review is not None:
                pq.write_table(review, work / TRACE_FILES["review_sha256"], compression="zstd")
            crash_point("trace-written")
            fsync_tree(work)
            make_read_only(work)
            sums = {f: sha256_file(work / n) for f, n in TRACE_FILES.items()
                    if (work / n).exists()}
        except OSError as exc:
            raise StoreError(os_message(exc, "write the trace into the store")) from None
        with store.write_lock():
            number = Trace.objects.using(store.alias).filter(submission=submission).count() + 1
            year = submission.year.label
            rel = (f"traces/{submission.la_id}/{parse_year(year).slug}/"
                   f"v{submission.version}-t{number}")
            row = Trace(submission=submission, number=number, created_at=datetime.now(UTC),
                        created_by=actor, source=source.kind, register=source.name,
                        register_sha256=source.sha256, config_version=source.config_version,
                        rows=results.num_rows, counts=json.dumps(counts, sort_keys=True),
                        folder=rel, **sums)
            row.save(using=store.alias)
            audit.append(store.alias, actor, "trace", la_code=submission.la_id, year=year,
                         bind=[row], submission=submission.pk, version=submission.version,
                         trace=number, source=source.kind, register=source.name,
                         register_sha256=source.sha256, config_version=source.config_version,
                         rows=results.num_rows, counts=counts, **sums)
            move_into_place(work, store.path(rel), "store the trace", "trace-moved")
    return row


def read_results(store: Store, trace: Any) -> pa.Table:
    """The results of a stored trace."""
    try:
        return pq.read_table(store.path(trace.folder) / TRACE_FILES["results_sha256"])
    except OSError as exc:
        raise StoreError(os_message(exc, f"read trace {trace.number} of submission "
                                         f"{trace.submission_id}")) from None
