"""Store rows are bound to the audit trail: any edit of a submission, snapshot or year row in
the database makes `cld audit verify` fail, naming the row and what changed."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from django.db import connections

from cld.store import Store, lock_year, reopen_year, submit
from cld.store.binding import verify_rows
from cld.store.integrity import bind_unbound, verify_store
from cld.store.models import AuditEvent, ReportingYear, Submission, YearSnapshot
from tests.store.conftest import YEAR
from tests.store.test_cli_store import cld


def _sql(store: Store, sql: str, params: list[Any]) -> None:
    with connections[store.alias].cursor() as cur:
        cur.execute(sql, params)


def _event_of(store: Store, action: str) -> int:
    ev = AuditEvent.objects.using(store.alias).filter(action=action).order_by("-seq").first()
    assert ev is not None
    return ev.seq


def test_a_fresh_store_verifies(store: Store, series: dict, tmp_path: Path) -> None:
    submit(store, series["503"][0], "503", YEAR)
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"\x00\x01" * 50)
    assert submit(store, bad, "503", YEAR).kind == "rejected"
    lock_year(store, YEAR)
    reopen_year(store, YEAR, "late correction")  # changes the snapshot and the year rows
    assert submit(store, series["503"][1], "503", YEAR).kind == "accepted"
    lock_year(store, YEAR)
    assert verify_store(store) == (6, [])
    bound = json.loads(AuditEvent.objects.using(store.alias).get(seq=1).details)["bound"]
    assert [b["kind"] for b in bound] == ["submission", "year"]
    assert bound[0]["label"].startswith("submission 503 2020/21 v1 (id ")


# (column, new value, field class): one edit per class of what a row says
SUBMISSION_EDITS = [
    ("status", "accepted", "status"),
    ("version", 7, "version"),
    ("stated_end", date(2021, 3, 31), "period"),
    ("derived_start", date(2020, 5, 1), "period"),
    ("requested_period_end", date(2020, 9, 30), "period"),
    ("sha256", "0" * 64, "checksum"),
    ("events_sha256", "1" * 64, "checksum"),
    ("errors", 3, "verdict"),
    ("fatal", 0, "verdict"),
    ("rejection_reason", "", "verdict"),
    ("rows", 12345, "counts"),
    ("people", 1, "counts"),
    ("spec_version", "v4.3", "spec"),
    ("received_at", datetime(2020, 7, 1, 12, tzinfo=UTC), "received"),
    ("submitted_by", "mallory", "actor"),
    ("la_id", "318", "LA"),
    ("filename", "other.csv", "file"),
]


@pytest.mark.parametrize(("column", "value", "kind"), SUBMISSION_EDITS,
                         ids=[f"{k}-{c}" for c, _, k in SUBMISSION_EDITS])
def test_an_edited_submission_row_is_named(store: Store, series: dict, tmp_path: Path,
                                           column: str, value: Any, kind: str) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"\x00\x01" * 50)
    sub = submit(store, bad, "503", YEAR).submission  # a rejected version (v1)
    assert sub.status == "rejected" and verify_rows(store.alias) == []
    seq = _event_of(store, "reject")
    _sql(store, f"UPDATE store_submission SET {column} = %s WHERE id = %s", [value, sub.pk])
    expected = (f"submission 503 2020/21 v1 (id {sub.pk}): {column} has changed since audit "
                f"event #{seq}")
    problems = verify_rows(store.alias)
    assert problems == [expected]
    assert expected in verify_store(store)[1]


def test_the_cli_fails_naming_the_row(tmp_path: Path, database: str | None,
                                      series: dict) -> None:
    root = tmp_path / "store"
    assert cld(root, database, "submit", str(series["503"][0]), "--la", "503",
               "--year", YEAR)[0] == 0
    assert cld(root, database, "audit", "verify")[0] == 0
    st = Store.open(root, database)
    sub = Submission.objects.using(st.alias).get()
    _sql(st, "UPDATE store_submission SET errors = errors + 1, rows = rows + 1 WHERE id = %s",
         [sub.pk])
    code, out = cld(root, database, "audit", "verify")
    assert code == 1
    assert (f"submission 503 2020/21 v1 (id {sub.pk}): errors, rows have changed since "
            "audit event #1") in " ".join(out.split())


YEAR_EDITS = [("locked", True), ("start", date(2020, 4, 2)), ("end", date(2021, 4, 1)),
              ("label", "2021/22")]


@pytest.mark.parametrize(("column", "value"), YEAR_EDITS, ids=[c for c, _ in YEAR_EDITS])
def test_an_edited_year_row_is_named(store: Store, series: dict, column: str,
                                     value: Any) -> None:
    submit(store, series["503"][0], "503", YEAR)
    y = ReportingYear.objects.using(store.alias).get()
    _sql(store, f'UPDATE store_reportingyear SET "{column}" = %s WHERE id = %s', [value, y.pk])
    assert verify_rows(store.alias) == [
        f"year 2020/21 (id {y.pk}): {column} has changed since audit event #1"]


SNAPSHOT_EDITS = [("sha256", "2" * 64), ("rows", 1), ("manifest", "{}"),
                  ("locked_at", datetime(2021, 1, 1, tzinfo=UTC)), ("locked_by", "mallory"),
                  ("reopen_reason", "made up"), ("number", 5)]


@pytest.mark.parametrize(("column", "value"), SNAPSHOT_EDITS, ids=[c for c, _ in SNAPSHOT_EDITS])
def test_an_edited_snapshot_row_is_named(store: Store, series: dict, column: str,
                                         value: Any) -> None:
    submit(store, series["503"][3], "503", YEAR)
    snap = lock_year(store, YEAR)
    seq = _event_of(store, "lock")
    _sql(store, f"UPDATE store_yearsnapshot SET {column} = %s WHERE id = %s", [value, snap.pk])
    assert verify_rows(store.alias) == [
        f"snapshot 1 of 2020/21 (id {snap.pk}): {column} has changed since audit event #{seq}"]


def test_lock_state_binds_to_the_latest_event(store: Store, series: dict) -> None:
    """Locking and reopening legitimately change the year and snapshot rows; undoing a
    reopen in the database (locked again, reopen erased) is detected against the reopen."""
    submit(store, series["503"][3], "503", YEAR)
    snap = lock_year(store, YEAR)
    reopen_year(store, YEAR, "late correction")
    assert verify_rows(store.alias) == []
    seq = _event_of(store, "reopen")
    _sql(store, "UPDATE store_reportingyear SET locked = %s", [True])
    _sql(store, "UPDATE store_yearsnapshot SET reopened_at = NULL, reopened_by = '', "
                "reopen_reason = ''", [])
    y = ReportingYear.objects.using(store.alias).get()
    assert verify_rows(store.alias) == [
        f"snapshot 1 of 2020/21 (id {snap.pk}): reopen_reason, reopened_at, reopened_by "
        f"have changed since audit event #{seq}",
        f"year 2020/21 (id {y.pk}): locked has changed since audit event #{seq}"]


def test_deleted_and_inserted_rows(store: Store, series: dict) -> None:
    submit(store, series["503"][0], "503", YEAR)
    v2 = submit(store, series["503"][1], "503", YEAR).submission
    _sql(store, "DELETE FROM store_submission WHERE id = %s", [v2.pk])
    assert verify_rows(store.alias) == [
        f"submission 503 2020/21 v2 (id {v2.pk}): bound by audit event #2 but its row is "
        "missing (deleted)"]
    row = ReportingYear(label="2021/22", start=date(2021, 4, 1), end=date(2022, 3, 31))
    row.save(using=store.alias)
    assert (f"year 2021/22 (id {row.pk}): not bound to any audit event (stored before rows "
            "were bound, or inserted outside cld)") in verify_rows(store.alias)


def test_a_store_made_before_rows_were_bound(store: Store, database: str | None,
                                             series: dict) -> None:
    """Its rows are reported as unbound until `bind_unbound` records them, in an audited
    event; from then on an edit is detected."""
    sub = submit(store, series["503"][0], "503", YEAR).submission
    lock_year(store, YEAR)
    # the events as an older cld wrote them: no "bound" (the chain recomputed to match)
    from cld.store.audit import GENESIS, canonical, event_hash

    prev = GENESIS
    for ev in AuditEvent.objects.using(store.alias).order_by("seq"):
        d = json.loads(ev.details)
        d.pop("bound")
        text = canonical(d)
        h = event_hash(prev, ev.seq, ev.at, ev.actor, ev.action, ev.la_code, ev.year, text)
        _sql(store, "UPDATE store_auditevent SET details = %s, prev_hash = %s, hash = %s "
                    "WHERE seq = %s", [text, prev, h, ev.seq])
        prev = h
    (store.root / "audit.head").unlink()
    problems = verify_rows(store.alias)
    assert len(problems) == 3 and all("not bound to any audit event" in p for p in problems)
    assert cld(store.root, database, "audit", "verify")[0] == 1
    code, out = cld(store.root, database, "audit", "bind")
    assert code == 0 and "3 rows bound" in out
    assert verify_store(store) == (3, [])  # submit, lock, bind
    assert cld(store.root, database, "audit", "verify")[0] == 0
    assert bind_unbound(store, "processor") == 0  # nothing left to bind: no event
    _sql(store, "UPDATE store_submission SET status = 'rejected' WHERE id = %s", [sub.pk])
    assert verify_rows(store.alias) == [
        f"submission 503 2020/21 v1 (id {sub.pk}): status has changed since audit event #3"]
    assert YearSnapshot.objects.using(store.alias).count() == 1
