"""Store rows bound to the audit trail.

Every audit event that creates or changes a submission, snapshot, year or trace row records that
row's content in its details (under "bound": the row's digest and a short digest per field),
so the hash chain covers the rows too. `verify_rows` recomputes each row against the latest
event that bound it and names the row and the fields that changed since.

A row no event binds (stored before rows were bound, or inserted outside cld) is reported as
unbound; `bind_unbound` records such rows as they are now, in one audited "bind" event.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime
from typing import Any

from cld.store.models import AuditEvent, ReportingYear, Submission, Trace, YearSnapshot

KINDS: dict[str, Any] = {"submission": Submission, "snapshot": YearSnapshot,
                         "year": ReportingYear, "trace": Trace}
_KIND_OF = {model: kind for kind, model in KINDS.items()}


def _plain(value: Any) -> Any:
    """A field's value as bound: datetimes in UTC with microseconds, dates ISO."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _text(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _sha(value: Any) -> str:
    return hashlib.sha256(_text(value).encode("utf-8")).hexdigest()


def field_digest(value: Any) -> str:
    """Short digest of one field (names what changed; the row digest is the full one)."""
    return _sha(value)[:16]


def row_values(row: Any) -> dict[str, Any]:
    """Every column of the row, foreign keys as their ids."""
    return {f.attname: _plain(getattr(row, f.attname)) for f in row._meta.concrete_fields}


def label(kind: str, row: Any) -> str:
    """How messages name a row, e.g. 'submission 503 2020/21 v2 (id 7)'."""
    if kind == "submission":
        return f"submission {row.la_id} {row.year.label} v{row.version} (id {row.pk})"
    if kind == "snapshot":
        return f"snapshot {row.number} of {row.year.label} (id {row.pk})"
    if kind == "trace":
        return f"trace {row.number} of submission {row.submission_id} (id {row.pk})"
    return f"year {row.label} (id {row.pk})"


def binding(alias: str, row: Any) -> dict[str, Any]:
    """What an audit event records about `row`, as committed (read back from the database,
    so that the values are those a later check reads)."""
    model = type(row)
    kind = _KIND_OF[model]
    fresh = model.objects.using(alias).get(pk=row.pk)
    values = row_values(fresh)
    return {"kind": kind, "id": fresh.pk, "label": label(kind, fresh), "sha256": _sha(values),
            "fields": {k: field_digest(v) for k, v in values.items()}}


def _latest_bindings(alias: str) -> tuple[dict[tuple[str, int], tuple[int, dict]], list[str]]:
    """The latest binding of each row: (kind, id) -> (event seq, binding)."""
    latest: dict[tuple[str, int], tuple[int, dict]] = {}
    problems: list[str] = []
    events = (AuditEvent.objects.using(alias).filter(details__contains='"bound"')
              .order_by("seq").values_list("seq", "details"))
    for seq, details in events.iterator():
        try:
            for b in json.loads(details)["bound"]:
                latest[(str(b["kind"]), int(b["id"]))] = (seq, b)
        except (ValueError, KeyError, TypeError):
            problems.append(f"event {seq}: its record of bound rows cannot be read")
    return latest, problems


def _check(row: Any, kind: str, seq: int, b: dict) -> str | None:
    values = row_values(row)
    try:
        names = list(b["fields"])
        if _sha({n: values.get(n) for n in names}) == b["sha256"]:
            return None
        changed = [n for n in names if field_digest(values.get(n)) != b["fields"][n]]
    except (KeyError, TypeError, AttributeError):
        return f"event {seq}: its record of {label(kind, row)} cannot be read"
    what = ", ".join(changed) if changed else "its content"
    verb = "has" if len(changed) == 1 or not changed else "have"
    return f"{b.get('label') or label(kind, row)}: {what} {verb} changed since audit event #{seq}"


def unbound_rows(alias: str) -> list[tuple[str, Any]]:
    latest, _ = _latest_bindings(alias)
    return [(kind, row) for kind, model in KINDS.items()
            for row in model.objects.using(alias).order_by("pk")
            if (kind, row.pk) not in latest]


def verify_rows(alias: str) -> list[str]:
    """Each submission, snapshot and year row against the latest audit event that bound it."""
    latest, problems = _latest_bindings(alias)
    seen: set[tuple[str, int]] = set()
    for kind, model in KINDS.items():
        rows = model.objects.using(alias).order_by("pk")
        if kind in ("submission", "snapshot"):
            rows = rows.select_related("year")
        for row in rows:
            key = (kind, row.pk)
            seen.add(key)
            if key not in latest:
                problems.append(f"{label(kind, row)}: not bound to any audit event (stored "
                                "before rows were bound, or inserted outside cld)")
                continue
            problem = _check(row, kind, *latest[key])
            if problem:
                problems.append(problem)
    for key, (seq, b) in sorted(latest.items(), key=lambda kv: kv[1][0]):
        if key not in seen:
            problems.append(f"{b.get('label') or ' '.join(map(str, key))}: bound by audit "
                            f"event #{seq} but its row is missing (deleted)")
    return problems

