""""As of" boundaries: a date means the whole of that day in England (summer time included);
a moment counts a version received at exactly that moment. Through the API and the CLI."""

from __future__ import annotations

import csv
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from cld.store import Store, counting, export_dataset, history, submit
from cld.store.models import Submission
from tests.store.conftest import YEAR
from tests.store.test_cli_store import cld

# v2 of 503 arrives at 23:30 UTC on 14/08/2020: 00:30 on 15/08 in England (BST)
V1_AT = datetime(2020, 7, 10, 9, 0, tzinfo=UTC)
V2_AT = datetime(2020, 8, 14, 23, 30, tzinfo=UTC)
# v3 arrives at 23:30 UTC on 14/12/2020, which is still 14/12 in England (GMT)
V3_AT = datetime(2020, 12, 14, 23, 30, tzinfo=UTC)


def _two_versions(store: Store, series: dict, v3: bool = False) -> list[int]:
    """503 v1 and v2 (and v3) with received_at set to the moments above; their ids."""
    ids = []
    times = [V1_AT, V2_AT, V3_AT][:3 if v3 else 2]
    for n, at in enumerate(times):
        sub = submit(store, series["503"][n], "503", YEAR).submission
        Submission.objects.using(store.alias).filter(pk=sub.pk).update(received_at=at)
        ids.append(sub.pk)
    return ids


def _counted(store: Store, as_of: date | datetime) -> int:
    (sub,) = counting(store, YEAR, as_of)
    return int(sub.version)


def test_a_date_is_the_whole_english_day(store: Store, series: dict) -> None:
    _two_versions(store, series, v3=True)
    assert _counted(store, date(2020, 7, 10)) == 1  # received on the as-of day: counts
    assert counting(store, YEAR, date(2020, 7, 9)) == []  # nothing by the day before
    # summer: 23:30 UTC on the 14th is the 15th in England
    assert _counted(store, date(2020, 8, 14)) == 1
    assert _counted(store, date(2020, 8, 15)) == 2
    # winter: 23:30 UTC on the 14th is the 14th in England
    assert _counted(store, date(2020, 12, 13)) == 2
    assert _counted(store, date(2020, 12, 14)) == 3


def test_a_moment_counts_what_arrived_at_that_moment(store: Store, series: dict) -> None:
    _two_versions(store, series)
    assert _counted(store, V2_AT) == 2
    assert _counted(store, V2_AT - timedelta(microseconds=1)) == 1
    assert _counted(store, V1_AT) == 1
    # a naive moment is UTC
    assert _counted(store, V2_AT.replace(tzinfo=None)) == 2


def test_history_as_of(store: Store, series: dict) -> None:
    _two_versions(store, series)
    _, by_version = history(store, "503", YEAR, date(2020, 8, 14))
    assert [r["version"] for r in by_version.to_pyarrow().to_pylist()] == [1]
    _, by_version = history(store, "503", YEAR, date(2020, 8, 15))
    assert [r["version"] for r in by_version.to_pyarrow().to_pylist()] == [1, 2]


def test_export_as_of_a_date(store: Store, series: dict, tmp_path: Path) -> None:
    ids = _two_versions(store, series)
    ex = export_dataset(store, YEAR, tmp_path / "a.parquet", as_of=date(2020, 8, 14))
    assert [s.id for s in ex.submissions] == [ids[0]]
    assert ex.source == "as of 14/08/2020 23:59:59 BST"
    ex = export_dataset(store, YEAR, tmp_path / "b.parquet", as_of=date(2020, 8, 15))
    assert [s.id for s in ex.submissions] == [ids[1]]


def test_the_cli_as_of(tmp_path: Path, database: str | None, series: dict) -> None:
    root = tmp_path / "store"
    st = Store.open(root, database)
    ids = _two_versions(st, series)
    st.close()
    for day, expected in (("14/08/2020", [ids[0]]), ("15/08/2020", [ids[1]]),
                          ("09/07/2020", None)):
        out = tmp_path / f"ds-{day.replace('/', '')}.parquet"
        code, text = cld(root, database, "dataset", "--year", YEAR, "--as-of", day,
                         "-o", str(out))
        if expected is None:
            assert code != 0 and "no accepted submission counts" in text, text
            continue
        assert code == 0, text
        manifest = json.loads(out.with_name(out.name + ".manifest.json").read_text())
        assert [s["id"] for s in manifest["submissions"]] == expected
    for day, last in (("14/08/2020", 1), ("15/08/2020", 2)):
        out = tmp_path / f"h-{day.replace('/', '')}.csv"
        code, text = cld(root, database, "history", "--la", "503", "--year", YEAR,
                         "--as-of", day, "-o", str(out))
        assert code == 0, text
        with out.open() as f:
            assert max(int(r["last_seen"]) for r in csv.DictReader(f)) == last
