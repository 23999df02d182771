"""`cld submit`: validate, store and report one submission, atomically.

Work happens in a private staging folder; the version becomes visible only when its folder
is moved into place and its row committed, both under the store's write lock. A crash at any
point leaves the whole new version or nothing (`Store.recover` tidies what a crash left).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from cld.store import audit
from cld.store.core import Store, crash_point, default_actor
from cld.store.events import derived_period, write_events
from cld.store.files import (
    StoreError,
    copy_with_sha256,
    fsync_dir,
    fsync_tree,
    make_read_only,
    original_name,
    os_message,
)
from cld.store.results import save_result
from cld.store.years import parse_year
from cld.validation.result import ValidationResult


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
        return {"accepted": 0, "duplicate": 0, "rejected": 1}.get(self.kind, 3)


def _ddmmyyyy(d: date | None) -> str:
    return d.strftime("%d/%m/%Y") if d else "?"


def _iso_date(text: Any) -> date | None:
    if not text:
        return None
    try:
        return datetime.strptime(str(text), "%d/%m/%Y").date()
    except ValueError:
        return None


def submit(store: Store, file: str | Path, la: str, year: str, *,
           period_end: date | None = None, by: str | None = None,
           spec_version: str = "v4.2",
           progress: Callable[[str], None] | None = None) -> SubmitOutcome:
    """Validate `file` and store it as the next version of `la`'s `year`."""
    from cld.ingest import UnreadableFile
    from cld.spec import load_register
    from cld.store.models import Submission
    from cld.validation import validate
    from cld.validation.engine import connect

    step = progress or (lambda _m: None)
    actor = by or default_actor()
    src = Path(file)
    y = parse_year(year)
    if la not in load_register():
        raise StoreError(f"{la!r} is not an LA code in the register (see `cld las`)")
    if period_end is not None and not y.start < period_end <= y.end:
        raise StoreError(f"--period-end {_ddmmyyyy(period_end)} is not within {y.label} "
                         f"({_ddmmyyyy(y.start)} to {_ddmmyyyy(y.end)})")
    if not src.is_file():
        raise StoreError(f"{src}: no such file")
    refused = _refusal(store, la, y.label, actor, src.name)
    if refused:
        return refused

    with store.staging() as work:
        step("Copying the file into the store")
        original = work / original_name(src.name)
        try:
            sha, size = copy_with_sha256(src, original)
        except OSError as exc:
            raise StoreError(os_message(exc, f"copy {src} into the store")) from None
        crash_point("staged")
        same = _latest(store, la, y.label)
        if same is not None and same.sha256 == sha:
            return _duplicate(store, same, actor, src.name)

        received = datetime.now(UTC)
        con = connect()
        reason = ""
        result: ValidationResult | None = None
        try:
            result = validate(original, la_code=la, period_start=_ddmmyyyy(y.start),
                              period_end=_ddmmyyyy(period_end) if period_end else None,
                              spec_version=spec_version, con=con, display_name=src.name,
                              progress=step)
        except UnreadableFile as exc:
            reason = f"the file cannot be read: {exc}"
        stated_start = stated_end = None
        notes: list[str] = []
        if result is not None:
            s = result.summary
            stated_start = _iso_date(s.get("stated_period_start"))
            stated_end = period_end or _iso_date(s.get("stated_period_end"))
            if s.get("fatal"):
                reason = (f"{s['fatal']} structural problem(s) (fatal issues in the report), "
                          "e.g. a mandatory column is missing")
            elif stated_start != y.start:
                reason = (f"the file's Reporting Period Start Date is "
                          f"{s.get('stated_period_start') or 'missing'}: submissions are "
                          f"cumulative from {_ddmmyyyy(y.start)} for {y.label}")
            elif stated_end is None or not y.start < stated_end <= y.end:
                reason = (f"the reporting period end {_ddmmyyyy(stated_end)} is not within "
                          f"{y.label}")
        status = Submission.REJECTED if reason else Submission.ACCEPTED
        counts: dict[str, Any] = {}
        derived = None
        try:
            step("Saving the data-quality result")
            result_sha = save_result(work, result, reason)
            if status == Submission.ACCEPTED:
                assert result is not None
                step("Writing the normalised events")
                present = set(result.summary.get("present_items", []))
                written = write_events(con, _spec(spec_version), present,
                                       work / "events.parquet")
                counts = {"keys_from_reference": written.keys_from_reference,
                          "keys_derived": written.keys_derived}
                derived = derived_period(con, received.date(), present)
                notes += _period_notes(y.start, stated_end, derived)
            con.close()
            crash_point("written")
            fsync_tree(work)
            make_read_only(work)
        except OSError as exc:
            raise StoreError(os_message(exc, "write the submission into the store")) from None
        events_sha = ""
        if (work / "events.parquet").exists():
            from cld.store.files import sha256_file

            events_sha = sha256_file(work / "events.parquet")
        fields = dict(
            status=status, received_at=received, submitted_by=actor, filename=src.name,
            size=size, sha256=sha, spec_version=spec_version, stated_start=stated_start,
            stated_end=stated_end, derived_start=derived[0] if derived else None,
            derived_end=derived[1] if derived else None, period_note="\n".join(notes),
            rejection_reason=reason, rows=result.summary.get("rows") or 0 if result else 0,
            people=result.summary.get("people") if result else None,
            fatal=result.summary.get("fatal", 0) if result else 1,
            errors=result.summary.get("errors", 0) if result else 0,
            warnings=result.summary.get("warnings", 0) if result else 0,
            events_sha256=events_sha, result_sha256=result_sha, **counts)
        return _commit(store, work, la, y.label, fields, result)


def _spec(version: str) -> Any:
    from cld.spec import load_spec

    return load_spec(version)


def _latest(store: Store, la: str, year: str) -> Any:
    from cld.store.models import Submission

    return (Submission.objects.using(store.alias).filter(la_id=la, year__label=year)
            .order_by("-version").first())


def _refusal(store: Store, la: str, year: str, actor: str, filename: str) -> SubmitOutcome | None:
    from cld.store.models import ReportingYear

    row = ReportingYear.objects.using(store.alias).filter(label=year).first()
    if row is None or not row.locked:
        return None
    with store.write_lock():
        audit.append(store.alias, actor, "refuse", la_code=la, year=year, file=filename,
                     reason="year locked")
    return SubmitOutcome("refused", f"{year} is locked for annual reporting: the submission "
                         f"was refused and nothing was stored. A processor can reopen the year "
                         f"with `cld reopen-year {year} --reason ...`.")


def _duplicate(store: Store, same: Any, actor: str, filename: str) -> SubmitOutcome:
    with store.write_lock():
        audit.append(store.alias, actor, "duplicate", la_code=same.la_id, year=same.year.label,
                     file=filename, sha256=same.sha256, same_as=same.pk)
    when = same.received_at.strftime("%d/%m/%Y %H:%M")
    return SubmitOutcome("duplicate", f"identical to version {same.version} ({same.status}, "
                         f"received {when} UTC): no new version was stored.", same)


def _period_notes(start: date, stated_end: date | None,
                  derived: tuple[date, date] | None) -> list[str]:
    if derived is None or stated_end is None:
        return ["No event has ended before the month of submission: the period the data "
                "covers cannot be derived."] if stated_end else []
    notes = []
    if derived[1] < stated_end:
        notes.append(f"The stated period ends {_ddmmyyyy(stated_end)} but events end only up "
                     f"to {_ddmmyyyy(derived[1])}: the stated period is wider than the data.")
    if derived[0] > start:
        notes.append(f"Events end only from {_ddmmyyyy(derived[0])}: the data may not cover "
                     f"the start of the year ({_ddmmyyyy(start)}).")
    return notes


def _commit(store: Store, work: Path, la: str, year: str, fields: dict[str, Any],
            result: ValidationResult | None) -> SubmitOutcome:
    from cld.store.models import Submission

    dest: Path | None = None
    try:
        with store.write_lock():
            refused = _locked_now(store, year)
            if refused:
                raise StoreError(refused)
            y = store.year(year, create=True)
            last = _latest(store, la, year)
            if last is not None and last.sha256 == fields["sha256"]:  # raced with a twin
                return SubmitOutcome("duplicate", f"identical to version {last.version}: no "
                                     "new version was stored.", last)
            prev = (Submission.objects.using(store.alias)
                    .filter(la_id=la, year=y, status=Submission.ACCEPTED)
                    .order_by("-version").first())
            version = 1 if last is None else last.version + 1
            accepted = fields["status"] == Submission.ACCEPTED
            rel = f"submissions/{la}/{parse_year(year).slug}/{work.name}"
            sub = Submission(la_id=la, year=y, version=version, folder=rel,
                             supersedes=prev if accepted else None, **fields)
            sub.save(using=store.alias)
            audit.append(store.alias, fields["submitted_by"], "submit" if accepted else "reject",
                         la_code=la, year=year, submission=sub.pk, version=version,
                         file=fields["filename"], sha256=fields["sha256"],
                         events_sha256=fields["events_sha256"],
                         result_sha256=fields["result_sha256"], rows=fields["rows"],
                         errors=fields["errors"], reason=fields["rejection_reason"])
            try:
                store.path(rel).parent.mkdir(parents=True, exist_ok=True)
                work.rename(store.path(rel))
                dest = store.path(rel)
                fsync_dir(dest.parent)
            except OSError as exc:
                raise StoreError(os_message(exc, "move the submission into place")) from None
            crash_point("moved")
    except BaseException:
        if dest is not None and dest.exists():
            dest.rename(work)  # not committed: back to staging, which removes it
        raise
    crash_point("committed")
    kind = fields["status"]
    if kind == Submission.ACCEPTED:
        msg = (f"accepted as version {version} of {la} {year}"
               + (f", superseding version {prev.version}" if prev else "")
               + f": {fields['rows']:,} rows, {fields['errors']:,} errors, "
               f"{fields['warnings']:,} warnings.")
    else:
        msg = f"rejected (stored as version {version}): {fields['rejection_reason']}."
    return SubmitOutcome(kind, msg, sub, result,
                         [n for n in fields["period_note"].split("\n") if n])


def _locked_now(store: Store, year: str) -> str | None:
    from cld.store.models import ReportingYear

    row = ReportingYear.objects.using(store.alias).filter(label=year).first()
    if row is not None and row.locked:
        return f"{year} was locked while the file was being checked: nothing was stored."
    return None


def submission_info(sub: Any) -> dict[str, Any]:
    """A JSON-ready description of one submission (no personal data)."""
    return json.loads(json.dumps({
        "id": sub.pk, "la_code": sub.la_id, "year": sub.year.label, "version": sub.version,
        "status": sub.status, "received_at": sub.received_at.isoformat(),
        "submitted_by": sub.submitted_by, "file": sub.filename, "size": sub.size,
        "sha256": sub.sha256, "stated_period": [sub.stated_start, sub.stated_end],
        "derived_period": [sub.derived_start, sub.derived_end],
        "period_note": sub.period_note, "rejection_reason": sub.rejection_reason,
        "rows": sub.rows, "people": sub.people, "fatal": sub.fatal, "errors": sub.errors,
        "warnings": sub.warnings, "supersedes": sub.supersedes_id,
        "keys_from_reference": sub.keys_from_reference, "keys_derived": sub.keys_derived,
    }, default=str))
