"""The audit trail is append-only and hash-chained; stored files are checksummed."""

from __future__ import annotations

import json

import pytest
from django.db import connections

from cld.store import Store, submit
from cld.store.audit import verify
from cld.store.integrity import verify_files
from cld.store.models import AuditEvent
from tests.store.conftest import YEAR


def _three_events(store: Store, series: dict) -> None:
    submit(store, series["503"][0], "503", YEAR, by="a")
    submit(store, series["503"][0], "503", YEAR, by="b")  # duplicate
    submit(store, series["318"][0], "318", YEAR, by="c")


def test_chain_verifies(store: Store, series: dict) -> None:
    _three_events(store, series)
    v = verify(store.alias)
    assert v.ok and v.events == 3 and v.problems == []
    assert verify_files(store) == []
    evs = list(AuditEvent.objects.using(store.alias).order_by("seq"))
    assert [e.actor for e in evs] == ["a", "b", "c"]
    assert evs[1].prev_hash == evs[0].hash


def test_events_cannot_be_changed_through_the_orm(store: Store, series: dict) -> None:
    _three_events(store, series)
    ev = AuditEvent.objects.using(store.alias).first()
    assert ev is not None
    ev.actor = "mallory"
    with pytest.raises(PermissionError, match="append-only"):
        ev.save(using=store.alias)
    with pytest.raises(PermissionError, match="append-only"):
        ev.delete()


def test_tampering_in_the_database_is_detected(store: Store, series: dict) -> None:
    _three_events(store, series)
    with connections[store.alias].cursor() as cur:
        cur.execute("UPDATE store_auditevent SET actor = 'mallory' WHERE seq = 2")
    v = verify(store.alias)
    assert not v.ok and any("event 2" in p and "changed" in p for p in v.problems)


def test_a_removed_event_is_detected(store: Store, series: dict) -> None:
    _three_events(store, series)
    with connections[store.alias].cursor() as cur:
        cur.execute("DELETE FROM store_auditevent WHERE seq = 2")
    v = verify(store.alias)
    assert not v.ok and any("event 2 is missing" in p for p in v.problems)


def test_changed_or_missing_files_are_detected(store: Store, series: dict) -> None:
    sub = submit(store, series["503"][0], "503", YEAR).submission
    original = store.path(sub.folder) / "original.csv"
    original.chmod(0o644)
    original.write_bytes(original.read_bytes().replace(b"Lincolnshire", b"Lincolnshirf"))
    (store.path(sub.folder) / "events.parquet").unlink()
    problems = verify_files(store)
    assert any("original.csv does not match" in p for p in problems)
    assert any("events.parquet is missing" in p for p in problems)


def test_removing_the_latest_events_is_detected(store: Store, series: dict) -> None:
    from cld.store.integrity import verify_store

    _three_events(store, series)
    assert verify_store(store) == (3, [])
    with connections[store.alias].cursor() as cur:
        cur.execute("DELETE FROM store_auditevent WHERE seq = 3")
    events, problems = verify_store(store)
    assert verify(store.alias).ok  # the chain alone still looks whole...
    assert any("events were removed" in p for p in problems)  # ...but not to verify_store
    assert any("has no audit event" in p for p in problems)


def _sql(store: Store, sql: str, params: list) -> None:
    with connections[store.alias].cursor() as cur:
        cur.execute(sql, params)


def _other_details(text: str) -> str:
    """Event 2's details with its sha256 changed (still canonical JSON)."""
    from cld.store.audit import canonical

    d = json.loads(text)
    d["sha256"] = "0" * 64
    return canonical(d)


@pytest.mark.parametrize("column", ["details", "la_code", "year", "at", "actor", "action"])
def test_each_field_of_an_event_is_hashed(store: Store, series: dict, column: str) -> None:
    _three_events(store, series)
    ev = AuditEvent.objects.using(store.alias).get(seq=2)
    new = {"details": _other_details(ev.details), "la_code": "318", "year": "2021/22",
           "at": "2020-01-01T00:00:00.000000+00:00", "actor": "mallory",
           "action": "submit"}[column]
    assert getattr(ev, column) != new
    _sql(store, f'UPDATE store_auditevent SET "{column}" = %s WHERE seq = 2', [new])
    v = verify(store.alias)
    assert len(v.problems) == 1 and v.problems[0].startswith("event 2 (")
    assert v.problems[0].endswith("its content was changed")


def test_a_forged_link_is_detected(store: Store, series: dict) -> None:
    """prev_hash changed and the event's own hash recomputed to match: the event no longer
    follows the one before it, nor does the next one follow it."""
    from cld.store.audit import event_hash

    _three_events(store, series)
    ev = AuditEvent.objects.using(store.alias).get(seq=2)
    prev = "f" * 64
    h = event_hash(prev, ev.seq, ev.at, ev.actor, ev.action, ev.la_code, ev.year, ev.details)
    _sql(store, "UPDATE store_auditevent SET prev_hash = %s, hash = %s WHERE seq = 2",
         [prev, h])
    assert verify(store.alias).problems == ["event 2: does not follow the event before it",
                                            "event 3: does not follow the event before it"]


def test_a_rewritten_event_breaks_the_next(store: Store, series: dict) -> None:
    """Changed content with a recomputed hash still breaks the chain after it."""
    from cld.store.audit import event_hash

    _three_events(store, series)
    ev = AuditEvent.objects.using(store.alias).get(seq=2)
    h = event_hash(ev.prev_hash, ev.seq, ev.at, "mallory", ev.action, ev.la_code, ev.year,
                   ev.details)
    _sql(store, "UPDATE store_auditevent SET actor = 'mallory', hash = %s WHERE seq = 2", [h])
    assert verify(store.alias).problems == ["event 3: does not follow the event before it"]


def test_swapped_events_are_detected(store: Store, series: dict) -> None:
    _three_events(store, series)
    _sql(store, "UPDATE store_auditevent SET seq = -1 WHERE seq = 2", [])
    _sql(store, "UPDATE store_auditevent SET seq = 2 WHERE seq = 3", [])
    _sql(store, "UPDATE store_auditevent SET seq = 3 WHERE seq = -1", [])
    v = verify(store.alias)
    assert v.events == 3 and not v.ok
    assert "event 2: does not follow the event before it" in v.problems
    assert any(p.startswith("event 2 (submit") and p.endswith("changed") for p in v.problems)


@pytest.mark.parametrize("seq", [1, 2])
def test_a_removed_event_is_named(store: Store, series: dict, seq: int) -> None:
    _three_events(store, series)
    _sql(store, "DELETE FROM store_auditevent WHERE seq = %s", [seq])
    v = verify(store.alias)
    assert f"event {seq} is missing (next is {seq + 1})" in v.problems
    assert f"event {seq + 1}: does not follow the event before it" in v.problems
