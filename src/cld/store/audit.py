"""The append-only audit trail: every submit, reject, lock, reopen and export, hash-chained.

hash(n) = sha256(hash(n-1) + canonical text of event n); the first event chains from 64 zeros.
Changing, removing or reordering any event breaks every hash after it, which `verify` finds.
Identifiers of people never go in here: only LA codes, years, file names and checksums.
Events that create or change a store row also record that row's digest (cld.store.binding).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cld.store.models import AuditEvent

GENESIS = "0" * 64


def canonical(details: dict[str, Any]) -> str:
    return json.dumps(details, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=str)


def event_hash(prev: str, seq: int, at: str, actor: str, action: str, la_code: str,
               year: str, details: str) -> str:
    text = "\x1f".join([prev, str(seq), at, actor, action, la_code, year, details])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def append(alias: str, actor: str, action: str, *, la_code: str = "", year: str = "",
           bind: Sequence[Any] = (), **details: Any) -> AuditEvent:
    """Append one event. Call it inside the store's write lock and transaction, after the
    rows in `bind` (submissions, snapshots, years it created or changed) are saved: their
    content goes into the event's details (see cld.store.binding)."""
    if bind:
        from cld.store.binding import binding

        details["bound"] = [binding(alias, row) for row in bind]
    last = AuditEvent.objects.using(alias).order_by("-seq").first()
    seq = 1 if last is None else last.seq + 1
    prev = GENESIS if last is None else last.hash
    at = datetime.now(UTC).isoformat(timespec="microseconds")
    text = canonical(details)
    ev = AuditEvent(seq=seq, at=at, actor=actor, action=action, la_code=la_code, year=year,
                    details=text, prev_hash=prev,
                    hash=event_hash(prev, seq, at, actor, action, la_code, year, text))
    ev.save(using=alias)
    return ev


def write_head(alias: str, path: Path) -> None:
    """Write the last event's seq and hash to `path` (atomically)."""
    last = AuditEvent.objects.using(alias).order_by("-seq").first()
    if last is None:
        return
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(f"{last.seq} {last.hash}\n", encoding="ascii")
    tmp.replace(path)


def check_head(alias: str, path: Path) -> list[str]:
    """Problems when the trail ends before the head recorded beside the database."""
    if not path.exists():
        return []
    try:
        seq_text, recorded = path.read_text(encoding="ascii").split()
        seq = int(seq_text)
    except (ValueError, OSError):
        return [f"{path.name} is unreadable"]
    ev = AuditEvent.objects.using(alias).filter(seq=seq).first()
    if ev is None:
        return [f"the audit trail ends before event {seq} recorded in {path.name}: "
                "events were removed"]
    if ev.hash != recorded:
        return [f"event {seq} differs from the one recorded in {path.name}"]
    return []


@dataclass
class Verification:
    events: int
    ok: bool
    problems: list[str]


def verify(alias: str) -> Verification:
    """Recompute the chain. Names the first event where it breaks, and gaps in the sequence."""
    problems: list[str] = []
    prev = GENESIS
    expected = 1
    n = 0
    for ev in AuditEvent.objects.using(alias).order_by("seq").iterator():
        n += 1
        if ev.seq != expected:
            problems.append(f"event {expected} is missing (next is {ev.seq})")
        if ev.prev_hash != prev:
            problems.append(f"event {ev.seq}: does not follow the event before it")
        h = event_hash(ev.prev_hash, ev.seq, ev.at, ev.actor, ev.action, ev.la_code, ev.year,
                       ev.details)
        if h != ev.hash:
            problems.append(f"event {ev.seq} ({ev.action}, {ev.at}): its content was changed")
        prev = ev.hash
        expected = ev.seq + 1
    return Verification(n, not problems, problems)
