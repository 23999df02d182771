"""NHS number traces stored beside a submission version: atomic, audited, checksummed, and
joined into the consolidated dataset."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cld.engines import connect
from cld.errors import StoreError
from cld.privacy.schema import RESULT_SCHEMA
from cld.store import Store, counting, submit
from cld.store import traces as traces_mod
from cld.store.dataset import events_table
from cld.store.integrity import verify_store
from cld.store.models import AuditEvent, Submission, Trace
from cld.store.traces import TraceSource, latest_trace, read_results, save_trace
from tests.store.conftest import YEAR

SOURCE = TraceSource("register", "register.csv", "ab" * 32, "1")


def _results(sub: Submission, people: list[str], traced: list[str | None]) -> pa.Table:
    n = len(people)
    actions = ["confirmed" if t else "not traced" for t in traced]
    return pa.table({
        "la_code": [sub.la_id] * n, "submission_id": [sub.pk] * n, "person_id": people,
        "nhs_number_sent": [None] * n, "traced_nhs_number": traced,
        "match_type": [1 if t else 0 for t in traced], "match_weight": [None] * n,
        "match_probability": [1.0 if t else None for t in traced],
        "gp_practice_code": [None] * n, "action": actions, "reason": [""] * n,
        "candidates": [1 if t else 0 for t in traced]}, schema=RESULT_SCHEMA)


def _people(store: Store, sub: Submission) -> list[str]:
    t = pq.read_table(store.path(sub.folder) / "events.parquet", columns=["person_id"])
    return sorted(set(t["person_id"].to_pylist()))


@pytest.fixture
def sub(store: Store, series: dict) -> Submission:
    out = submit(store, series["503"][0], "503", YEAR, by="a")
    assert out.kind == "accepted"
    return out.submission


def test_a_trace_is_stored_beside_the_version(store: Store, sub: Submission) -> None:
    p = _people(store, sub)
    before = (sub.sha256, sub.events_sha256)
    t1 = save_trace(store, sub, _results(sub, p[:2], ["9434765919", None]), SOURCE, by="x")
    t2 = save_trace(store, sub, _results(sub, p[:1], ["9434765919"]), SOURCE, by="y")
    assert (t1.number, t2.number) == (1, 2)
    assert t1.folder == "traces/503/2020-21/v1-t1"
    assert (store.path(t1.folder) / "results.parquet").exists()
    assert json.loads(t1.counts) == {"confirmed": 1, "not traced": 1}
    assert latest_trace(store, sub).pk == t2.pk
    assert read_results(store, t1).num_rows == 2
    fresh = Submission.objects.using(store.alias).get(pk=sub.pk)
    assert (fresh.sha256, fresh.events_sha256) == before
    ev = AuditEvent.objects.using(store.alias).filter(action="trace").order_by("seq").last()
    details = json.loads(ev.details)
    assert details["trace"] == 2 and details["rows"] == 1 and ev.la_code == "503"
    assert details["counts"] == {"confirmed": 1} and details["config_version"] == "1"
    assert (details["source"], details["register"]) == ("register", "register.csv")
    assert p[0] not in ev.details and "9434765919" not in ev.details  # no identifiers
    assert verify_store(store)[1] == []


def test_a_failure_midway_leaves_nothing(store: Store, sub: Submission,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    events = AuditEvent.objects.using(store.alias).count()

    def broken(*args: object, **kwargs: object) -> None:
        raise StoreError("the audit trail refused")

    monkeypatch.setattr(traces_mod.audit, "append", broken)
    with pytest.raises(StoreError):
        save_trace(store, sub, _results(sub, _people(store, sub)[:2], ["9434765919", None]),
                   SOURCE)
    assert Trace.objects.using(store.alias).count() == 0
    assert AuditEvent.objects.using(store.alias).count() == events
    assert not list((store.root / "traces").rglob("*.parquet"))
    assert not list((store.root / "staging").iterdir())


def test_bad_results_are_refused(store: Store, sub: Submission) -> None:
    p = _people(store, sub)
    with pytest.raises(StoreError, match="more than once"):
        save_trace(store, sub, _results(sub, [p[0], p[0]], [None, None]), SOURCE)
    with pytest.raises(StoreError, match="lack the column"):
        save_trace(store, sub, _results(sub, p[:1], [None]).drop(["action"]), SOURCE)
    assert Trace.objects.using(store.alias).count() == 0


def test_verify_catches_an_edited_row_or_file(store: Store, sub: Submission) -> None:
    t = save_trace(store, sub, _results(sub, _people(store, sub)[:2], ["9434765919", None]),
                   SOURCE)
    Trace.objects.using(store.alias).filter(pk=t.pk).update(rows=5)
    problems = verify_store(store)[1]
    assert any(f"trace 1 of submission {sub.pk}" in p and "rows" in p for p in problems)
    Trace.objects.using(store.alias).filter(pk=t.pk).update(rows=2)
    assert verify_store(store)[1] == []
    f = store.path(t.folder) / "results.parquet"
    f.chmod(0o644)
    pq.write_table(_results(sub, _people(store, sub)[:2], ["9434765919", "9434765870"]), f)
    problems = verify_store(store)[1]
    assert any("results.parquet does not match" in p for p in problems)


def test_the_dataset_gains_the_traced_numbers(store: Store, sub: Submission,
                                              series: dict) -> None:
    other = submit(store, series["318"][0], "318", YEAR).submission
    p = _people(store, sub)
    save_trace(store, sub, _results(sub, p[:2], ["9434765919", None]), SOURCE)
    t = events_table(connect(), store, counting(store, YEAR)).to_pyarrow()
    assert t.column_names[-2:] == ["traced_nhs_number", "trace_match_type"]
    assert t.num_rows == sub.rows + other.rows
    rows = t.select(["submission_id", "person_id", "traced_nhs_number",
                     "trace_match_type"]).to_pylist()
    first = [r for r in rows if r["submission_id"] == sub.pk and r["person_id"] == p[0]]
    assert first and all(r["traced_nhs_number"] == "9434765919"
                         and r["trace_match_type"] == 1 for r in first)
    second = [r for r in rows if r["submission_id"] == sub.pk and r["person_id"] == p[1]]
    assert second and all(r["traced_nhs_number"] is None and r["trace_match_type"] == 0
                          for r in second)
    rest = [r for r in rows if r["person_id"] not in p[:2] or r["submission_id"] == other.pk]
    assert rest and all(r["traced_nhs_number"] is None and r["trace_match_type"] is None
                        for r in rest)


def test_a_rejected_version_cannot_be_traced(store: Store, sub: Submission) -> None:
    Submission.objects.using(store.alias).filter(pk=sub.pk).update(status="rejected")
    sub.refresh_from_db(using=store.alias)
    with pytest.raises(StoreError, match="rejected"):
        save_trace(store, sub, _results(sub, [], []), SOURCE)


SAVE = """
import sys
import pyarrow.parquet as pq
from cld.store import Store
from cld.store.models import Submission
from cld.store.traces import TraceSource, save_trace
st = Store.open(sys.argv[1], sys.argv[2] or None)
sub = Submission.objects.using(st.alias).select_related("year").get(pk=int(sys.argv[3]))
save_trace(st, sub, pq.read_table(sys.argv[4]), TraceSource("register", "r.csv", "0" * 64))
"""


@pytest.mark.parametrize("point", ["trace-written", "trace-moved"])
def test_a_kill_midway_leaves_nothing(store: Store, database: str | None, sub: Submission,
                                      point: str, tmp_path: Path) -> None:
    results = tmp_path / "results.parquet"
    pq.write_table(_results(sub, _people(store, sub)[:2], ["9434765919", None]), results)
    events = AuditEvent.objects.using(store.alias).count()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLD_")}
    proc = subprocess.run([sys.executable, "-c", SAVE, str(store.root), database or "",
                           str(sub.pk), str(results)], env=env | {"CLD_CRASH_AT": point},
                          capture_output=True, timeout=300)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    again = Store.open(store.root, database)
    assert Trace.objects.using(again.alias).count() == 0
    assert AuditEvent.objects.using(again.alias).count() == events
    assert not list((again.root / "traces").rglob("*.parquet"))
    assert verify_store(again)[1] == []
    if point == "trace-moved":
        assert any("traces/503/2020-21/v1-t1" in note for note in again.recovered)
