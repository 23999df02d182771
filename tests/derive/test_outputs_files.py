"""derive → tidy files, totals, measures, contributions, workbook: on a hand-made chronology
of three LAs (503 and 612 in GEM; 612 is also listed in SCW; 318 in NW), with the toy
outputs of conftest.py. Expected figures are counted by hand from the rows below."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import fastexcel
import ibis
import polars as pl
import pytest

from cld.derive.cells import cell_id
from cld.derive.load import load_profile
from cld.derive.run import (
    NO_POPULATION,
    Run,
    compare,
    derive_events,
    read_population,
    tidy,
    write_compare,
    write_outputs,
)
from cld.derive.testing import events

START, END = date(2020, 4, 1), date(2021, 3, 31)
LTS, NURSING = "Long Term Support: ", "Long Term Support: Nursing Care"
ROWS = [
    # 503: four people in the period
    {"la_code": "503", "person_id": "P1", "gender": "Female", "event_type": "Service",
     "service_type": NURSING, "event_start": "01/05/2020"},
    {"la_code": "503", "person_id": "P2", "gender": "Male", "event_type": "Service",
     "service_type": LTS + "Community", "event_start": "01/06/2020", "event_end": "01/07/2020"},
    {"la_code": "503", "person_id": "P3", "gender": "Male", "event_type": "Service",
     "service_type": "Short Term Support: ST-Max", "event_start": "01/06/2020"},
    {"la_code": "503", "person_id": "P4", "gender": "Female", "event_type": "Service",
     "service_type": LTS + "Community", "event_start": "01/09/2020"},
    # 612: one person in the period, one whose service ended before it
    {"la_code": "612", "person_id": "P1", "gender": "Female", "event_type": "Service",
     "service_type": LTS + "Residential Care", "event_start": "01/04/2019"},
    {"la_code": "612", "person_id": "P9", "gender": "Female", "event_type": "Service",
     "service_type": NURSING, "event_start": "01/04/2019", "event_end": "31/03/2020"},
    # 318: gender not given
    {"la_code": "318", "person_id": "P1", "event_type": "Service",
     "service_type": NURSING, "event_start": "01/01/2021"},
]


def run(rows: list[dict] = ROWS, population: ibis.Table | None = None,
        profile: str = "dhsc-2024") -> Run:
    return derive_events(events(rows), load_profile(profile), START, END,
                         population=population)


def population(folder: Path, rows: str) -> ibis.Table:
    """A population table as `cld derive --population FILE` reads it."""
    path = folder / "population.csv"
    path.write_text("la_code,sex,age_band,year,population\n" + rows, encoding="utf-8")
    return read_population(path)


def cells_of(t: pl.DataFrame, level: str, area: str) -> dict[tuple[str, ...], int]:
    dims = [c for c in t.columns if c not in {
        "output", "table", "level", "area_code", "area_name", "la_code", "period_start",
        "period_end", "profile", "profile_version", "value", "cell_id"}]
    sel = t.filter((pl.col("level") == level) & (pl.col("area_code") == area))
    return {tuple(r[d] for d in dims): r["value"] for r in sel.to_dicts()}


def test_cells_zero_filled_with_region_and_england_totals(toys: list[str]) -> None:
    t = tidy(run(), "TOY001_a")
    la = t.filter(pl.col("level") == "la")
    # every LA x gender x setting, once
    assert la.height == 3 * 3 * 4
    assert la.select("la_code", "gender", "setting").n_unique() == la.height
    assert cells_of(t, "la", "503") == {
        **{(g, s): 0 for g in ("Female", "Male", "Not known")
           for s in ("Nursing", "Residential", "Community", "excluded: short term")},
        ("Female", "Nursing"): 1, ("Female", "Community"): 1, ("Male", "Community"): 1,
        ("Male", "excluded: short term"): 1}
    # regions: 503 and 612 in GEM (612's first-listed DSCRO); 318 in NW; no SCW row
    assert sorted(set(t.filter(pl.col("level") == "region")["area_code"])) == ["0CL", "0CV"]
    gem = {k: v for k, v in cells_of(t, "region", "0CL").items() if v}
    assert gem == {("Female", "Nursing"): 1, ("Female", "Community"): 1,
                   ("Male", "Community"): 1, ("Male", "excluded: short term"): 1,
                   ("Female", "Residential"): 1}
    eng = {k: v for k, v in cells_of(t, "england", "E92000001").items() if v}
    assert eng == {**gem, ("Not known", "Nursing"): 1}
    # totals are sums of LA cells, cell by cell
    sums = la.group_by("gender", "setting").agg(pl.col("value").sum())
    england = t.filter(pl.col("level") == "england").select("gender", "setting", "value")
    assert sums.join(england, on=["gender", "setting"]).filter(
        pl.col("value") != pl.col("value_right")).height == 0
    # ids and the fixed columns
    row = t.filter((pl.col("level") == "england") & (pl.col("gender") == "Male")
                   & (pl.col("setting") == "Community")).to_dicts()[0]
    assert row["cell_id"] == cell_id("TOY001_a", "E92000001", ["Male", "Community"])
    assert row["la_code"] is None and row["area_name"] == "England"
    assert (row["profile"], row["profile_version"]) == ("dhsc-2024", "1")
    assert (row["period_start"], row["period_end"], row["table"]) == (START, END, "a")


def test_written_files_measures_and_contributions(toys: list[str], tmp_path: Path) -> None:
    pop = population(tmp_path, "503,All,18-64,2020,400000\n503,All,65+,2020,200000\n"
                               "612,All,18 and over,2020,400000\n")
    m = write_outputs(run(population=pop), tmp_path)
    for name in toys:
        for ext in ("parquet", "csv"):
            assert (tmp_path / f"{name}.{ext}").is_file()
        assert (tmp_path / "contributions" / f"{name}.parquet").is_file()
    assert not (tmp_path / "TOY001_a_measure.parquet").exists()  # not a measure
    share = pl.read_parquet(tmp_path / "TOY002_measure.parquet")
    got = {(r["area_code"], r["gender"]): (r["numerator"], r["denominator"], r["outcome"],
                                           r["status"]) for r in share.to_dicts()}
    assert got[("503", "Female")] == (1, 1 + 1, 50.0, "ok")
    assert got[("503", "Male")] == (0, 2, 0.0, "ok")
    assert got[("503", "Not known")] == (0, 0, None, "denominator is zero")
    assert got[("0CL", "Female")] == (2, 3, 66.7, "ok")  # 2/3 = 66.67 → 66.7
    assert got[("E92000001", "Not known")] == (1, 1, 100.0, "ok")
    rate = pl.read_parquet(tmp_path / "TOY003_measure.parquet")
    got = {r["area_code"]: (r["numerator"], r["denominator"], r["outcome"], r["status"])
           for r in rate.to_dicts()}
    assert got["503"] == (3, 600_000.0, 0.5, "ok")  # the 18-and-over band only
    assert got["612"] == (1, 400_000.0, 0.3, "ok")  # 0.25 rounds half up
    assert got["0CL"] == (4, 1_000_000.0, 0.4, "ok")
    assert got["318"][2:] == (None, "no population for this area (or an LA in it)")
    assert got["E92000001"][2] is None  # 318 has none, so England has none
    # contributions: person keys with the id of their cell; they sum to the cells
    c = pl.read_parquet(tmp_path / "contributions" / "TOY001_a.parquet")
    t = pl.read_parquet(tmp_path / "TOY001_a.parquet").filter(pl.col("level") == "la")
    sums = c.group_by("cell_id").agg(pl.col("value").sum())
    j = t.join(sums, on="cell_id", how="left").with_columns(pl.col("value_right").fill_null(0))
    assert j.filter(pl.col("value") != pl.col("value_right")).height == 0
    assert set(c["unit"]) >= {"L:503:P1", "L:612:P1", "L:318:P1"}
    assert "person keys" in m.data["personal_data"]
    csv = pl.read_csv(tmp_path / "TOY001_a.csv")
    assert csv.height == t.height + 2 * 12 + 12 and csv["period_start"][0] == "01/04/2020"


def test_rate_without_population_says_so(toys: list[str], tmp_path: Path) -> None:
    m = write_outputs(run(), tmp_path, formats=("parquet",))
    rate = pl.read_parquet(tmp_path / "TOY003_measure.parquet")
    assert set(rate["status"]) == {NO_POPULATION} and rate["outcome"].null_count() == rate.height
    assert m.data["population"] == NO_POPULATION
    assert not (tmp_path / "TOY003.csv").exists() and not (tmp_path / "derived.xlsx").exists()


def test_manifest(toys: list[str], tmp_path: Path) -> None:
    rows = [*ROWS, {"la_code": "318", "event_type": "Service", "service_type": NURSING,
                    "event_start": "01/01/2021", "person_id": None}]  # no person key
    m = write_outputs(run(rows), tmp_path)
    data = json.loads((tmp_path / "manifest.json").read_text())
    assert data == json.loads(json.dumps(m.data, default=str))
    assert data["profile"]["name"] == "dhsc-2024" and data["profile"]["version"] == "1"
    assert data["code_version"]
    assert (data["period_start"], data["period_end"]) == ("2020-04-01", "2021-03-31")
    assert data["rows"]["in"] == 8
    assert data["rows"]["dropped_no_person_key"] == 1
    assert data["rows"]["dropped_no_person_key_by_la"] == {"318": 1}
    assert data["las"] == ["318", "503", "612"]
    toy = data["outputs"]["TOY001_a"]
    assert (toy["contributions"], toy["excluded"], toy["cells"], toy["total"]) == (6, 1, 36, 6)
    assert data["outputs"]["TOY002"]["total"] is None
    assert toy["rows_in"] == 7 and toy["dropped_no_person_key"] == 1
    for rel, sha in data["files"].items():
        import hashlib

        assert hashlib.sha256((tmp_path / rel).read_bytes()).hexdigest() == sha
    assert "contributions/TOY001_a.parquet" in data["files"]


def test_workbook(toys: list[str], tmp_path: Path) -> None:
    from cld.derive.registry import NOT_PRODUCED

    NOT_PRODUCED["TOYX"] = "the toy collection has no carers"
    try:
        write_outputs(run(), tmp_path, formats=("xlsx",))
    finally:
        del NOT_PRODUCED["TOYX"]
    book = fastexcel.read_excel(tmp_path / "derived.xlsx")
    assert book.sheet_names == ["About", "TOY001_a", "TOY002", "TOY003", "TOY002 outcome",
                                "TOY003 outcome"]
    about = book.load_sheet("About", header_row=None).to_polars()
    text = [str(v) for col in about.columns for v in about[col].to_list() if v is not None]
    for want in ("dhsc-2024", "01/04/2020 to 31/03/2021", "TOYX",
                 "the toy collection has no carers"):
        assert want in text
    sheet = book.load_sheet("TOY001_a", header_row=None).to_polars()
    cols = sheet.columns
    # header rows: one per dimension (gender, setting), then the areas
    assert sheet.row(3)[2:5] == ("gender", "Female", "Female")
    assert sheet.row(4)[2:5] == ("setting", "Nursing", "Residential")
    assert sheet.row(5)[:3] == ("Area code", "Area", "Level")
    body = sheet.slice(6)
    assert body[cols[0]].to_list() == ["318", "503", "612", "0CL", "0CV", "E92000001"]
    assert body[cols[2]].to_list() == ["la", "la", "la", "region", "region", "england"]
    # Female: Nursing, Residential, Community, excluded; then Male: Nursing, ...
    assert [float(v) for v in body.row(5)[3:9]] == [1, 1, 1, 0, 0, 0]
    assert [float(v) for v in body.row(1)[3:11]] == [1, 0, 1, 0, 0, 0, 1, 1]
    outcome = book.load_sheet("TOY002 outcome", header_row=2).to_polars()
    assert outcome.columns[:4] == ["area_code", "area_name", "level", "gender"]
    gem = outcome.filter((pl.col("area_code") == "0CL") & (pl.col("gender") == "Female"))
    assert gem["outcome"].to_list() == [66.7]


def test_compare(toys: list[str], tmp_path: Path) -> None:
    more = [*ROWS, {"la_code": "503", "person_id": "P5", "gender": "Male",
                    "event_type": "Service", "service_type": NURSING,
                    "event_start": "01/02/2021"}]
    diffs = compare(run(), run(more))
    d = diffs["TOY001_a"]
    changed = d.filter(pl.col("difference") != 0)
    assert sorted(zip(changed["area_code"], changed["difference"], strict=True)) == [
        ("0CL", 1), ("503", 1), ("E92000001", 1)]
    assert set(changed["gender"]) == {"Male"} and set(changed["setting"]) == {"Nursing"}
    row = changed.filter(pl.col("area_code") == "503").to_dicts()[0]
    assert (row["value_a"], row["value_b"]) == (0, 1)
    assert d.height == tidy(run(), "TOY001_a").height
    files = write_compare(diffs, tmp_path)
    assert {f.name for f in files} == {f"{n}_compare.{e}" for n in toys
                                       for e in ("parquet", "csv")}
    back = pl.read_parquet(tmp_path / "TOY001_a_compare.parquet")
    assert back.filter(pl.col("difference") != 0).height == 3


def test_only_registered_outputs_are_written(toys: list[str], tmp_path: Path) -> None:
    m = write_outputs(run(), tmp_path, formats=("parquet",))
    assert set(m.data["outputs"]) == set(toys)


@pytest.mark.parametrize("profile", ["dhsc-2024", "nhse-2023"])
def test_the_profile_is_named_in_every_row(toys: list[str], profile: str) -> None:
    t = tidy(run(profile=profile), "TOY002")
    assert set(t["profile"]) == {profile}


def test_an_output_without_dimensions(toys: list[str], tmp_path: Path) -> None:
    from cld.derive.registry import OUTPUTS, Output

    def people(i):  # type: ignore[no-untyped-def]
        e = i.events
        t = e.select(la_code=e.la_code, unit=e.person_key).distinct()
        return t.mutate(rule=ibis.literal("toy>all"), value=ibis.literal(1))

    OUTPUTS["TOY004"] = Output(code="TOY004", title="Toy: people", kind="salt", dims={},
                               build=people)
    t = tidy(run(), "TOY004")
    # 503: P1-P4; 612: P1, P9 (its service ended before the period: this toy counts it)
    assert cells_of(t, "la", "503") == {(): 4} and cells_of(t, "la", "612") == {(): 2}
    assert cells_of(t, "region", "0CL") == {(): 6}
    assert cells_of(t, "england", "E92000001") == {(): 7}
    write_outputs(run(), tmp_path, formats=("xlsx", "csv"))
    assert "TOY004" in fastexcel.read_excel(tmp_path / "derived.xlsx").sheet_names


def test_a_normalised_population_uses_the_nearest_mid_year(
        toys: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """With cld.derive.population installed, a rate reads `population_for` of its band for
    the mid-year the period starts in, else the nearest year given (and says so)."""
    import types

    import cld.derive.run as run_mod

    asked = []

    def population_for(table, bands, year):  # type: ignore[no-untyped-def]
        asked.append((list(bands), year))
        rows = {"la_code": ["503", "612", "318"], "population": [100_000, 100_000, 200_000]}
        return types.SimpleNamespace(table=ibis.memtable(rows), synthetic=True)

    monkeypatch.setattr(run_mod, "population_for", population_for)
    pop = ibis.memtable({"la_code": ["503"], "year": [2022], "age_min": [18],
                         "population": [1]})
    t = run_mod.measures(run(population=pop), "TOY003")
    assert asked == [(["18 and over"], 2022)]
    eng = t.filter(pl.col("level") == "england").to_dicts()[0]
    assert (eng["numerator"], eng["denominator"], eng["outcome"]) == (5, 400_000, 1.3)
    assert eng["population_note"] == ("mid-2022 (nearest given to mid-2020); "
                                      "synthetic population")


def test_a_second_run_into_the_folder_leaves_no_stale_table(toys: list[str],
                                                            tmp_path: Path) -> None:
    write_outputs(run(), tmp_path, formats=("parquet", "csv"))
    (tmp_path / "notes.txt").write_text("mine")
    from cld.derive.registry import OUTPUTS

    del OUTPUTS["TOY003"]
    m = write_outputs(run(), tmp_path, formats=("parquet",))
    assert not (tmp_path / "TOY003.parquet").exists()
    assert not (tmp_path / "contributions" / "TOY003.parquet").exists()
    assert not (tmp_path / "TOY001_a.csv").exists()
    assert (tmp_path / "notes.txt").read_text() == "mine"  # not ours: kept
    assert sorted(m.data["outputs"]) == ["TOY001_a", "TOY002"]
