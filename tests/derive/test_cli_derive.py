"""`cld derive` as a user meets it: from the store's year, from one file, with a comparison;
bad input gives a plain message and exit 2, never a traceback."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import fastexcel
import polars as pl
import pytest
from typer.testing import CliRunner

from cld.cli import app
from tests.derive.conftest import YEAR

runner = CliRunner()


def cld(*args: str) -> tuple[int, str]:
    r = runner.invoke(app, list(args), env={"COLUMNS": "200"})
    return r.exit_code, r.output


def test_derive_the_year(toys: list[str], store_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, text = cld("derive", "--year", YEAR, "--store", str(store_dir), "-o", str(out),
                     "--compare", "nhse-2023")
    assert code == 0, text
    assert "TOY001_a" in text and "dhsc-2024 v1" in text and "Traceback" not in text
    assert "Compared with nhse-2023 v1" in text
    assert {p.name for p in out.iterdir()} >= {
        "manifest.json", "derived.xlsx", "TOY001_a.parquet", "TOY001_a.csv",
        "TOY002_measure.csv", "TOY001_a_compare.csv", "contributions"}
    assert "TOY001_a" in fastexcel.read_excel(out / "derived.xlsx").sheet_names
    cmp = pl.read_csv(out / "TOY001_a_compare.csv")
    assert set(cmp["run_a"]) == {"dhsc-2024 v1"} and set(cmp["run_b"]) == {"nhse-2023 v1"}
    assert (cmp["value_b"] - cmp["value_a"] == cmp["difference"]).all()
    # the store's audit trail records the derivation; the chain still verifies
    code, text = cld("audit", "list", "--limit", "1", "--format", "json", "--store",
                     str(store_dir))
    event = json.loads(text)[0]
    assert event["action"] == "derive" and event["year"] == YEAR
    assert event["details"]["profile"] == "dhsc-2024 v1"
    assert event["details"]["outputs"] == sorted(toys)
    manifest = (out / "manifest.json").read_bytes()
    assert event["details"]["manifest_sha256"] == hashlib.sha256(manifest).hexdigest()
    assert cld("audit", "verify", "--store", str(store_dir))[0] == 0


def test_derive_some_las_in_one_format(toys: list[str], store_dir: Path,
                                       tmp_path: Path) -> None:
    code, text = cld("derive", "--year", YEAR, "--store", str(store_dir), "--la", "503",
                     "--format", "csv", "--profile", "nhse-2023", "--compare-as-of",
                     "01/01/2020", "-o", str(tmp_path))
    # the comparison's as-of day has no data: a plain error, exit 2
    assert code == 2 and "no accepted submission counts for 2020/21 from 503 by 01/01/2020" in text
    code, text = cld("derive", "--year", YEAR, "--store", str(store_dir), "--la", "503,",
                     "--format", "csv", "--profile", "nhse-2023", "-o", str(tmp_path))
    assert code == 0, text
    t = pl.read_csv(tmp_path / "TOY001_a.csv", schema_overrides={"la_code": pl.String,
                                                                 "area_code": pl.String})
    assert set(t.filter(pl.col("level") == "la")["la_code"]) == {"503"}
    assert set(t["profile"]) == {"nhse-2023"}
    assert not (tmp_path / "TOY001_a.parquet").exists()
    assert not (tmp_path / "derived.xlsx").exists()
    code, text = cld("derive", "--year", YEAR, "--store", str(store_dir), "--la", "503,318",
                     "-f", "parquet", "-o", str(tmp_path / "both"))
    assert code == 0, text
    t = pl.read_parquet(tmp_path / "both" / "TOY001_a.parquet")
    assert set(t.filter(pl.col("level") == "la")["la_code"]) == {"503", "318"}


def test_derive_one_file(toys: list[str], synth_files: dict[str, Path], tmp_path: Path,
                         ) -> None:
    code, text = cld("derive", str(synth_files["318"]), "--la", "318", "--period-start",
                     "01/04/2020", "--period-end", "31/03/2021", "-o", str(tmp_path))
    assert code == 0, text
    assert "file 318.csv" in text
    t = pl.read_parquet(tmp_path / "TOY001_a.parquet")
    assert set(t["level"]) == {"la", "region", "england"}
    assert set(t.filter(pl.col("level") == "la")["la_code"]) == {"318"}
    # the period from --year instead (as the user guide shows): the same figures
    code, text = cld("derive", str(synth_files["318"]), "--la", "318", "--year", YEAR,
                     "-o", str(tmp_path / "by-year"))
    assert code == 0, text
    again = pl.read_parquet(tmp_path / "by-year" / "TOY001_a.parquet")
    assert again.drop("cell_id").equals(t.drop("cell_id"))
    assert again["cell_id"].to_list() == t["cell_id"].to_list()


@pytest.mark.parametrize(("args", "message"), [
    (["--year", YEAR, "--profile", "nope"], "unknown method profile 'nope'"),
    (["--year", "2021/22"], "nothing has been submitted for 2021/22"),
    (["--year", "2020/22"], "not a financial year"),
    (["--year", YEAR, "--as-of", "31/02/2021"], "--as-of: '31/02/2021' is not a date"),
    (["--year", YEAR, "--as-of", "01/01/2019"], "no accepted submission counts"),
    (["--year", YEAR, "--la", "999"], "'999' not LA code(s) in the register"),
    (["--year", YEAR, "--format", "pdf"], "unknown format(s) pdf"),
    (["--year", YEAR, "--population", "missing.csv"], "no such population file"),
    (["--year", YEAR, "--period-start", "01/04/2020"], "go with a FILE"),
    ([], "give --year"),
])
def test_bad_input_exits_2(toys: list[str], store_dir: Path, tmp_path: Path,
                           args: list[str], message: str) -> None:
    code, text = cld("derive", *args, "--store", str(store_dir), "-o", str(tmp_path / "o"))
    assert code == 2, text
    assert message in " ".join(text.split()) and "Traceback" not in text


@pytest.mark.parametrize(("args", "message"), [
    (["--period-start", "01/04/2020", "--period-end", "31/13/2021"],
     "--period-end: '31/13/2021' is not a date"),
    (["--period-start", "01/04/2021", "--period-end", "31/03/2021"], "before it starts"),
    (["--period-start", "01/04/2020"], "give --period-start and --period-end"),
    (["--period-start", "01/04/2020", "--period-end", "31/03/2021", "--as-of", "01/01/2021"],
     "go with --year"),
])
def test_bad_file_input_exits_2(toys: list[str], synth_files: dict[str, Path], tmp_path: Path,
                                args: list[str], message: str) -> None:
    code, text = cld("derive", str(synth_files["503"]), "--la", "503", *args, "-o",
                     str(tmp_path))
    assert code == 2, text
    assert message in " ".join(text.split()) and "Traceback" not in text


def test_a_population_file(toys: list[str], store_dir: Path, tmp_path: Path) -> None:
    pop = tmp_path / "pop.csv"
    # the columns of an ONS-shaped file (sex and year are read when cld.derive.population is
    # installed; the plain reader needs la_code, age_band and population only)
    pop.write_text("la_code,sex,age_band,year,population\n503,All,18 and over,2020,100000\n"
                   "318,All,18 and over,2020,50000\n")
    code, text = cld("derive", "--year", YEAR, "--store", str(store_dir), "--population",
                     str(pop), "-o", str(tmp_path / "o"), "-f", "parquet")
    assert code == 0, text
    rate = pl.read_parquet(tmp_path / "o" / "TOY003_measure.parquet")
    eng = rate.filter(pl.col("level") == "england").to_dicts()[0]
    assert eng["denominator"] == 150_000 and eng["status"] == "ok"
    assert eng["outcome"] == round(eng["numerator"] / 150_000 * 100_000, 1)
    bad = tmp_path / "bad.csv"
    bad.write_text("la,people\n503,1\n")
    code, text = cld("derive", "--year", YEAR, "--store", str(store_dir), "--population",
                     str(bad), "-o", str(tmp_path / "o"))
    assert code == 2 and "bad.csv" in text and "column" in text


@pytest.mark.parametrize("population", ["absent", "given", "unreadable"])
def test_the_demo_derives_its_store(toys: list[str], store_dir: Path, tmp_path: Path,
                                    monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str], population: str,
                                    ) -> None:
    import cld.cli.synth
    from cld.store import Store

    pop = tmp_path / "population-synthetic.csv"
    if population == "given":
        pop.write_text("la_code,sex,age_band,year,population\n503,All,18 and over,2020,1000\n"
                       "318,All,18 and over,2020,1000\n")
    elif population == "unreadable":
        pop.write_text("code,people\n503,1\n")
    monkeypatch.setattr(cld.cli.synth, "DEMO_POPULATION", pop)
    monkeypatch.setenv("COLUMNS", "200")
    st = Store.open(store_dir)
    try:
        cld.cli.synth._demo_derive(tmp_path / "demo", st)
    finally:
        st.close()
    text = " ".join(capsys.readouterr().out.split())
    assert f"Derived tables: {tmp_path / 'demo' / 'derived'} (3 output(s)" in text
    assert "TOY001_a" in text and "dhsc-2024 v1" in text
    rate = pl.read_parquet(tmp_path / "demo" / "derived" / "TOY003_measure.parquet")
    eng = rate.filter(pl.col("level") == "england").to_dicts()[0]
    if population == "given":
        assert "population: given" in text and eng["denominator"] == 2000
    else:
        assert "population: no population given" in text and eng["outcome"] is None


def test_an_unreadable_file_exits_2(toys: list[str], tmp_path: Path) -> None:
    junk = tmp_path / "junk.csv"
    junk.write_bytes(b"\x00\x01\x02 not a submission \xff\xfe")
    code, text = cld("derive", str(junk), "--la", "503", "--year", YEAR, "-o",
                     str(tmp_path / "o"))
    assert code == 2 and "junk.csv" in text and "Traceback" not in text
    assert not (tmp_path / "o" / "manifest.json").exists()
