"""A submission is atomic: a kill at any point leaves the whole new version or nothing, and
earlier versions untouched. Writers are serialised. OS errors give clear messages."""

from __future__ import annotations

import errno
import importlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from cld.errors import StoreError
from cld.store import Store, lock_year, submit
from cld.store.audit import verify
from cld.store.integrity import verify_files
from cld.store.models import AuditEvent, Submission, YearSnapshot
from cld.validation.prepared import Prepared
from tests.store.conftest import YEAR


def _cmd(store: Store, database: str | None, *args: str) -> list[str]:
    cmd = [sys.executable, "-m", "cld", *args, "--store", str(store.root)]
    return cmd + (["--database", database] if database else [])


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLD_")}
    return env | {"CLD_USER": "tester"} | extra


def _state(store: Store) -> dict:
    """Everything a failed operation must leave as it was."""
    subs = Submission.objects.using(store.alias)
    return {
        "submissions": sorted(subs.values_list("pk", "version", "sha256", "events_sha256")),
        "folders": sorted(p.relative_to(store.root).as_posix()
                          for p in (store.root / "submissions").rglob("*")),
        "audit": AuditEvent.objects.using(store.alias).count(),
        "snapshots": YearSnapshot.objects.using(store.alias).count(),
    }


@pytest.mark.parametrize("point", ["staged", "written", "moved", "committed"])
def test_kill_during_submit(store: Store, database: str | None, series: dict,
                            point: str) -> None:
    submit(store, series["503"][0], "503", YEAR)
    before = _state(store)
    r = subprocess.run(_cmd(store, database, "submit", str(series["503"][1]), "--la", "503",
                            "--year", YEAR), env=_env(CLD_CRASH_AT=point),
                       capture_output=True, text=True, timeout=300, check=False)
    assert r.returncode == -signal.SIGKILL, r.stderr[-2000:]
    reopened = Store.open(store.root, database)  # recovers what the crash left
    after = _state(reopened)
    if point == "committed":
        assert len(after["submissions"]) == len(before["submissions"]) + 1
        assert after["audit"] == before["audit"] + 1
    else:
        assert after == before
    assert set(before["submissions"]) <= set(after["submissions"])
    assert verify_files(reopened) == [] and verify(reopened.alias).ok
    assert list((store.root / "staging").iterdir()) == []
    # the store still works
    assert submit(reopened, series["503"][2], "503", YEAR).kind == "accepted"


@pytest.mark.parametrize("point", ["snapshot-written", "snapshot-moved"])
def test_kill_during_lock(store: Store, database: str | None, series: dict,
                          point: str) -> None:
    submit(store, series["503"][3], "503", YEAR)
    before = _state(store)
    r = subprocess.run(_cmd(store, database, "lock-year", YEAR),
                       env=_env(CLD_CRASH_AT=point), capture_output=True,
                       text=True, timeout=300, check=False)
    assert r.returncode == -signal.SIGKILL, r.stderr[-2000:]
    reopened = Store.open(store.root, database)
    assert _state(reopened) == before
    assert not reopened.year(YEAR).locked
    assert list((store.root / "snapshots").rglob("*.parquet")) == []
    assert lock_year(reopened, YEAR).number == 1


def _variants(src: Path, folder: Path, n: int) -> list[Path]:
    """n different valid files: `src` less its last k events (k = 0..n-1), so that no
    submission is a duplicate of an earlier one."""
    lines = src.read_text().splitlines()
    out = []
    for k in range(n):
        path = folder / f"less-{k}.csv"
        path.write_text("\n".join(lines[:len(lines) - k]) + "\n")
        out.append(path)
    return out


def _staged(root: Path) -> list[str]:
    """The files a running submit has written so far in its staging folder."""
    try:
        return sorted(f.name for d in (root / "staging").iterdir() if d.is_dir()
                      for f in d.iterdir())
    except OSError:  # removed while looking: the work ended
        return []


def _until_staged(p: subprocess.Popen, root: Path, t0: float) -> float | None:
    """Seconds from t0 until the child's staging folder holds a file (None: it ended)."""
    while p.poll() is None:
        if _staged(root):
            return time.monotonic() - t0
        assert time.monotonic() - t0 < 300, "the submit never started its work"
        time.sleep(0.005)
    return None


def test_kill_at_random_moments(store: Store, database: str | None, series: dict,
                                tmp_path: Path) -> None:
    """Whatever the moment, the new version is whole or absent. Kills are timed from a
    measured submit: at fractions of the time from its staging to its exit, after the
    child has started writing (a file in its staging folder at the kill is the evidence)."""
    from cld.store.integrity import verify_store

    files = _variants(series["318"][3], tmp_path, 6)
    submit(store, series["503"][0], "503", YEAR)
    base = _state(store)

    def start(file: Path) -> subprocess.Popen:
        return subprocess.Popen(_cmd(store, database, "submit", str(file), "--la", "318",
                                     "--year", YEAR), env=_env(),
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    t0 = time.monotonic()
    p = start(files[0])
    staged_after = _until_staged(p, store.root, t0)
    assert p.wait(timeout=300) == 0 and staged_after is not None
    work = time.monotonic() - t0 - staged_after  # staging to exit
    mid_work = []
    for fraction, file in zip((0.05, 0.25, 0.45, 0.65, 0.85), files[1:], strict=True):
        before = _state(Store.open(store.root, database))
        t0 = time.monotonic()
        p = start(file)
        assert _until_staged(p, store.root, t0) is not None
        time.sleep(fraction * work)
        seen = _staged(store.root)
        p.send_signal(signal.SIGKILL)
        p.wait(timeout=60)
        st = Store.open(store.root, database)
        after = _state(st)
        assert set(base["submissions"]) <= set(after["submissions"])
        added = len(after["submissions"]) - len(before["submissions"])
        assert added in (0, 1)
        if added == 0:
            assert after == before
            if seen:
                mid_work.append((fraction, seen))
        else:
            assert after["audit"] == before["audit"] + 1
        assert verify_store(st) == (after["audit"], [])
        assert list((store.root / "staging").iterdir()) == []
    # the kills timed early in the work landed in it (staged files present, nothing stored)
    assert len(mid_work) >= 2, (work, mid_work)


def test_concurrent_submits_are_serialised(store: Store, database: str | None,
                                           series: dict) -> None:
    procs = [subprocess.Popen(_cmd(store, database, "submit", str(series["503"][n]), "--la",
                                   "503", "--year", YEAR), env=_env(),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for n in (0, 1, 2)]
    for p in procs:
        _, stderr = p.communicate(timeout=300)
        assert p.returncode == 0, stderr[-2000:]
    subs = list(Submission.objects.using(store.alias).order_by("version"))
    assert [s.version for s in subs] == [1, 2, 3]
    assert len({s.sha256 for s in subs}) == 3
    assert [s.supersedes_id for s in subs] == [None, subs[0].pk, subs[1].pk]
    assert verify(store.alias).ok and verify_files(store) == []


@pytest.mark.parametrize(("code", "words"), [(errno.ENOSPC, "the disk is full"),
                                             (errno.EACCES, "permission denied")])
@pytest.mark.parametrize("where", ["copy_with_sha256", "fsync_tree"])
def test_os_errors_are_clear_and_change_nothing(store: Store, series: dict, code: int,
                                                words: str, where: str,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """OSError as the copy raises it; Prepared.write_events raises DuckDB's own error (below)."""
    submit(store, series["503"][0], "503", YEAR)
    before = _state(store)

    def fail(*_a: object, **_k: object) -> None:
        raise OSError(code, os.strerror(code), "/some/path")

    # the module (the package's `submit` attribute is the function of that name)
    monkeypatch.setattr(importlib.import_module("cld.store.submit"), where, fail)
    with pytest.raises(StoreError) as exc:
        submit(store, series["503"][1], "503", YEAR)
    assert words in str(exc.value) and "Nothing was stored" in str(exc.value)
    assert _state(store) == before
    assert list((store.root / "staging").iterdir()) == []


def test_store_folder_that_is_a_file(tmp_path: Path) -> None:
    f = tmp_path / "not-a-folder"
    f.write_text("x")
    with pytest.raises(StoreError, match="cannot create the store folder"):
        Store.open(f)


def test_bad_database_url(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="only sqlite"):
        Store.open(tmp_path / "s", "mysql://x@y/z")
    with pytest.raises(StoreError, match="cannot open the database"):
        Store.open(tmp_path / "s", "postgresql://nobody:secret@127.0.0.1:1/none")


def test_engine_write_errors_are_clear(store: Store, series: dict,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    import duckdb

    submit(store, series["503"][0], "503", YEAR)
    before = _state(store)

    def full(*_a: object, **_k: object) -> None:
        raise duckdb.IOException("IO Error: Could not write file \"events.parquet\": "
                                 "No space left on device")

    monkeypatch.setattr(Prepared, "write_events", full)
    with pytest.raises(StoreError, match="No space left on device.*Nothing was stored"):
        submit(store, series["503"][1], "503", YEAR)
    assert _state(store) == before
    assert list((store.root / "staging").iterdir()) == []


def test_database_errors_are_clear(store: Store, series: dict,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from django.db import OperationalError

    import cld.store.audit as audit

    submit(store, series["503"][0], "503", YEAR)
    before = _state(store)

    def fail(*_a: object, **_k: object) -> None:
        raise OperationalError("database or disk is full")

    monkeypatch.setattr(audit, "append", fail)
    with pytest.raises(StoreError, match="database refused the change.*disk is full"):
        submit(store, series["503"][1], "503", YEAR)
    assert _state(store) == before
    assert list((store.root / "staging").iterdir()) == []


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 2 MB file system (tmpfs), so that 'disk full' is the kernel's, not a mock."""
    if os.geteuid() != 0:
        if os.environ.get("CI"):
            pytest.fail("mounting a small file system needs root, and CI must run as root")
        pytest.skip("mounting a small file system needs root (CI runs as root)")
    mnt = tmp_path / "small"
    mnt.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mnt)], check=True)
    yield mnt
    subprocess.run(["umount", "-l", str(mnt)], check=False)


def test_a_really_full_disk(small_disk: Path, database: str | None, series: dict,
                            tmp_path: Path) -> None:
    from datetime import date

    from cld.synth import generate, write_submission

    st = Store.open(small_disk / "store", database)
    assert submit(st, series["503"][0], "503", YEAR).kind == "accepted"
    before = _state(st)
    big = tmp_path / "big.csv"  # ~6 MB: cannot fit
    write_submission(generate("503", date(2020, 4, 1), date(2020, 6, 30), people=6000), big)
    assert big.stat().st_size > 3_000_000
    with pytest.raises(StoreError, match="the disk is full.*Nothing was stored"):
        submit(st, big, "503", YEAR)
    assert _state(st) == before
    assert list((st.root / "staging").iterdir()) == []
    assert verify_files(st) == [] and verify(st.alias).ok
    assert submit(st, series["503"][1], "503", YEAR).kind == "accepted"  # still works
