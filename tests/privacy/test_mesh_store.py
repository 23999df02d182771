"""A MESH round trip through the store: request files out, the mapping kept, the response
loaded as a trace of the same shape as a local one."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from cld.privacy.mesh import REQUEST_COLUMNS, MeshError, load_mesh_response, write_mesh_request
from cld.privacy.schema import RESULT_SCHEMA
from cld.store.integrity import verify_store
from cld.store.models import AuditEvent, Trace
from cld.store.traces import read_results
from tests.privacy import tracekit
from tests.privacy.tracekit import YEAR, Kit

kit, kit_folder = tracekit.kit, tracekit.kit_folder  # fixtures
COLS = ["ERROR_SUCCESS_CODE", "MATCHED_NHS_NO", "UNIQUE_REFERENCE", "GP_PRACTICE_CODE",
        "MATCHED_ALGORITHM_INDICATOR", "MATCHED_CONFIDENCE_PERCENTAGE"]


def _answer(request: Path, out: Path) -> tuple[int, int]:
    """PDS's answer, by hand: a sent number is confirmed, no number is not found.
    Returns (confirmed, not found)."""
    with request.open(newline="") as f:
        rows = list(csv.DictReader(f))
    lines = [f"RESP,SPINE_MPT_RESPONSE,{len(rows)},00", ",".join(COLS)]
    hits = 0
    for r in rows:
        if r["NHS_NO"]:
            hits += 1
            lines.append(f"00,{r['NHS_NO']},{r['UNIQUE REFERENCE']},Y12345,1,100")
        else:
            lines.append(f"98,,{r['UNIQUE REFERENCE']},,0,")
    out.write_text("\n".join(lines) + "\nTRAILER\n")
    return hits, len(rows) - hits


def test_round_trip(kit: Kit, tmp_path: Path) -> None:
    req = write_mesh_request(kit.store, "503", YEAR, tmp_path / "out", chunk_rows=10)
    assert len(req.files) == -(-req.people // 10) and len(req.files) >= 2
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(
        p.name for p in req.files)  # no .part left
    header = req.files[0].read_text().splitlines()[0]
    assert header.split(",") == list(REQUEST_COLUMNS)
    mapping = pq.read_table(kit.store.root / "mesh" / "503" / "2020-21" / req.token
                            / "mapping.parquet")
    assert mapping.num_rows == req.people
    people = set(mapping["person_id"].to_pylist())
    sent = "".join(p.read_text() for p in req.files)
    assert not any(f",{p}," in sent or sent.startswith(p) for p in people)
    ev = AuditEvent.objects.using(kit.store.alias).get(action="mesh-request")
    assert not any(p in ev.details for p in people)

    answers = []
    totals = [0, 0]
    for k, f in enumerate(req.files):
        a = tmp_path / f"response-{k}.csv"
        hit, miss = _answer(f, a)
        totals[0] += hit
        totals[1] += miss
        answers.append(a)
    with pytest.raises(MeshError, match="give every response file"):
        load_mesh_response(kit.store, answers[:1], "503", YEAR)
    with pytest.raises(MeshError, match="not 318"):
        load_mesh_response(kit.store, answers, "318", YEAR)
    assert Trace.objects.using(kit.store.alias).count() == 0
    out = load_mesh_response(kit.store, answers, "503", YEAR, by="tester")
    assert out.trace.source == "mesh"
    assert out.counts.get("confirmed", 0) == totals[0]
    assert sum(out.counts.values()) == req.people
    res = read_results(kit.store, out.trace)
    assert res.schema.equals(RESULT_SCHEMA)
    assert set(res["gp_practice_code"].drop_null().to_pylist()) == {"Y12345"}
    assert verify_store(kit.store)[1] == []


def test_a_changed_mapping_is_refused(kit: Kit, tmp_path: Path) -> None:
    req = write_mesh_request(kit.store, "503", YEAR, tmp_path / "out")
    assert len(req.files) == 1
    answer = tmp_path / "response.csv"
    _answer(req.files[0], answer)
    f = kit.store.root / "mesh" / "503" / "2020-21" / req.token / "mapping.parquet"
    t = pq.read_table(f)
    pq.write_table(t.slice(1), f)
    problems = verify_store(kit.store)[1]
    assert problems == [f"MESH request {req.token} (event 3): mesh/503/2020-21/{req.token}/"
                        "mapping.parquet does not match its recorded checksum"]
    f.unlink()
    assert verify_store(kit.store)[1] == [f"MESH request {req.token} (event 3): mesh/503/"
                                          f"2020-21/{req.token}/mapping.parquet is missing"]
    pq.write_table(t.slice(1), f)
    with pytest.raises(MeshError, match="does not match the checksum"):
        load_mesh_response(kit.store, [answer], "503", YEAR)
    assert Trace.objects.using(kit.store.alias).count() == 0
    d = json.loads(AuditEvent.objects.using(kit.store.alias).get(action="mesh-request").details)
    assert d["rows"] == req.people and d["files"][0]["rows"] == req.people
