"""The `cld` command line as a user runs it: exit codes, outputs, messages."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cld.cli import app
from cld.validation.testing import rows, write

runner = CliRunner()


def cld(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cld.cli", *args], capture_output=True,
                          text=True, timeout=300)


@pytest.fixture
def clean(tmp_path: Path) -> Path:
    return write(tmp_path / "clean.csv", rows())


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    return write(tmp_path / "broken.csv", rows([{"Event Start Date": "31/02/2020"}]))


def test_json_to_stdout_is_one_document(clean: Path) -> None:
    proc = cld("validate", str(clean), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert set(doc) == {"summary", "issues"}
    assert doc["summary"]["rows"] == 4
    assert doc["summary"]["errors"] == 0 and doc["issues"] == []
    assert "rules_run" in doc["summary"] and "rules_skipped" in doc["summary"]


def test_errors_exit_1_with_row_and_column(broken: Path) -> None:
    proc = cld("validate", str(broken), "--format", "json")
    assert proc.returncode == 1
    issue = json.loads(proc.stdout)["issues"][0]
    assert set(issue) == {"row", "column", "rule", "severity", "value", "message", "person",
                          "event_reference"}
    assert (issue["row"], issue["column"], issue["rule"], issue["value"]) == (
        2, "Event Start Date", "CLD305", "31/02/2020")


def test_unreadable_exits_2_without_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.xlsx"
    bad.write_text("not a workbook")
    proc = cld("validate", str(bad))
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and "bad.xlsx" in proc.stderr


def test_warnings_only_exit_0(tmp_path: Path) -> None:
    path = write(tmp_path / "w.csv", rows([{"Gender": "Unknown"}] * 4))
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 0
    assert "warnings" in result.output


def test_summary_without_submission_information_prints_no_none(tmp_path: Path) -> None:
    data = [{k: v for k, v in r.items() if not k.startswith(("LA ", "Reporting"))}
            for r in rows()]
    result = runner.invoke(app, ["validate", str(write(tmp_path / "n.csv", data))])
    assert result.exit_code == 1  # the fatal missing columns
    assert "None" not in result.output
    assert "LA Not known, period Not known" in " ".join(result.output.split())


def test_summary_names_the_la_and_period(clean: Path) -> None:
    result = runner.invoke(app, ["validate", str(clean)])
    shown = " ".join(result.output.split())  # the console wraps long lines
    assert "LA Lincolnshire (503), period 01/04/2020 to 31/03/2021" in shown


def test_la_mismatch_is_an_error(clean: Path) -> None:
    result = runner.invoke(app, ["validate", str(clean), "--la", "316"])
    assert result.exit_code == 1 and "CLD204" in result.output


def test_unknown_la_argument_exits_2(clean: Path) -> None:
    result = runner.invoke(app, ["validate", str(clean), "--la", "999"])
    assert result.exit_code == 2


def test_bad_period_argument_exits_2(clean: Path) -> None:
    result = runner.invoke(app, ["validate", str(clean), "--period-start", "2020-04-01",
                                 "--period-end", "31/03/2021"])
    assert result.exit_code == 2


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "html", "json"])
def test_report_file_formats(broken: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"report.{fmt}"
    result = runner.invoke(app, ["validate", str(broken), "--format", fmt, "-o", str(out)])
    assert result.exit_code == 1
    assert out.exists() and out.stat().st_size > 0


def test_report_dir_writes_all_formats(broken: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate", str(broken), "--report-dir", str(tmp_path / "r")])
    assert result.exit_code == 1
    assert sorted(p.suffix for p in (tmp_path / "r").iterdir()) == [".csv", ".html", ".json",
                                                                     ".xlsx"]


def test_rules_lists_the_catalogue() -> None:
    result = runner.invoke(app, ["rules"])
    assert result.exit_code == 0 and "CLD305" in result.output


def test_rules_in_a_fresh_process_writes_the_committed_catalogue(tmp_path: Path) -> None:
    # A fresh process imports only what `cld rules` needs: the rules must still register.
    import subprocess
    import sys

    subprocess.run([sys.executable, "-m", "cld.cli", "rules", "--write-docs", str(tmp_path)],
                   check=True, capture_output=True)
    docs = Path(__file__).resolve().parents[1] / "docs"
    for name in ("rules.md", "rules.csv"):
        assert (tmp_path / name).read_text(encoding="utf-8") == (docs / name).read_text(
            encoding="utf-8")


def test_template_round_trips(tmp_path: Path) -> None:
    for fmt in ("csv", "xlsx"):
        out = tmp_path / f"t.{fmt}"
        assert runner.invoke(app, ["template", "-f", fmt, "-o", str(out)]).exit_code == 0
    header = (tmp_path / "t.csv").read_text(encoding="utf-8-sig").strip().split(",")
    assert header[:3] == ["LA Code", "LA Name", "Reporting Year"] and len(header) == 45
    import polars as pl

    sheets = pl.read_excel(tmp_path / "t.xlsx", sheet_id=0, engine="calamine")
    assert {"CLD Submission", "Lists", "Guidance", "LAs"} <= set(sheets)
    # the official layout (tests/ingest/test_official_template.py reads it back)
    assert sheets["CLD Submission"].columns[0].startswith("Social Care Client Level Data")
    assert sheets["LAs"].height == 151


def test_las_csv() -> None:
    result = runner.invoke(app, ["las", "--format", "csv"])
    assert result.exit_code == 0
    assert "503,E10000019,Lincolnshire,GEM" in result.output
