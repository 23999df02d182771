"""Which data counts, the consolidated dataset, lock-down and reopening."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from cld.errors import StoreError
from cld.store import Store, counting, export_dataset, lock_year, reopen_year, submit
from cld.store.models import AuditEvent, ReportingYear, YearSnapshot
from tests.store.conftest import YEAR


def _count(path: Path, where: str = "TRUE") -> int:
    row = duckdb.sql(f"SELECT count(*) FROM read_parquet('{path}') WHERE {where}").fetchone()
    assert row is not None
    return int(row[0])


def test_latest_accepted_per_la_counts(store: Store, series: dict, tmp_path: Path) -> None:
    a1 = submit(store, series["503"][0], "503", YEAR).submission
    b1 = submit(store, series["318"][0], "318", YEAR).submission
    a2 = submit(store, series["503"][1], "503", YEAR).submission
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"\x00\x01" * 50)
    submit(store, bad, "503", YEAR)  # rejected: never counts
    assert {s.pk for s in counting(store, YEAR)} == {a2.pk, b1.pk}
    # as of a moment before v2 arrived: v1 counted
    before = a2.received_at - timedelta(microseconds=1)
    assert {s.pk for s in counting(store, YEAR, before)} == {a1.pk, b1.pk}
    assert counting(store, YEAR, la="318")[0].pk == b1.pk

    out = tmp_path / "ds.parquet"
    ex = export_dataset(store, YEAR, out, by="analyst")
    assert ex.rows == a2.rows + b1.rows == _count(out)
    assert _count(out, "la_code = '503'") == a2.rows
    assert _count(out, f"submission_id = {a2.pk} AND submission_version = 2") == a2.rows
    cols = duckdb.sql(f"DESCRIBE SELECT * FROM read_parquet('{out}')").fetchall()
    names = [c[0] for c in cols]
    assert names[:6] == ["la_code", "submission_id", "submission_version", "event_key",
                         "key_source", "source_row"]
    assert dict((c[0], c[1]) for c in cols)["event_start"] == "DATE"
    manifest = json.loads(out.with_name(out.name + ".manifest.json").read_text())
    assert {m["id"] for m in manifest["submissions"]} == {a2.pk, b1.pk}
    assert {m["events_sha256"] for m in manifest["submissions"]} == {a2.events_sha256,
                                                                     b1.events_sha256}
    assert manifest["sha256"] == ex.sha256
    assert AuditEvent.objects.using(store.alias).filter(action="export").count() == 1

    old = tmp_path / "old.csv"
    ex_old = export_dataset(store, YEAR, old, as_of=before, la="503", fmt="csv")
    assert ex_old.rows == a1.rows
    assert len(old.read_text().splitlines()) == a1.rows + 1


def test_nothing_counts_yet(store: Store, series: dict, tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="nothing has been submitted"):
        export_dataset(store, YEAR, tmp_path / "x.parquet")
    submit(store, series["503"][0], "503", YEAR)
    with pytest.raises(StoreError, match="no accepted submission counts"):
        export_dataset(store, YEAR, tmp_path / "x.parquet",
                       as_of=datetime(2020, 1, 1, tzinfo=UTC))


def test_lock_freezes_and_refuses(store: Store, series: dict, tmp_path: Path) -> None:
    submit(store, series["503"][3], "503", YEAR)
    b = submit(store, series["318"][2], "318", YEAR).submission
    snap = lock_year(store, YEAR, by="lead")
    assert snap.number == 1 and snap.rows == _count(store.path(snap.path))
    kept = json.loads(snap.manifest)  # what the snapshot holds, as the locked dataset's manifest
    assert kept["year"] == YEAR and {s["la_code"] for s in kept["submissions"]} == {"503", "318"}
    assert ReportingYear.objects.using(store.alias).get(label=YEAR).locked
    refused = submit(store, series["318"][3], "318", YEAR)
    assert refused.kind == "refused" and refused.exit_code == 3
    assert b.pk in {s.pk for s in counting(store, YEAR)}  # the refused file did not count
    with pytest.raises(StoreError, match="already locked"):
        lock_year(store, YEAR)
    # the dataset of a locked year is its snapshot
    out = tmp_path / "locked.parquet"
    ex = export_dataset(store, YEAR, out)
    assert ex.source.startswith("locked snapshot 1") and ex.rows == snap.rows
    actions = list(AuditEvent.objects.using(store.alias).values_list("action", flat=True))
    assert actions[-3:] == ["lock", "refuse", "export"]
    refusal = AuditEvent.objects.using(store.alias).get(action="refuse")
    assert json.loads(refusal.details)["reason"] == "year locked"

    with pytest.raises(StoreError, match="say why"):
        reopen_year(store, YEAR, " ")
    reopen_year(store, YEAR, "late Q4 correction from 318", by="lead")
    s = YearSnapshot.objects.using(store.alias).get(number=1)
    assert s.reopened_by == "lead" and "318" in s.reopen_reason
    assert submit(store, series["318"][3], "318", YEAR).kind == "accepted"
    snap2 = lock_year(store, YEAR)
    assert snap2.number == 2 and snap2.rows > snap.rows
    # the first snapshot is untouched
    assert _count(store.path(snap.path)) == snap.rows


def test_reopen_needs_a_locked_year(store: Store, series: dict) -> None:
    submit(store, series["503"][0], "503", YEAR)
    with pytest.raises(StoreError, match="not locked"):
        reopen_year(store, YEAR, "why not")


def test_lock_refuses_when_a_submission_arrives_meanwhile(store: Store, series: dict,
                                                          monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    import cld.store.dataset as ds

    submit(store, series["503"][0], "503", YEAR)
    real = ds.events_table
    arrived = []

    def build_while_318_submits(*args: object, **kwargs: object) -> object:
        table = real(*args, **kwargs)  # type: ignore[arg-type]
        if not arrived:
            arrived.append(submit(store, series["318"][0], "318", YEAR))
        return table

    monkeypatch.setattr(ds, "events_table", build_while_318_submits)
    with pytest.raises(StoreError, match="arrived while the snapshot was being built"):
        lock_year(store, YEAR)
    assert arrived[0].kind == "accepted"
    assert not ReportingYear.objects.using(store.alias).get(label=YEAR).locked
    assert YearSnapshot.objects.using(store.alias).count() == 0
    assert list((store.root / "snapshots").rglob("*.parquet")) == []
    monkeypatch.setattr(ds, "events_table", real)
    snap = lock_year(store, YEAR)  # tried again: both LAs are in it
    assert len(json.loads(snap.manifest)["submissions"]) == 2


def test_store_opened_by_a_relative_path(tmp_path: Path, database: str | None, series: dict,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    st = Store.open("rel-store", database)
    a = submit(st, series["503"][0], "503", YEAR).submission
    ex = export_dataset(st, YEAR, Path("out.parquet"))
    assert a.rows > 0 and ex.rows == a.rows
    assert _count(tmp_path / "out.parquet") == a.rows
    assert lock_year(st, YEAR).rows == a.rows


def test_the_csv_never_starts_a_formula(tmp_path: Path) -> None:
    """A value the LA typed that a spreadsheet would run (=HYPERLINK(...), +, -, @) is written
    with a leading apostrophe; numbers, dates and other text as they are."""
    import csv
    from datetime import date

    import ibis

    from cld.store.dataset import write_csv

    t = ibis.memtable({"person_id": ['=HYPERLINK("http://x.test","y")', "P2", "@SUM(A1)"],
                       "cost": [-12.5, 3.0, None],
                       "event_start": [date(2020, 4, 1), date(2020, 5, 2), None]})
    out = tmp_path / "d.csv"
    assert write_csv(t, out) == 3
    rows = list(csv.DictReader(out.open(encoding="utf-8", newline="")))
    assert [r["person_id"] for r in rows] == ['\'=HYPERLINK("http://x.test","y")', "P2",
                                              "'@SUM(A1)"]
    assert [r["cost"] for r in rows] == ["-12.5", "3", ""]  # a number is not text
    assert [r["event_start"] for r in rows] == ["2020-04-01", "2020-05-02", ""]
    write_csv(t.filter(t.person_id == "none"), tmp_path / "empty.csv")
    assert (tmp_path / "empty.csv").read_text().splitlines() == [
        '"person_id","cost","event_start"']


def test_export_dataset_csv_is_neutralised(store: Store, series: dict, tmp_path: Path) -> None:
    import csv

    import polars as pl

    src = pl.read_csv(series["503"][0], infer_schema_length=0)
    odd = '=HYPERLINK("http://x.test","click")'
    src = src.with_columns(pl.when(pl.int_range(pl.len()) == 0).then(pl.lit(odd))
                           .otherwise(pl.col("Person Unique Identifier"))
                           .alias("Person Unique Identifier"))
    f = tmp_path / "odd.csv"
    src.write_csv(f)
    assert submit(store, f, "503", YEAR).kind == "accepted"
    out = tmp_path / "cld.csv"
    export_dataset(store, YEAR, out, la="503", fmt="csv")
    ids = [r["person_id"] for r in csv.DictReader(out.open(encoding="utf-8", newline=""))]
    assert "'" + odd in ids and odd not in ids


def test_data_version_changes_with_what_counts(store: Store, series: dict) -> None:
    from cld.store.dataset import data_version

    submit(store, series["503"][0], "503", YEAR)
    first = data_version(store, YEAR)
    assert first.startswith("as-of-") and data_version(store, YEAR) == first
    submit(store, series["503"][1], "503", YEAR)  # a new version counts
    second = data_version(store, YEAR)
    assert second != first
    snap = lock_year(store, YEAR)
    assert data_version(store, YEAR) == f"snapshot-1-{snap.sha256[:12]}"
    reopen_year(store, YEAR, "a correction")
    assert data_version(store, YEAR) == second
