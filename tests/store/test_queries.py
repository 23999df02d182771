"""The store's reads for the shells (cld.store.queries)."""

from __future__ import annotations

import json

import pytest

from cld.errors import StoreError
from cld.store import Store, submit
from cld.store.queries import audit_events, list_submissions, stored_result
from cld.store.submit import SubmissionInfo
from tests.store.conftest import YEAR

INFO_KEYS = ["id", "la_code", "year", "version", "status", "received_at", "submitted_by", "file",
             "size", "sha256", "events_sha256", "stated_start", "stated_end", "derived_start",
             "derived_end", "period_note", "rejection_reason", "rows", "people", "fatal",
             "errors", "warnings", "supersedes", "keys_from_reference", "keys_derived"]


def test_reads_for_the_shells(store: Store, series: dict) -> None:
    first = submit(store, series["503"][0], "503", YEAR)
    submit(store, series["318"][0], "318", YEAR)
    rows = list_submissions(store, YEAR)
    assert [(r.la_code, r.version) for r in rows] == [("318", 1), ("503", 1)]
    assert [r.la_code for r in list_submissions(store, "2020/2021", "503")] == ["503"]
    # typed, with the JSON form the shells and manifests have always had
    info = rows[1]
    doc = info.as_dict()
    assert list(doc) == INFO_KEYS and json.loads(json.dumps(doc)) == doc
    assert doc["received_at"] == info.received_at.isoformat()
    assert doc["stated_end"] == info.stated_end.isoformat() == "2020-06-30"
    assert SubmissionInfo.from_dict(doc) == info
    assert list_submissions(store, "2021/22") == []
    sub_id = first.submission.pk
    stored = stored_result(store, sub_id)
    assert stored.name == "503-2020-21-v1" and stored.reason == ""
    assert stored.result is not None and stored.result.summary.la_code == "503"
    with pytest.raises(StoreError, match="no submission 999"):
        stored_result(store, 999)
    events = audit_events(store, 1)
    assert len(events) == 1 and events[0]["la_code"] == "318"
    assert [e["seq"] for e in audit_events(store, 50)] == sorted(
        e["seq"] for e in audit_events(store, 50))
