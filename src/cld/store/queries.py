"""Reads of the store for the shells (CLI now, the portal later): no shell touches the ORM."""

from __future__ import annotations

import threading
from dataclasses import dataclass
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


def audit_events(store: Store, limit: int) -> list[dict[str, Any]]:
    """The latest `limit` audit events, oldest first."""
    from cld.store.models import AuditEvent

    evs = list(AuditEvent.objects.using(store.alias).order_by("-seq")[:limit])[::-1]
    return [{"seq": e.seq, "at": e.at, "actor": e.actor, "action": e.action,
             "la_code": e.la_code, "year": e.year, "details": e.details, "hash": e.hash}
            for e in evs]


def submission(store: Store, submission_id: int) -> SubmissionInfo:
    """One stored submission's description."""
    from cld.store.models import Submission

    sub = (Submission.objects.using(store.alias).select_related("year")
           .filter(pk=submission_id).first())
    if sub is None:
        raise StoreError(f"no submission {submission_id} in the store")
    return SubmissionInfo.of(sub)


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
