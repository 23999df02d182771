"""Tracing a stored submission: requests from its events, the matcher, the trace stored."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cld.engines import connect
from cld.errors import CldError, UnknownLA
from cld.privacy.schema import REQUEST_SCHEMA
from cld.privacy.traceflow import TraceError, requests_for, trace_submission
from cld.store.dataset import counting, events_table
from cld.store.models import AuditEvent, Trace
from cld.store.traces import latest_trace, read_results
from tests.privacy import tracekit
from tests.privacy.tracekit import YEAR, Kit, cross_check, read_parquet_register

kit, kit_folder = tracekit.kit, tracekit.kit_folder  # fixtures


def test_requests_are_one_row_per_person_from_the_latest_event(kit: Kit) -> None:
    sub = counting(kit.store, YEAR, la="503")[0]
    req = requests_for(connect(), kit.store, "503", YEAR).to_pyarrow()
    assert req.schema.equals(REQUEST_SCHEMA)
    events = pq.read_table(kit.store.path(sub.folder) / "events.parquet").to_pylist()
    people = {e["person_id"] for e in events}
    assert req.num_rows == len(people)
    assert set(req["submission_id"].to_pylist()) == {sub.pk}
    assert set(req["la_code"].to_pylist()) == {"503"}
    for r in req.to_pylist():
        mine = [e for e in events if e["person_id"] == r["person_id"]]
        latest = max(mine, key=lambda e: (e["event_start"] or date.min, e["_row"]))
        assert (r["nhs_number"], r["postcode"], r["date_of_birth"]) == (
            latest["nhs_number"], latest["postcode"], latest["date_of_birth"])


def test_a_trace_is_run_and_stored(kit: Kit) -> None:
    out = trace_submission(kit.store, "503", YEAR, kit.register, matcher=cross_check,
                           reader=read_parquet_register, by="tester")
    assert out.counts["confirmed"] == 3
    assert sum(out.counts.values()) == out.trace.rows
    assert out.trace.source == "register" and out.trace.register == "register.parquet"
    assert out.trace.config_version == "test-1"
    res = read_results(kit.store, out.trace).to_pylist()
    by_person = {r["person_id"]: r for r in res}
    assert all(by_person[p]["action"] == "confirmed" and by_person[p]["match_type"] == 1
               for p in kit.confirmed)
    assert by_person[kit.wrong_dob]["action"] == "unconfirmed"
    assert by_person[kit.wrong_dob]["traced_nhs_number"] is None
    sub = counting(kit.store, YEAR, la="503")[0]
    assert latest_trace(kit.store, sub).pk == out.trace.pk
    t = events_table(connect(), kit.store, counting(kit.store, YEAR)).to_pyarrow()
    traced = {r["person_id"] for r in t.to_pylist()
              if r["la_code"] == "503" and r["traced_nhs_number"] is not None}
    assert traced == set(kit.confirmed)


def test_errors_store_nothing(kit: Kit, tmp_path: Path) -> None:
    events = AuditEvent.objects.using(kit.store.alias).count()
    with pytest.raises(UnknownLA):
        trace_submission(kit.store, "999", YEAR, kit.register, matcher=cross_check,
                         reader=read_parquet_register)
    with pytest.raises(CldError, match="nothing has been submitted"):
        trace_submission(kit.store, "503", "2021/22", kit.register, matcher=cross_check,
                         reader=read_parquet_register)
    with pytest.raises(TraceError, match="no accepted submission"):
        trace_submission(kit.store, "213", YEAR, kit.register, matcher=cross_check,
                         reader=read_parquet_register)
    with pytest.raises(TraceError, match="no such register"):
        trace_submission(kit.store, "503", YEAR, tmp_path / "missing.parquet",
                         matcher=cross_check, reader=read_parquet_register)
    bad = tmp_path / "bad.parquet"
    bad.write_bytes(b"not a parquet file")
    with pytest.raises(TraceError, match="cannot be read") as err:
        trace_submission(kit.store, "503", YEAR, bad, matcher=cross_check,
                         reader=read_parquet_register)
    assert "bad.parquet" in str(err.value)

    def short(con, requests, register, config=None):  # type: ignore[no-untyped-def]
        r = cross_check(con, requests, register)
        r.results = r.results.slice(1)
        return r

    with pytest.raises(TraceError, match="results for"):
        trace_submission(kit.store, "503", YEAR, kit.register, matcher=short,
                         reader=read_parquet_register)

    def shapeless(con, requests, register, config=None):  # type: ignore[no-untyped-def]
        r = cross_check(con, requests, register)
        r.results = pa.table({"person_id": ["x"]})
        return r

    with pytest.raises(TraceError, match="result shape"):
        trace_submission(kit.store, "503", YEAR, kit.register, matcher=shapeless,
                         reader=read_parquet_register)
    assert Trace.objects.using(kit.store.alias).count() == 0
    assert AuditEvent.objects.using(kit.store.alias).count() == events
