"""`cld trace` and `cld feedback` as a user runs them. The matcher is the stand-in of
tests/privacy/tracekit.py (installed as cld.privacy.tracing for these tests)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from cld.cli import app
from cld.engines import connect
from cld.privacy.traceflow import requests_for
from cld.store.models import Trace
from tests.privacy import tracekit
from tests.privacy.test_mesh_store import _answer
from tests.privacy.tracekit import YEAR, Kit

kit, kit_folder = tracekit.kit, tracekit.kit_folder  # fixtures
runner = CliRunner()


@pytest.fixture(autouse=True)
def fake_matcher(monkeypatch: pytest.MonkeyPatch) -> None:
    tracekit.install_fake(monkeypatch)


def _run(kit: Kit, *args: str) -> tuple[int, str]:
    res = runner.invoke(app, [*args, "--store", str(kit.store.root)])
    return res.exit_code, res.output


def _identifiers(kit: Kit) -> set[str]:
    req = requests_for(connect(), kit.store, "503", YEAR).to_pyarrow().to_pylist()
    return {r["person_id"] for r in req} | {r["nhs_number"] for r in req if r["nhs_number"]}


def test_trace_against_a_register(kit: Kit) -> None:
    code, output = _run(kit, "trace", "--la", "503", "--year", YEAR, "--register",
                        str(kit.register))
    assert code == 0, output
    assert "stored:" in output and "trace 1 of submission" in output
    line = next(x for x in output.splitlines() if "confirmed" in x and "unconfirmed" not in x)
    assert line.split("│")[2].strip() == "3"
    assert not any(i in output for i in _identifiers(kit))
    assert Trace.objects.using(kit.store.alias).count() == 1


def test_the_register_from_the_store_settings(kit: Kit) -> None:
    code, output = _run(kit, "trace", "--la", "503", "--year", YEAR)
    assert code == 2 and "tracing: register" in output and "Traceback" not in output
    (kit.store.root / "store.yaml").write_text("tracing:\n  register: ../register.parquet\n")
    code, output = _run(kit, "trace", "--la", "503", "--year", YEAR)
    assert code == 0, output


def test_errors_are_plain(kit: Kit, tmp_path: Path) -> None:
    code, output = _run(kit, "trace", "--la", "999", "--year", YEAR, "--register",
                        str(kit.register))
    assert code == 2 and "error:" in output and "cld las" in output
    code, output = _run(kit, "trace", "--la", "503", "--year", YEAR, "--register",
                        str(kit.register), "--mesh-request", str(tmp_path))
    assert code == 2 and "give one of" in output
    code, output = _run(kit, "feedback", "--la", "503", "--year", YEAR, "-o", str(tmp_path))
    assert code == 2 and "has not been traced" in output
    assert Trace.objects.using(kit.store.alias).count() == 0


def test_mesh_round_trip_and_feedback(kit: Kit, tmp_path: Path) -> None:
    code, output = _run(kit, "trace", "--la", "503", "--year", YEAR, "--mesh-request",
                        str(tmp_path / "req"), "--chunk-rows", "20")
    assert code == 0, output
    files = sorted((tmp_path / "req").iterdir())
    assert len(files) == 2 and all(f.suffix == ".csv" for f in files)
    answers = []
    for k, f in enumerate(files):
        answers += ["--mesh-response", str(tmp_path / f"resp{k}.csv")]
        _answer(f, tmp_path / f"resp{k}.csv")
    code, output = _run(kit, "trace", "--la", "503", "--year", YEAR, *answers)
    assert code == 0, output
    assert "(mesh: resp0.csv, resp1.csv)" in output.replace("\n", "")
    assert not any(i in output for i in _identifiers(kit))
    code, output = _run(kit, "feedback", "--la", "503", "--year", YEAR, "-o",
                        str(tmp_path / "fb"), "--dataset")
    assert code == 0, output
    assert sorted(p.name for p in (tmp_path / "fb").iterdir()) == [
        "cld-dataset-503-2020-21.parquet", "cld-dataset-503-2020-21.parquet.manifest.json",
        "trace-feedback-503-2020-21-v1-t1.csv", "trace-feedback-503-2020-21-v1-t1.xlsx"]
