"""Trace feedback to an LA: content, LA scoping, audit."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq
import pytest

from cld.engines import connect
from cld.privacy.feedback import COLUMNS, write_feedback
from cld.privacy.traceflow import TraceError, requests_for, trace_submission
from cld.store.models import AuditEvent
from tests.privacy import tracekit
from tests.privacy.tracekit import GP, YEAR, Kit, cross_check, read_parquet_register

kit, kit_folder = tracekit.kit, tracekit.kit_folder  # fixtures


def _trace(kit: Kit, la: str) -> None:
    trace_submission(kit.store, la, YEAR, kit.register, matcher=cross_check,
                     reader=read_parquet_register)


def test_feedback_content(kit: Kit, tmp_path: Path) -> None:
    _trace(kit, "503")
    written = write_feedback(kit.store, "503", YEAR, tmp_path, by="tester")
    assert [w.path.name for w in written] == ["trace-feedback-503-2020-21-v1-t1.csv",
                                             "trace-feedback-503-2020-21-v1-t1.xlsx"]
    with written[0].path.open(newline="") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == [name for name, _ in COLUMNS]
    req = {r["person_id"]: r for r in
           requests_for(connect(), kit.store, "503", YEAR).to_pyarrow().to_pylist()}
    assert len(rows) == len(req) == written[0].rows
    by_person = {r["Person ID"]: r for r in rows}
    for p in kit.confirmed:
        r = by_person[p]
        assert r["NHS Number found"] == r["NHS Number sent"] == req[p]["nhs_number"]
        assert r["GP Practice Code found"] == GP and r["Match type"] == "1"
        assert r["Match type (words)"].startswith("cross-check") and r["Action"] == "confirmed"
        assert r["Date of Birth sent"] == f"{req[p]['date_of_birth']:%d/%m/%Y}"
        assert r["Gender sent"] == req[p]["gender"] and r["Postcode sent"] == req[p]["postcode"]
    odd = by_person[kit.wrong_dob]
    assert odd["Action"] == "unconfirmed" and odd["NHS Number found"] == ""
    assert odd["Match type (words)"] == "no match"
    sheet = pl.read_excel(written[1].path, engine="calamine", infer_schema_length=0)
    assert sheet.columns == [name for name, _ in COLUMNS] and sheet.height == len(rows)
    assert sorted(sheet["Person ID"].to_list()) == sorted(by_person)
    ev = AuditEvent.objects.using(kit.store.alias).filter(action="feedback").get()
    d = json.loads(ev.details)
    assert [f["rows"] for f in d["files"]] == [len(rows), len(rows)]
    assert d["files"][0]["sha256"] == written[0].sha256
    assert not any(p in ev.details for p in req)
    assert not any(r["nhs_number"] and r["nhs_number"] in ev.details for r in req.values())


def test_feedback_is_scoped_to_the_la(kit: Kit, tmp_path: Path) -> None:
    _trace(kit, "503")
    _trace(kit, "318")
    written = write_feedback(kit.store, "503", YEAR, tmp_path, dataset=True)
    assert written[2].path.name == "cld-dataset-503-2020-21.parquet"
    theirs = {r["nhs_number"] for r in
              requests_for(connect(), kit.store, "318", YEAR).to_pyarrow().to_pylist()
              if r["nhs_number"]}
    mine = {r["nhs_number"] for r in
            requests_for(connect(), kit.store, "503", YEAR).to_pyarrow().to_pylist()
            if r["nhs_number"]}
    others = theirs - mine
    assert others  # the two LAs' people differ
    with written[0].path.open(newline="") as f:
        sent = {r["NHS Number sent"] for r in csv.DictReader(f)}
    assert not sent & others
    data = pq.read_table(written[2].path)
    assert set(data["la_code"].to_pylist()) == {"503"}
    assert not set(data["nhs_number"].to_pylist()) & others
    traced = {(r["person_id"], r["traced_nhs_number"]) for r in data.to_pylist()
              if r["traced_nhs_number"]}
    assert {p for p, _ in traced} == set(kit.confirmed)
    assert data.num_rows == written[2].rows
    ev = AuditEvent.objects.using(kit.store.alias).filter(action="export").get()
    assert ev.la_code == "503" and json.loads(ev.details)["rows"] == data.num_rows


def test_no_feedback_before_a_trace(kit: Kit, tmp_path: Path) -> None:
    with pytest.raises(TraceError, match="has not been traced"):
        write_feedback(kit.store, "503", YEAR, tmp_path / "fb")
    assert not (tmp_path / "fb").exists()



def test_text_from_the_la_never_becomes_a_formula(tmp_path: Path) -> None:
    """Feedback carries the LA's own values back: a person id that looks like a formula is
    written as text (XLSX) and neutralised (CSV), as the data-quality reports do."""
    import csv
    import zipfile

    import pyarrow as pa

    from cld.privacy.feedback import _write_csv, _write_xlsx

    t = pa.table({"Person ID": ["=1+1", "P2"], "Match type": [1, None]})
    _write_xlsx(t, tmp_path / "f.xlsx")
    sheet = zipfile.ZipFile(tmp_path / "f.xlsx").read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "=1+1" in sheet  # the text, not a formula cell
    _write_csv(t, tmp_path / "f.csv")
    rows = list(csv.DictReader((tmp_path / "f.csv").open(encoding="utf-8")))
    assert [r["Person ID"] for r in rows] == ["'=1+1", "P2"]


def test_trace_summary_counts_by_action(kit: Kit) -> None:
    from cld.privacy.feedback import trace_summary

    before = trace_summary(kit.store, "503", YEAR)
    assert before.trace is None and before.counts == {} and before.submission.la_id == "503"
    _trace(kit, "503")
    after = trace_summary(kit.store, "503", YEAR)
    req = requests_for(connect(), kit.store, "503", YEAR).to_pyarrow().to_pylist()
    assert after.trace.number == 1 and after.counts["confirmed"] == len(kit.confirmed)
    assert sum(after.counts.values()) == len(req)
    with pytest.raises(TraceError, match="no accepted submission"):
        trace_summary(kit.store, "213", YEAR)
