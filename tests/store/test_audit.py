"""The audit trail is append-only and hash-chained; stored files are checksummed."""

from __future__ import annotations

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
    with pytest.raises(PermissionError):
        ev.save(using=store.alias)
    with pytest.raises(PermissionError):
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
