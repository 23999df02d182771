"""`cld benchmark` as a user meets it: files written, the rule named, plain errors."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import polars as pl
from typer.testing import CliRunner

from cld.cli import app
from tests.derive.conftest import YEAR

runner = CliRunner()


def cld(*args: str) -> tuple[int, str]:
    r = runner.invoke(app, list(args), env={"COLUMNS": "200"})
    return r.exit_code, r.output


def test_benchmark_the_year(toys: list[str], store_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "bench"
    code, text = cld("benchmark", "--year", YEAR, "--store", str(store_dir), "-o", str(out))
    assert code == 0, text
    assert "6 series for 3 LA(s) under the nhs rule" in text and "Traceback" not in text
    assert sorted(p.name for p in out.iterdir()) == ["benchmark.csv", "benchmark.html",
                                                     "benchmark.xlsx"]
    csv = pl.read_csv(out / "benchmark.csv", infer_schema=False)
    three = csv.filter(pl.col("series") == "TOY004").select("area_code", "value").rows()
    assert dict(three) == {"304": "*", "318": "*", "503": "*", "0CL": "*", "0CV": "*",
                           "E92000001": "9"}
    assert "population" not in csv.columns  # no population given: nothing synthetic to say
    rate = csv.filter(pl.col("series") == "TOY003 / All")
    assert set(rate["status"]) == {"no population given"} and rate["value"].is_null().all()
    # the store's audit trail records what was written for others, file by file
    code, text = cld("audit", "list", "--limit", "1", "--format", "json", "--store",
                     str(store_dir))
    event = json.loads(text)[0]
    assert event["action"] == "benchmark" and event["year"] == YEAR
    assert event["details"]["rule"] == "nhs" and event["details"]["profile"] == "dhsc-2024 v1"
    assert event["details"]["files"] == {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in out.iterdir()}
    assert cld("audit", "verify", "--store", str(store_dir))[0] == 0


def test_another_rule_and_a_population(toys: list[str], store_dir: Path,
                                       tmp_path: Path) -> None:
    pop = tmp_path / "pop.csv"
    pop.write_text("la_code,sex,age_band,year,population,source\n"
                   "503,All,18+,2020,100000,synthetic test\n"
                   "318,All,18+,2020,50000,synthetic test\n"
                   "304,All,18+,2020,200000,synthetic test\n")
    code, text = cld("benchmark", "--year", YEAR, "--store", str(store_dir), "--rule",
                     "suppress-lt5", "--population", str(pop), "-o", str(tmp_path / "b"))
    assert code == 0, text
    assert "under the suppress-lt5 rule" in text and "population is synthetic" in text
    csv = pl.read_csv(tmp_path / "b" / "benchmark.csv", infer_schema=False)
    assert set(csv["population"]) == {"synthetic population"}
    rate = csv.filter((pl.col("series") == "TOY003 / All") & (pl.col("level") == "la"))
    assert dict(rate.select("area_code", "denominator").rows()) == {
        "503": "100000", "318": "50000", "304": "200000"}


def test_plain_errors(toys: list[str], store_dir: Path, tmp_path: Path) -> None:
    code, text = cld("benchmark", "--year", YEAR, "--store", str(store_dir), "--rule", "nope",
                     "-o", str(tmp_path / "x"))
    assert code == 2 and "unknown disclosure rule 'nope'" in text and "Traceback" not in text
    code, text = cld("benchmark", "--year", "2021/22", "--store", str(store_dir), "-o",
                     str(tmp_path / "x"))
    assert code == 2 and "nothing has been submitted for 2021/22" in text
    code, text = cld("benchmark", "--year", YEAR, "--store", str(store_dir), "--as-of",
                     "31/02/2021", "-o", str(tmp_path / "x"))
    assert code == 2 and "--as-of" in text
    assert not (tmp_path / "x").exists()
