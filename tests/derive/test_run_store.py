"""store → derive → files: derive_year over the consolidated dataset (as of a day, a locked
snapshot, some LAs), derive_file over one file, and every registered output end to end."""

from __future__ import annotations

import hashlib
import itertools
import json
from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest

from cld.derive.load import load_profile
from cld.derive.registry import OUTPUTS
from cld.derive.run import DeriveError, derive_file, derive_year, tidy, write_outputs
from cld.errors import StoreError, UnknownLA
from cld.store import Store, lock_year, submit
from cld.synth import generate, write_submission
from tests.derive.conftest import YEAR

PROFILE = load_profile("dhsc-2024")
START, END = date(2020, 4, 1), date(2021, 3, 31)


def la_cells(run: object, name: str) -> dict[tuple, int]:
    t = tidy(run, name).filter(pl.col("level") == "la")  # type: ignore[arg-type]
    dims = list(OUTPUTS[name].dims)
    return {(r["la_code"], *(r[d] for d in dims)): r["value"] for r in t.to_dicts()}


def test_derive_year_from_the_store(toys: list[str], store: Store, tmp_path: Path) -> None:
    run = derive_year(store, YEAR, PROFILE)
    assert run.las == ["318", "503"] and run.year == "2020/21"
    assert (run.period_start, run.period_end) == (START, END)
    assert run.source.startswith("as of ")
    subs = sorted(run.submissions, key=lambda s: s["la_code"])
    assert [s["la_code"] for s in subs] == ["318", "503"]
    assert run.rows_in == sum(s["rows"] for s in subs) > 0
    lines = [[s["la_code"], s["id"], s["version"], s["events_sha256"]]
             for s in run.submissions]
    assert run.input_sha256 == hashlib.sha256(
        json.dumps(lines, sort_keys=True).encode()).hexdigest()
    m = write_outputs(run, tmp_path)
    assert m.data["input"]["sha256"] == run.input_sha256 and m.data["year"] == "2020/21"
    t = pl.read_parquet(tmp_path / "TOY001_a.parquet")
    # 503 is in GEM (0CL), 318 in North West (0CV): each region holds one LA
    for la, region in (("503", "0CL"), ("318", "0CV")):
        a = t.filter(pl.col("area_code") == la).sort("gender", "setting")["value"]
        b = t.filter(pl.col("area_code") == region).sort("gender", "setting")["value"]
        assert a.to_list() == b.to_list()
    assert t.filter(pl.col("level") == "england")["value"].sum() == \
        t.filter(pl.col("level") == "la")["value"].sum() > 0


def test_one_la_from_the_store_equals_its_file(toys: list[str], store: Store,
                                               synth_files: dict[str, Path]) -> None:
    by_store = derive_year(store, YEAR, PROFILE, las=["503"])
    by_file = derive_file(synth_files["503"], "503", START, END, PROFILE)
    assert by_store.las == by_file.las == ["503"]
    for name in toys:
        assert la_cells(by_store, name) == la_cells(by_file, name)
    assert by_file.validation is not None and by_file.validation["errors"] == 0
    assert by_file.notes == [] and by_file.source == "file 503.csv"


def test_a_file_with_errors_still_derives(toys: list[str], tmp_path: Path) -> None:
    path = tmp_path / "defects.csv"
    write_submission(generate("503", START, END, people=60, seed=5, defects=0.1), path)
    run = derive_file(path, "503", START, END, PROFILE)
    m = write_outputs(run, tmp_path / "out", formats=("parquet",))
    v = m.data["input"]["validation"]
    assert v["errors"] + v["fatal"] > 0
    assert any("error(s)" in n for n in m.data["notes"])
    assert m.data["input"]["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert (tmp_path / "out" / "TOY001_a.parquet").is_file()


def test_as_of_and_the_las_asked_for(toys: list[str], store: Store) -> None:
    yesterday = date.today() - timedelta(days=1)
    with pytest.raises(DeriveError, match="no accepted submission counts for 2020/21 by"):
        derive_year(store, YEAR, PROFILE, as_of=yesterday)
    run = derive_year(store, YEAR, PROFILE, as_of=date.today() + timedelta(days=1))
    assert run.as_of == date.today() + timedelta(days=1) and run.las == ["318", "503"]
    with pytest.raises(UnknownLA, match="'999'"):
        derive_year(store, YEAR, PROFILE, las=["999"])
    with pytest.raises(DeriveError, match="no accepted submission of 316"):
        derive_year(store, YEAR, PROFILE, las=["316", "503"])
    with pytest.raises(StoreError, match="nothing has been submitted for 2021/22"):
        derive_year(store, "2021/22", PROFILE)
    with pytest.raises(DeriveError, match="not a financial year"):
        derive_year(store, "2020/22", PROFILE)


def test_a_locked_year_uses_its_snapshot(toys: list[str], tmp_path: Path,
                                         synth_files: dict[str, Path]) -> None:
    st = Store.open(tmp_path / "store")
    try:
        assert submit(st, synth_files["318"], "318", YEAR, by="test").kind == "accepted"
        live = derive_year(st, YEAR, PROFILE)
        snap = lock_year(st, YEAR, by="test")
        locked = derive_year(st, YEAR, PROFILE)
        assert locked.source.startswith("locked snapshot 1")
        assert locked.input_sha256 == snap.sha256
        assert [s["la_code"] for s in locked.submissions] == ["318"]
        for name in toys:
            assert la_cells(locked, name) == la_cells(live, name)
        # an as-of date reads the submissions again, not the snapshot
        again = derive_year(st, YEAR, PROFILE, as_of=date.today())
        assert again.source.startswith("as of") and again.input_sha256 == live.input_sha256
    finally:
        st.close()


def test_derive_file_refuses_bad_input(toys: list[str], synth_files: dict[str, Path],
                                       tmp_path: Path) -> None:
    with pytest.raises(DeriveError, match="ends .* before it starts"):
        derive_file(synth_files["503"], "503", END, START, PROFILE)
    with pytest.raises(UnknownLA):
        derive_file(synth_files["503"], "999", START, END, PROFILE)
    with pytest.raises(DeriveError, match="no such file"):
        derive_file(tmp_path / "none.csv", "503", START, END, PROFILE)


def test_every_registered_output_end_to_end(store: Store, tmp_path: Path) -> None:
    """Whatever outputs are registered (the real ones once merged): zero-filled LA cells,
    totals that are sums, a sheet and a file each."""
    import fastexcel

    import cld.derive.outputs  # noqa: F401

    run = derive_year(store, YEAR, PROFILE)
    m = write_outputs(run, tmp_path)
    assert set(m.data["outputs"]) == set(OUTPUTS)
    sheets = fastexcel.read_excel(tmp_path / "derived.xlsx").sheet_names
    assert sheets[0] == "About"
    for name, o in OUTPUTS.items():
        t = pl.read_parquet(tmp_path / f"{name}.parquet")
        la = t.filter(pl.col("level") == "la")
        dims = list(o.dims)
        if all(labels is not None for labels in o.dims.values()):
            combos = list(itertools.product(*(o.dims[d] or () for d in dims)))
            assert la.height == len(run.las) * len(combos), name
        assert la.select("la_code", *dims).n_unique() == la.height, name
        eng = t.filter(pl.col("level") == "england").select(*dims, "value")
        sums = la.group_by(dims).agg(_sum=pl.col("value").sum()) if dims else None
        if sums is not None:
            j = eng.join(sums, on=dims, how="full", coalesce=True)
            assert j.filter(pl.col("value") != pl.col("_sum")).height == 0, name
        assert name[:31] in sheets
        assert (tmp_path / "contributions" / f"{name}.parquet").is_file()


def test_every_cell_of_a_written_folder_is_explained(store: Store, tmp_path: Path) -> None:
    """derive → write_outputs → explain: for every registered output, every non-zero LA cell
    of one LA is explained by rows that add up to it (the folder holds what explain needs)."""
    import cld.derive.outputs  # noqa: F401
    from cld.derive.explain import explain_folder, folder_outputs

    write_outputs(derive_year(store, YEAR, PROFILE, las=["318"]), tmp_path,
                  formats=("parquet",))
    assert folder_outputs(tmp_path) == sorted(OUTPUTS)
    explained = 0
    for name in OUTPUTS:
        t = pl.read_parquet(tmp_path / f"{name}.parquet").filter(
            (pl.col("level") == "la") & (pl.col("value") != 0))
        for row in t.head(3).to_dicts():
            ex = explain_folder(tmp_path, name, "318", cell_id=row["cell_id"], as_la=True)
            assert abs(ex.total - row["value"]) < 1e-6 * max(1, abs(row["value"]))
            explained += 1
    assert explained > 0 or not OUTPUTS
