"""`cld explain`, `cld profiles`: outputs, and errors that exit 2 with a message."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cld.cli import app
from cld.derive.fixtures import NHS, SCRIPT, toy_registered, write_folder

runner = CliRunner()


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.delenv("CLD_EXPLAIN_KEY", raising=False)
    with toy_registered():
        yield write_folder(tmp_path / "derived")


def explain(folder: Path, *args: str) -> list[str]:
    return ["explain", "--from", str(folder), "--output", "TOY001", "--la", "503", *args]


def test_csv_rows_add_up_and_are_pseudonymised(folder: Path) -> None:
    r = runner.invoke(app, explain(folder, "--where", "band=18-64", "--where",
                                   "sequel=Long term", "--format", "csv"))
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert len(rows) == 3 and sum(int(x["value"]) for x in rows) == 3
    assert all(x["unit"].startswith("U-") for x in rows)
    assert not any(n in r.stdout for n in NHS) and "P7" not in r.stdout
    assert (folder / ".explain-key").is_file()


def test_as_la_shows_own_ids_by_cell_id(folder: Path) -> None:
    from cld.derive.cells import cell_id

    cid = cell_id("TOY001", "503", ["18-64", "Long term"])
    r = runner.invoke(app, explain(folder, "--cell", cid, "--format", "csv", "--as-la"))
    assert r.exit_code == 0, r.output
    assert "L:503:P7" in r.stdout and f"N:{NHS[0]}" in r.stdout


def test_html_file_escapes_labels(folder: Path, tmp_path: Path) -> None:
    page = tmp_path / "why.html"
    r = runner.invoke(app, explain(folder, "--where", "band=65+", "--where",
                                   f"sequel={SCRIPT}", "-o", str(page)))
    assert r.exit_code == 0, r.output
    html = page.read_text(encoding="utf-8")
    assert "<script" not in html and "&lt;script&gt;" in html and NHS[2] not in html


def test_table_on_the_terminal(folder: Path) -> None:
    r = runner.invoke(app, explain(folder, "--where", "band=65+", "--where",
                                   "sequel=Unable to classify"))
    assert r.exit_code == 0, r.output
    assert "chain>no sequel" in r.stdout and "figure 1 people from 1 rows" in r.stdout


@pytest.mark.parametrize(("args", "message"), [
    (["--output", "NOPE"], "unknown output 'NOPE'"),
    (["--where", "band=90+"], "band: 18-64; 65+"),
    (["--cell", "TOY001-503-00000000"], "no cell TOY001-503-00000000"),
    (["--where", "nope=1"], "no dimension nope"),
    (["--where", "band"], "write a label as dimension=value"),
    ([], "name the cell"),
])
def test_errors_exit_2_without_a_traceback(folder: Path, args: list[str], message: str
                                           ) -> None:
    base = explain(folder)
    if args[:1] == ["--output"]:
        base[base.index("--output") + 1] = args[1]
        args = ["--where", "band=65+"]
    r = runner.invoke(app, [*base, *args])
    assert r.exit_code == 2
    assert message in " ".join(r.output.split()) and "Traceback" not in r.output


def test_a_folder_without_a_manifest_exits_2(tmp_path: Path) -> None:
    with toy_registered():
        r = runner.invoke(app, explain(tmp_path, "--where", "band=65+"))
    assert r.exit_code == 2 and "not a derived folder" in " ".join(r.output.split())


def test_profiles_lists_the_shipped_ones() -> None:
    r = runner.invoke(app, ["profiles", "--format", "csv"])
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert [x["name"] for x in rows] == ["dhsc-2024", "nhse-2023"]
    assert all(x["version"] and x["title"] and x["source"] for x in rows)


def test_profiles_diff_marks_the_constants_that_differ(tmp_path: Path) -> None:
    own = tmp_path / "mine.yaml"
    from cld.derive.load import PROFILES

    own.write_text((PROFILES / "dhsc-2024.yaml").read_text(encoding="utf-8")
                   .replace("name: dhsc-2024", "name: mine")
                   .replace("days_per_year: 365.25", "days_per_year: 365"), encoding="utf-8")
    r = runner.invoke(app, ["profiles", "--diff", "nhse-2023", "dhsc-2024", "-f", "csv"])
    assert r.exit_code == 0, r.output
    rows = {x["constant"]: x for x in csv.DictReader(io.StringIO(r.stdout))}
    assert rows["common.person_key"]["differs"] == "yes"
    assert rows["common.person_key"]["nhse-2023 v1"] == "nhse_hybrid"
    assert rows["common.days_per_year"]["differs"] == ""
    r = runner.invoke(app, ["profiles", "--diff", "dhsc-2024", str(own), "-f", "csv",
                            "--only-differences"])
    assert r.exit_code == 0, r.output
    rows = {x["constant"]: x for x in csv.DictReader(io.StringIO(r.stdout))}
    assert list(rows) == ["common.days_per_year"]
    assert rows["common.days_per_year"]["mine v1"] == "365.0"
    r = runner.invoke(app, ["profiles", "--diff", "nhse-2023", "dhsc-2024"])
    assert r.exit_code == 0 and " constants differ." in r.stdout


def test_profiles_show_prints_the_yaml_and_unknown_exits_2() -> None:
    r = runner.invoke(app, ["profiles", "--show", "nhse-2023"])
    assert r.exit_code == 0 and "name: nhse-2023" in r.stdout and "# Source:" in r.stdout
    r = runner.invoke(app, ["profiles", "--show", "nhse-2099"])
    assert r.exit_code == 2 and "unknown method profile" in r.output
    assert "Traceback" not in r.output
