"""`cld submit`: validate, store and report one submission, atomically.

Work happens in a private staging folder; the version becomes visible only when its folder
is moved into place and its row committed, both under the store's write lock. A crash at any
point leaves the whole new version or nothing (`Store.recover` tidies what a crash left).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow.compute as pc

from cld.dates import ddmmyyyy, parse_ddmmyyyy
from cld.errors import StoreError, UnknownLA
from cld.store import audit
from cld.store.core import Store, crash_point, default_actor, move_into_place
from cld.store.files import (
    STORED_FILES,
    copy_with_sha256,
    fsync_tree,
    make_read_only,
    original_name,
    os_message,
    sha256_file,
    write_error,
)
from cld.store.results import save_result
from cld.store.years import parse_year
from cld.validation.result import Summary, ValidationResult


@dataclass
class SubmitOutcome:
    """What happened to a submitted file."""

    kind: str  # accepted / rejected / duplicate / refused
    message: str
    submission: Any = None  # the Submission row (None when refused)
    result: ValidationResult | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        if self.kind == "duplicate":  # as good (or as bad) as the version it repeats
            return 0 if self.submission.status == "accepted" else 1
        return {"accepted": 0, "rejected": 1}.get(self.kind, 3)


def _parse_dmy(text: str | None) -> date | None:
    """A dd/mm/yyyy date from a stored result, None when absent or not a date."""
    try:
        return parse_ddmmyyyy(text) if text else None
    except ValueError:
        return None


def submit(store: Store, file: str | Path, la: str, year: str, *,
           period_end: date | None = None, by: str | None = None,
           spec_version: str = "v4.2",
           progress: Callable[[str], None] | None = None) -> SubmitOutcome:
    """Validate `file` and store it as the next version of `la`'s `year`."""
    from cld.spec import available_versions
    from cld.spec.register import register_for

    actor = by or default_actor()
    src = Path(file)
    y = parse_year(year)
    if la not in register_for(y.label):
        raise UnknownLA(f"{la!r} is not an LA code in the register for {y.label}")
    if spec_version not in available_versions():
        raise StoreError(f"unknown specification version {spec_version!r}")
    if period_end is not None and not y.start < period_end <= y.end:
        raise StoreError(f"the period end {ddmmyyyy(period_end)} is not within {y.label} "
                         f"({ddmmyyyy(y.start)} to {ddmmyyyy(y.end)})")
    if not src.exists():
        raise StoreError(f"{src}: no such file")
    if not src.is_file():
        from cld.ingest.sniff import special_kind

        what = special_kind(src) or "something else"
        raise StoreError(f"{src} is not a file but {what} (give the submission's CSV or XLSX "
                         "file)")
    if _locked(store, y.label):
        with store.write_lock():
            return _refuse(store, la, y.label, actor, src.name)

    with store.staging() as work:
        try:
            return _stage_and_commit(store, work, src, la, y.label, period_end, actor,
                                     spec_version, progress or (lambda _m: None))
        except (duckdb.Error, OSError) as exc:
            raise StoreError(write_error(exc, "write the submission into the store")) from None


def _stage_and_commit(store: Store, work: Path, src: Path, la: str, year: str,
                      period_end: date | None, actor: str, spec_version: str,
                      step: Callable[[str], None]) -> SubmitOutcome:
    from cld.ingest import UnreadableFile
    from cld.store.models import Submission
    from cld.validation.engine import connect, validate

    y = parse_year(year)
    step("Copying the file into the store")
    try:
        sha, size = copy_with_sha256(src, work / original_name(src.name))
    except OSError as exc:
        raise StoreError(os_message(exc, f"copy {src} into the store")) from None
    crash_point("staged")
    same = _same_as_latest(store, la, year, sha, period_end, spec_version)
    if same is not None:
        with store.write_lock():
            return _duplicate(store, same, actor, src.name)

    arrived = datetime.now(UTC).date()
    spill = work / "duckdb.tmp"  # DuckDB spills here, not into the current folder
    con = connect(temp_directory=spill)
    reason = ""
    result: ValidationResult | None = None
    try:
        result = validate(work / original_name(src.name), la_code=la,
                          period_start=y.start, period_end=period_end,
                          spec_version=spec_version, con=con, display_name=src.name,
                          progress=step)
    except UnreadableFile as exc:
        reason = f"the file cannot be read: {exc}"
    stated_start = stated_end = None
    if result is not None:
        s = result.summary
        stated_start = s.stated_period_start
        stated_end = period_end or s.stated_period_end
        reason = _rejection(s, _fatal_summary(result), la, y.label, y.start, y.end,
                            stated_start, stated_end)
    accepted = not reason
    fields: dict[str, Any] = {}
    notes: list[str] = []
    step("Saving the data-quality result")
    save_result(work, result, reason)
    if accepted:
        assert result is not None and result.prepared is not None
        step("Writing the normalised events")
        written = result.prepared.write_events(work / "events.parquet")
        fields.update(keys_from_reference=written.keys_from_reference,
                      keys_derived=written.keys_derived)
        derived = result.prepared.derived_period(arrived)
        if derived:
            fields.update(derived_start=derived[0], derived_end=derived[1])
        notes = _period_notes(y.start, stated_end, derived)
    con.close()
    if result is not None:
        result.prepared = None  # its connection is closed: the outcome keeps no dead handle
    shutil.rmtree(spill, ignore_errors=True)
    crash_point("written")
    fsync_tree(work)
    make_read_only(work)
    checksums = {field: sha256_file(work / name) for field, name in STORED_FILES.items()
                 if (work / name).exists()}
    s = result.summary if result else Summary()
    fields.update(
        status=Submission.ACCEPTED if accepted else Submission.REJECTED, submitted_by=actor,
        filename=src.name, size=size, sha256=sha, spec_version=spec_version,
        requested_period_end=period_end, stated_start=stated_start, stated_end=stated_end,
        period_note="\n".join(notes), rejection_reason=reason, rows=s.rows or 0,
        people=s.people, fatal=s.fatal or 0 if result else 1,
        errors=s.errors or 0, warnings=s.warnings or 0, **checksums)
    return _commit(store, work, la, year, fields, result, notes)


def _fatal_summary(result: ValidationResult) -> str:
    """The fatal issues in a few words, e.g. 'Mandatory column missing: Event Type'."""
    issues = result.issues
    fatal = issues.filter(pc.equal(issues["severity"], "fatal")).slice(0, 3).to_pylist()
    return "; ".join(str(r["message"]) for r in fatal) or "see the report"


def _rejection(s: Summary, fatal_summary: str, la: str, year: str, start: date,
               end: date, stated_start: date | None, stated_end: date | None) -> str:
    """Why a readable file cannot be a version of `la`'s `year` ('' when it can)."""
    if s.fatal:
        return f"{s.fatal} structural problem(s): {fatal_summary}"
    stated_la = s.stated_la_code
    if stated_la and stated_la != la:
        return f"the file's LA Code is {stated_la}, not {la} (is this the right file?)"
    if stated_start != start:
        return (f"the file's Reporting Period Start Date is "
                f"{ddmmyyyy(s.stated_period_start, 'missing')}: submissions are cumulative from "
                f"{ddmmyyyy(start)} for {year}")
    if stated_end is None or not start < stated_end <= end:
        return f"the reporting period end {ddmmyyyy(stated_end, '?')} is not within {year}"
    return ""


def _locked(store: Store, year: str) -> bool:
    from cld.store.models import ReportingYear

    row = ReportingYear.objects.using(store.alias).filter(label=year).first()
    return bool(row is not None and row.locked)


def _latest(store: Store, la: str, year: str) -> Any:
    from cld.store.models import Submission

    return (Submission.objects.using(store.alias).select_related("year")
            .filter(la_id=la, year__label=year).order_by("-version").first())


def _same_as_latest(store: Store, la: str, year: str, sha: str, period_end: date | None,
                    spec_version: str) -> Any:
    """The latest version when this is the same submission again: same bytes, same
    specification, and the same period end in effect (the one requested, else the file's)."""
    last = _latest(store, la, year)
    if last is None or last.sha256 != sha or last.spec_version != spec_version:
        return None
    if period_end is None:  # the file's own end, which the same bytes share with `last`
        period_end = _parse_dmy(_stated_in_file(store, last))
    return last if period_end == last.stated_end else None


def _stated_in_file(store: Store, sub: Any) -> str | None:
    """The Reporting Period End Date the stored file itself states (dd/mm/yyyy)."""
    try:
        doc = json.loads((store.path(sub.folder) / "result.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return (doc.get("summary") or {}).get("stated_period_end")


def _refuse(store: Store, la: str, year: str, actor: str, filename: str) -> SubmitOutcome:
    """Call under the write lock."""
    audit.append(store.alias, actor, "refuse", la_code=la, year=year, file=filename,
                 reason="year locked")
    return SubmitOutcome("refused", f"{year} is locked for annual reporting: the submission "
                         f"was refused and nothing was stored. A processor can reopen the year.")


def _duplicate(store: Store, same: Any, actor: str, filename: str) -> SubmitOutcome:
    """Call under the write lock."""
    audit.append(store.alias, actor, "duplicate", la_code=same.la_id, year=same.year.label,
                 file=filename, sha256=same.sha256, same_as=same.pk)
    when = same.received_at.strftime("%d/%m/%Y %H:%M")
    why = f": {same.rejection_reason}" if same.status == "rejected" else ""
    return SubmitOutcome("duplicate", f"identical to version {same.version} ({same.status}, "
                         f"received {when} UTC{why}): no new version was stored.", same)


def _period_notes(start: date, stated_end: date | None,
                  derived: tuple[date, date] | None) -> list[str]:
    if derived is None or stated_end is None:
        return ["No event has ended before the month of submission: the period the data "
                "covers cannot be derived."] if stated_end else []
    notes = []
    if derived[1] < stated_end:
        notes.append(f"The stated period ends {ddmmyyyy(stated_end)} but events end only up "
                     f"to {ddmmyyyy(derived[1])}: the stated period is wider than the data.")
    if derived[0] > start:
        notes.append(f"Events end only from {ddmmyyyy(derived[0])}: the data may not cover "
                     f"the start of the year ({ddmmyyyy(start)}).")
    return notes


def _commit(store: Store, work: Path, la: str, year: str, fields: dict[str, Any],
            result: ValidationResult | None, notes: list[str]) -> SubmitOutcome:
    """Under the write lock, in one transaction: number the version, insert its row and
    audit event, move its folder into place. An error before the commit moves the folder
    back (the staging folder is then removed); a crash leaves a folder `recover` sets aside."""
    from cld.store.models import Submission

    with store.write_lock():
        if _locked(store, year):  # locked while the file was being checked
            return _refuse(store, la, year, fields["submitted_by"], fields["filename"])
        y = store.year(year, create=True)
        same = _same_as_latest(store, la, year, fields["sha256"],
                               fields["requested_period_end"], fields["spec_version"])
        if same is not None:  # an identical submission committed meanwhile
            return _duplicate(store, same, fields["submitted_by"], fields["filename"])
        last = _latest(store, la, year)
        prev = (Submission.objects.using(store.alias)
                .filter(la_id=la, year=y, status=Submission.ACCEPTED)
                .order_by("-version").first())
        version = 1 if last is None else last.version + 1
        accepted = fields["status"] == Submission.ACCEPTED
        rel = f"submissions/{la}/{parse_year(year).slug}/{work.name}"
        sub = Submission(la_id=la, year=y, version=version, folder=rel,
                         received_at=datetime.now(UTC),
                         supersedes=prev if accepted else None, **fields)
        sub.save(using=store.alias)
        audit.append(store.alias, fields["submitted_by"], "submit" if accepted else "reject",
                     la_code=la, year=year, bind=[sub, y], submission=sub.pk,
                     version=version,
                     file=fields["filename"], sha256=fields["sha256"],
                     events_sha256=fields.get("events_sha256", ""),
                     result_sha256=fields.get("result_sha256", ""),
                     issues_sha256=fields.get("issues_sha256", ""), rows=fields["rows"],
                     errors=fields["errors"], reason=fields["rejection_reason"])
        move_into_place(work, store.path(rel), "store the submission", "moved")
    crash_point("committed")
    if accepted:
        msg = (f"stored as version {version} of {la} {year} (submission {sub.pk})"
               + (f", superseding version {prev.version}" if prev else "")
               + f": {fields['rows']:,} rows, {fields['errors']:,} errors, "
               f"{fields['warnings']:,} warnings.")
    else:
        msg = (f"stored as version {version} of {la} {year} (submission {sub.pk}), which will "
               f"never count: "
               f"{fields['rejection_reason']}.")
    return SubmitOutcome("accepted" if accepted else "rejected", msg, sub, result, notes)


@dataclass(frozen=True)
class SubmissionInfo:
    """One stored submission as the shells and manifests see it (no personal data).

    `as_dict()` is its JSON form (dates as yyyy-mm-dd, `received_at` as ISO 8601), the shape
    of `cld submissions --format json` and of a dataset manifest's `submissions`.
    """

    id: int
    la_code: str
    year: str
    version: int
    status: str  # accepted / rejected
    received_at: datetime
    submitted_by: str
    file: str
    size: int
    sha256: str
    events_sha256: str
    stated_start: date | None
    stated_end: date | None
    derived_start: date | None
    derived_end: date | None
    period_note: str
    rejection_reason: str
    rows: int
    people: int | None
    fatal: int
    errors: int
    warnings: int
    supersedes: int | None  # the id of the version this one replaced
    keys_from_reference: int | None
    keys_derived: int | None

    @classmethod
    def of(cls, sub: Any) -> SubmissionInfo:
        """The description of a Submission row."""
        return cls(
            id=sub.pk, la_code=sub.la_id, year=sub.year.label, version=sub.version,
            status=sub.status, received_at=sub.received_at, submitted_by=sub.submitted_by,
            file=sub.filename, size=sub.size, sha256=sub.sha256,
            events_sha256=sub.events_sha256, stated_start=sub.stated_start,
            stated_end=sub.stated_end, derived_start=sub.derived_start,
            derived_end=sub.derived_end, period_note=sub.period_note,
            rejection_reason=sub.rejection_reason, rows=sub.rows, people=sub.people,
            fatal=sub.fatal, errors=sub.errors, warnings=sub.warnings,
            supersedes=sub.supersedes_id, keys_from_reference=sub.keys_from_reference,
            keys_derived=sub.keys_derived)

    @classmethod
    def from_dict(cls, doc: dict[str, Any]) -> SubmissionInfo:
        """The description read back from its JSON form (e.g. a snapshot's manifest)."""
        kw: dict[str, Any] = {f.name: doc.get(f.name) for f in fields(cls)}
        kw["received_at"] = datetime.fromisoformat(kw["received_at"])
        for k in ("stated_start", "stated_end", "derived_start", "derived_end"):
            kw[k] = date.fromisoformat(kw[k]) if kw.get(k) else None
        return cls(**kw)

    def as_dict(self) -> dict[str, Any]:
        """The JSON-ready form (only JSON types)."""
        doc = {f.name: getattr(self, f.name) for f in fields(self)}
        doc["received_at"] = self.received_at.isoformat()
        return json.loads(json.dumps(doc, default=str))  # dates as yyyy-mm-dd


def submission_info(sub: Any) -> dict[str, Any]:
    """A JSON-ready description of one submission (no personal data): `SubmissionInfo`'s."""
    return SubmissionInfo.of(sub).as_dict()
