"""Which data counts, the consolidated dataset, year lock-down, and event histories.

For a year and an "as of" moment, the data that counts is the latest *accepted* submission
of each LA received on or before that moment; the consolidated dataset is those
submissions' events, tagged with the LA and the submission they came from. Relational work
is done with ibis (DuckDB here; the same expressions run on PySpark).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import duckdb
import ibis
import ibis.expr.types as ir
import pyarrow as pa
from ibis.backends import BaseBackend

from cld.dates import LONDON, end_of_day
from cld.engines import connect
from cld.errors import StoreDamaged, StoreError, UnknownLA
from cld.store import audit
from cld.store.core import Store, crash_point, default_actor, move_into_place
from cld.store.files import sha256_file, write_error
from cld.store.submit import SubmissionInfo, submission_info
from cld.store.years import parse_year


def as_of_moment(as_of: date | datetime | None) -> datetime:
    """A date means the whole of that day in England; None means now."""
    if as_of is None:
        return datetime.now(UTC)
    if isinstance(as_of, datetime):
        return as_of if as_of.tzinfo else as_of.replace(tzinfo=UTC)
    return end_of_day(as_of)


def counting(store: Store, year: str, as_of: date | datetime | None = None,
             la: str | None = None) -> list[Any]:
    """The latest accepted submission per LA received by `as_of` (one per LA, by LA code)."""
    from cld.store.models import Submission

    qs = (Submission.objects.using(store.alias).select_related("year", "la")
          .filter(year__label=parse_year(year).label, status=Submission.ACCEPTED,
                  received_at__lte=as_of_moment(as_of)))
    if la:
        qs = qs.filter(la_id=la)
    latest: dict[str, Any] = {}
    for sub in qs.order_by("la_id", "-version"):
        latest.setdefault(sub.la_id, sub)
    return list(latest.values())


def data_version(store: Store, year: str) -> str:
    """A short name for the year's data as it counts now: its locked snapshot, or a digest of
    the counting submissions (a new accepted version, a lock or a reopening changes it)."""
    import hashlib

    from cld.store.models import YearSnapshot

    y = store.year(year)
    if y.locked:
        snap = YearSnapshot.objects.using(store.alias).filter(year=y).order_by("-number").first()
        if snap is not None:
            return f"snapshot-{snap.number}-{snap.sha256[:12]}"
    subs = sorted([s.la_id, s.pk, s.version] for s in counting(store, y.label))
    return "as-of-" + hashlib.sha256(json.dumps(subs).encode()).hexdigest()[:16]


def events_table(con: BaseBackend, store: Store, subs: Sequence[Any]) -> ir.Table:
    """The events of `subs` (one scan of their files): la_code (from the submission, not the
    file), submission_id, submission_version, event_key, key_source, source_row, then the
    data items (LA Code excepted), then traced_nhs_number and trace_match_type from each
    submission's latest NHS number trace (null where the person or submission is untraced)."""
    from cld.spec import load_spec

    if not subs:
        raise StoreError("no accepted submission counts (nothing accepted, or nothing by "
                         "the as-of date)")
    # absolute paths: the engine reports `filename` as an absolute path
    files = {str((store.path(s.folder) / "events.parquet").resolve()): s for s in subs}
    t = con.read_parquet(list(files), filename=True, union_by_name=True)
    meta = ibis.memtable(pa.table({"filename": list(files),
                                   "m_la": [s.la_id for s in files.values()],
                                   "m_id": pa.array([s.pk for s in files.values()], pa.int64()),
                                   "m_version": pa.array([s.version for s in files.values()],
                                                         pa.int64())}))
    j = t.inner_join(meta, "filename")
    items = [i.id for i in load_spec(subs[0].spec_version).items if i.id != "la_code"]
    items = [i for i in items if i in t.columns]
    out = j.select(la_code=j.m_la, submission_id=j.m_id, submission_version=j.m_version,
                   event_key=j.event_key, key_source=j.key_source, source_row=j._row,
                   **{i: j[i] for i in items})
    return _with_traces(con, store, subs, out)


def _with_traces(con: BaseBackend, store: Store, subs: Sequence[Any],
                 t: ir.Table) -> ir.Table:
    """`t` with each submission's latest trace joined on (submission_id, person_id)."""
    from cld.store.models import Trace

    latest: dict[int, Any] = {}
    for tr in (Trace.objects.using(store.alias).filter(submission_id__in=[s.pk for s in subs])
               .order_by("submission_id", "-number")):
        latest.setdefault(tr.submission_id, tr)
    if not latest or "person_id" not in t.columns:
        return t.mutate(traced_nhs_number=ibis.null("string"),
                        trace_match_type=ibis.null("int8"))
    r = con.read_parquet([str((store.path(tr.folder) / "results.parquet").resolve())
                          for tr in latest.values()])
    r = r.select(t_sub=r.submission_id, t_person=r.person_id,
                 traced_nhs_number=r.traced_nhs_number.cast("string"),
                 trace_match_type=r.match_type.cast("int8"))
    j = t.left_join(r, [t.submission_id == r.t_sub, t.person_id == r.t_person])
    return j.select(*t.columns, "traced_nhs_number", "trace_match_type")


def content_digest(t: ir.Table, spec_version: str) -> ir.StringValue:
    """MD5 of everything an event says (the five submission items left out: they change
    every period). Two editions of an event differ when their digests do. Separator and
    NULL marker are the printable symbols for US and NUL (control characters do not survive
    every engine's SQL)."""
    from cld.spec import load_spec

    ids = [i.id for i in load_spec(spec_version).items
           if i.section != "submission" and i.id in t.columns]
    parts = [t[i].cast("string").fill_null("\u2400") for i in ids]
    return ibis.literal("\u241f").join(parts).hexdigest("md5")


def _count(t: ir.Table) -> int:
    return int(t.count().to_pyarrow().as_py())


def _check_rows(rows: int, subs: Sequence[Any]) -> None:
    """The dataset holds exactly the events of the submissions it was built from."""
    expected = sum(s.rows for s in subs)
    if rows != expected:
        raise StoreDamaged(f"the dataset has {rows:,} events but its submissions hold "
                           f"{expected:,}: nothing was written")


def write_csv(t: ir.Table, path: Path) -> int:
    """`t` as CSV, batch by batch, every text cell neutralised against spreadsheet formulas
    (a value starting with = + - @ gets a leading '); the rows written."""
    import pyarrow.csv as pcsv

    from cld.formulas import neutralise_table

    reader = t.to_pyarrow_batches()
    rows = 0
    writer = None
    try:
        for batch in reader:
            safe = neutralise_table(pa.Table.from_batches([batch]))
            if writer is None:
                writer = pcsv.CSVWriter(path, safe.schema)
            writer.write_table(safe)
            rows += batch.num_rows
        if writer is None:  # no rows: the header alone
            pcsv.write_csv(reader.schema.empty_table(), path)
    finally:
        if writer is not None:
            writer.close()
    return rows


@dataclass
class Export:
    path: Path
    rows: int
    sha256: str
    submissions: list[SubmissionInfo]
    source: str  # "as of ..." or "locked snapshot N"


def export_dataset(store: Store, year: str, out: Path, *, as_of: date | datetime | None = None,
                   la: str | None = None, fmt: str = "parquet",
                   by: str | None = None, backend: BaseBackend | None = None) -> Export:
    """Write the consolidated dataset (Parquet or CSV) with a manifest beside it.

    A locked year without `as_of` gives its frozen snapshot; otherwise the data that counts
    as of `as_of` (default: now).
    """
    from cld.store.models import YearSnapshot

    if la is not None:
        from cld.spec.register import all_las

        if la not in all_las():
            raise UnknownLA(f"{la!r} is not an LA code in the register")
    y = store.year(year)
    con = backend or connect()
    snap = None
    if y.locked and as_of is None:
        snap = YearSnapshot.objects.using(store.alias).filter(year=y).order_by("-number").first()
    if snap is not None:
        t = con.read_parquet(str(store.path(snap.path)))
        if la:
            t = t.filter(t.la_code == la)
        manifest = json.loads(snap.manifest)
        subs_info = [SubmissionInfo.from_dict(m) for m in manifest["submissions"]
                     if not la or m["la_code"] == la]
        source = f"locked snapshot {snap.number} ({snap.locked_at:%d/%m/%Y %H:%M} UTC)"
        moment = None
    else:
        moment = as_of_moment(as_of)
        subs = counting(store, year, moment, la)
        t = events_table(con, store, subs)
        subs_info = [SubmissionInfo.of(s) for s in subs]
        source = f"as of {moment.astimezone(LONDON):%d/%m/%Y %H:%M:%S %Z}"
    if fmt not in {"csv", "parquet"}:
        raise StoreError(f"unknown format {fmt!r}: choose parquet or csv")
    tmp = out.with_name(out.name + ".part")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        if fmt == "csv":
            rows = write_csv(t, tmp)
        else:
            t.to_parquet(tmp, compression="zstd")
            rows = _count(con.read_parquet(str(tmp)))
        if snap is None:
            _check_rows(rows, subs)
        sha = sha256_file(tmp)
        tmp.replace(out)
        manifest_path = out.with_name(out.name + ".manifest.json")
        manifest_path.write_text(json.dumps({
            "year": y.label, "la": la, "source": source, "rows": rows, "sha256": sha,
            "format": fmt, "submissions": [i.as_dict() for i in subs_info]}, indent=1,
            default=str), encoding="utf-8")
    except (OSError, duckdb.Error, StoreError) as exc:
        tmp.unlink(missing_ok=True)
        if isinstance(exc, StoreError):
            raise
        raise StoreError(write_error(exc, f"write {out}")) from None
    with store.write_lock():
        audit.append(store.alias, by or default_actor(), "export", year=y.label, la_code=la or "",
                     file=out.name, sha256=sha, rows=rows, source=source,
                     submissions=[s.id for s in subs_info])
    return Export(out, rows, sha, subs_info, source)


def lock_year(store: Store, year: str, by: str | None = None,
              backend: BaseBackend | None = None, reason: str = "") -> Any:
    """Freeze the year's consolidated dataset as the next snapshot and refuse new submissions.
    `reason`, when given, is kept in the audit event."""
    from cld.store.models import YearSnapshot

    why = {"reason": check_reason(reason)} if reason.strip() else {}
    actor = by or default_actor()
    y = store.year(year)
    if y.locked:
        raise StoreError(f"{y.label} is already locked")
    subs = counting(store, y.label)
    slug = parse_year(y.label).slug
    with store.staging() as work:
        con = backend or connect()
        part = work / "snapshot.parquet"
        try:
            events_table(con, store, subs).to_parquet(part, compression="zstd")
            rows = _count(con.read_parquet(str(part)))
            _check_rows(rows, subs)
            sha = sha256_file(part)
        except (OSError, duckdb.Error) as exc:
            raise StoreError(write_error(exc, "write the year's snapshot")) from None
        crash_point("snapshot-written")
        with store.write_lock():
            y.refresh_from_db(using=store.alias)
            if y.locked:
                raise StoreError(f"{y.label} was locked by someone else meanwhile")
            if {s.pk for s in counting(store, y.label)} != {s.pk for s in subs}:
                raise StoreError(f"a submission for {y.label} arrived while the snapshot was "
                                 "being built: nothing was locked; run lock-year again")
            number = YearSnapshot.objects.using(store.alias).filter(year=y).count() + 1
            rel = f"snapshots/{slug}/snapshot-{number}.parquet"
            manifest = {"year": y.label, "submissions": [submission_info(s) for s in subs]}
            snap = YearSnapshot(year=y, number=number, locked_at=datetime.now(UTC),
                                locked_by=actor, path=rel, sha256=sha, rows=rows,
                                manifest=json.dumps(manifest, default=str))
            snap.save(using=store.alias)
            y.locked = True
            y.save(using=store.alias, update_fields=["locked"])
            audit.append(store.alias, actor, "lock", year=y.label, bind=[snap, y],
                         snapshot=number,
                         sha256=sha, rows=rows, submissions=[s.pk for s in subs], **why)
            move_into_place(part, store.path(rel), "store the year's snapshot",
                            "snapshot-moved", read_only=True)
    return snap


def check_reason(reason: str) -> str:
    """A reason for the audit trail, trimmed; refused when it holds ten digits in a row (spaces
    and dashes aside): an NHS number, or any identifier, has no place in the trail."""
    if re.search(r"\d{10}", re.sub(r"[\s-]", "", reason)):
        raise StoreError("the reason must not hold an NHS number (or any other identifier of "
                         "a person)")
    return reason.strip()


def reopen_year(store: Store, year: str, reason: str, by: str | None = None) -> Any:
    """Unlock a locked year (its snapshots are kept); an explicit, audited act."""
    from cld.store.models import YearSnapshot

    if not reason.strip():
        raise StoreError("say why the year is reopened (a reason is required)")
    reason = check_reason(reason)
    actor = by or default_actor()
    y = store.year(year)
    with store.write_lock():
        y.refresh_from_db(using=store.alias)
        if not y.locked:
            raise StoreError(f"{y.label} is not locked")
        snap = YearSnapshot.objects.using(store.alias).filter(year=y).order_by("-number").first()
        if snap is not None:
            YearSnapshot.objects.using(store.alias).filter(pk=snap.pk).update(
                reopened_at=datetime.now(UTC), reopened_by=actor, reopen_reason=reason)
        y.locked = False
        y.save(using=store.alias, update_fields=["locked"])
        audit.append(store.alias, actor, "reopen", year=y.label, reason=reason,
                     bind=[r for r in (snap, y) if r is not None],
                     snapshot=snap.number if snap else None)
    return y


def history(store: Store, la: str, year: str,
            as_of: date | datetime | None = None,
            backend: BaseBackend | None = None) -> tuple[ir.Table, ir.Table]:
    """Each event's history across the accepted versions of one LA's year, and a summary per
    version: (events, versions).

    events: event_key, first_seen, last_seen, versions_seen, changes (content differs from
    the edition in the version before), closed_in (first version with an end date after an
    open edition), end_date (latest), dropped_in (first version that lacked it after it was
    seen), times_dropped, state (open / ended / dropped: absent from the latest version).
    versions: per version, rows, new, returned (back after being dropped), changed, closed,
    dropped (present in the version before, absent here), unchanged.
    """
    from cld.store.models import Submission

    subs = list(Submission.objects.using(store.alias).select_related("year")
                .filter(la_id=la, year__label=parse_year(year).label,
                        status=Submission.ACCEPTED, received_at__lte=as_of_moment(as_of))
                .order_by("version"))
    if not subs:
        raise StoreError(f"no accepted submission of {la} for {parse_year(year).label}")
    con = backend or connect()
    t = events_table(con, store, subs)
    t = t.select(event_key=t.event_key, v=t.submission_version,
                 row_hash=content_digest(t, subs[0].spec_version), event_end=t.event_end)
    versions = [s.version for s in subs]
    nav = ibis.memtable(pa.table({
        "nv": pa.array(versions, pa.int64()),
        "next_v": pa.array(versions[1:] + [None], pa.int64()),
        "before_v": pa.array([None] + versions[:-1], pa.int64())}))
    t = t.inner_join(nav, t.v == nav.nv)
    w = ibis.window(group_by=t.event_key, order_by=t.v)
    e = t.mutate(prev_hash=t.row_hash.lag().over(w), prev_end=t.event_end.lag().over(w),
                 prev_v=t.v.lag().over(w), lead_v=t.v.lead().over(w))
    # returned: seen before, but not in the version just before this one
    returned = e.prev_v.notnull() & (e.prev_v != e.before_v)
    e = e.mutate(
        returned=returned,
        changed=e.prev_hash.notnull() & ~returned & (e.row_hash != e.prev_hash),
        closed=e.prev_v.notnull() & e.prev_end.isnull() & e.event_end.notnull(),
        # absent from the next version: dropped in it
        dropped_in=ibis.ifelse(e.next_v.notnull()
                               & (e.lead_v.isnull() | (e.lead_v != e.next_v)), e.next_v, None))
    last = max(versions)
    per_event = e.group_by("event_key").agg(
        first_seen=e.v.min(), last_seen=e.v.max(), versions_seen=e.v.count(),
        changes=e.changed.sum(), closed_in=ibis.ifelse(e.closed, e.v, None).min(),
        end_date=e.event_end.argmax(e.v), dropped_in=e.dropped_in.min(),
        times_dropped=e.dropped_in.count())
    p = per_event
    events = p.mutate(state=ibis.ifelse(
        p.last_seen == last, ibis.ifelse(p.end_date.isnull(), "open", "ended"),
        "dropped")).order_by("event_key")
    by_v = e.group_by("v").agg(rows=e.count(), new=e.prev_v.isnull().sum(),
                               returned=e.returned.sum(), changed=e.changed.sum(),
                               closed=e.closed.sum())
    drops = e.filter(e.dropped_in.notnull())
    dropped = drops.group_by(dv=drops.dropped_in).agg(dropped=drops.count())
    j = by_v.left_join(dropped, by_v.v == dropped.dv)
    summary = j.select(version=j.v, rows=j.rows, new=j.new, returned=j.returned,
                       changed=j.changed, closed=j.closed, dropped=j.dropped.fill_null(0),
                       unchanged=j.rows - j.new - j.returned - j.changed).order_by("version")
    return events, summary
