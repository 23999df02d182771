"""Reads of the store for the shells (CLI now, the portal later): no shell touches the ORM."""

from __future__ import annotations

import threading
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from cld.errors import StoreDamaged, StoreError
from cld.store.core import Store
from cld.store.results import load_result, rejection_reason
from cld.store.submit import SubmissionInfo
from cld.store.years import parse_year
from cld.validation.result import ValidationResult


def list_submissions(store: Store, year: str, la: str | None = None) -> list[SubmissionInfo]:
    """Every version submitted for `year` (of `la` only, when given), by LA then version."""
    from cld.store.models import Submission

    qs = Submission.objects.using(store.alias).select_related("year").filter(
        year__label=parse_year(year).label)
    if la:
        qs = qs.filter(la_id=la)
    return [SubmissionInfo.of(s) for s in qs.order_by("la_id", "version")]


@dataclass(frozen=True)
class StoredResult:
    name: str  # e.g. 503-2020-21-v2, for file names
    result: ValidationResult | None  # None: the file could not be read at all
    reason: str  # why it could not be read ("" when it could)
    folder: Path  # where it is kept (its issues.parquet)


def stored_result(store: Store, submission_id: int, *, issues: bool = True) -> StoredResult:
    """The validation result kept with a stored submission (`issues=False`: without its
    issues, see load_result)."""
    from cld.store.models import Submission

    sub = Submission.objects.using(store.alias).filter(pk=submission_id).first()
    if sub is None:
        raise StoreError(f"no submission {submission_id} in the store")
    folder = store.path(sub.folder)
    try:
        result = load_result(folder, issues=issues)
    except (OSError, ValueError) as exc:
        raise StoreDamaged(f"the stored result of submission {submission_id} cannot be read "
                           f"({exc})") from None
    name = f"{sub.la_id}-{sub.year.label.replace('/', '-')}-v{sub.version}"
    return StoredResult(name, result, "" if result is not None else rejection_reason(folder),
                        folder)


def _event(e: Any) -> dict[str, Any]:
    return {"seq": e.seq, "at": e.at, "actor": e.actor, "action": e.action,
            "la_code": e.la_code, "year": e.year, "details": e.details, "hash": e.hash}


def audit_events(store: Store, limit: int) -> list[dict[str, Any]]:
    """The latest `limit` audit events, oldest first."""
    from cld.store.models import AuditEvent

    evs = list(AuditEvent.objects.using(store.alias).order_by("-seq")[:limit])[::-1]
    return [_event(e) for e in evs]


YEAR_WIDE = ("lock", "reopen")  # events about a whole year, so about every LA of it


def audit_page(store: Store, las: Collection[str] | None, start: int, limit: int
               ) -> tuple[int, list[dict[str, Any]]]:
    """(how many, `limit` of them from `start`), newest first: every audit event (`las`
    None), or those about the LAs `las` and the years' locks and reopenings."""
    from django.db.models import Q

    from cld.store.models import AuditEvent

    qs = AuditEvent.objects.using(store.alias)
    if las is not None:
        qs = qs.filter(Q(la_code__in=sorted(las)) | Q(la_code="", action__in=YEAR_WIDE))
    return qs.count(), [_event(e) for e in qs.order_by("-seq")[start:start + limit]]


def submission(store: Store, submission_id: int) -> SubmissionInfo:
    """One stored submission's description."""
    from cld.store.models import Submission

    sub = (Submission.objects.using(store.alias).select_related("year")
           .filter(pk=submission_id).first())
    if sub is None:
        raise StoreError(f"no submission {submission_id} in the store")
    return SubmissionInfo.of(sub)


@dataclass(frozen=True)
class YearLock:
    year: str
    submitted: bool  # anything submitted for it (a year with nothing cannot be locked)
    locked: bool
    snapshot: int | None = None  # the latest snapshot: its number, who locked and reopened it
    locked_at: datetime | None = None
    locked_by: str = ""
    reopened_at: datetime | None = None
    reopened_by: str = ""
    reopen_reason: str = ""


def year_lock(store: Store, year: str) -> YearLock:
    """Whether `year` is locked, and its latest lock and reopening."""
    from cld.store.models import ReportingYear, YearSnapshot

    label = parse_year(year).label
    y = ReportingYear.objects.using(store.alias).filter(label=label).first()
    if y is None:
        return YearLock(label, False, False)
    snap = YearSnapshot.objects.using(store.alias).filter(year=y).order_by("-number").first()
    if snap is None:
        return YearLock(label, True, bool(y.locked))
    return YearLock(label, True, bool(y.locked), snap.number, snap.locked_at, snap.locked_by,
                    snap.reopened_at, snap.reopened_by, snap.reopen_reason)
#: (store folder, database alias, accepted submission ids) -> history()'s summary rows
_LOCK = threading.Lock()
_CHANGES: dict[tuple[str, str, tuple[int, ...]], list[dict[str, Any]]] = {}


def version_changes(store: Store, la: str, year: str) -> list[dict[str, Any]]:
    """history()'s summary per accepted version of `la`'s `year` (new, changed, closed,
    dropped events ...), as rows; [] before any accepted version. Stored versions never
    change, so it is kept in memory per set of accepted versions: computed again only when
    that set changes, not on every view."""
    from cld.store.dataset import history
    from cld.store.models import Submission

    ids = tuple(Submission.objects.using(store.alias).filter(
        la_id=la, year__label=parse_year(year).label, status=Submission.ACCEPTED)
        .order_by("version").values_list("pk", flat=True))
    if not ids:
        return []
    key = (str(store.root), store.alias, ids)
    rows = _CHANGES.get(key)
    if rows is None:
        rows = history(store, la, year)[1].to_pyarrow().to_pylist()
        with _LOCK:  # the portal's threads share it
            _CHANGES[key] = rows
            while len(_CHANGES) > 64:  # the oldest go first
                _CHANGES.pop(next(iter(_CHANGES)))
    return rows
