"""The store as a new user meets it: the `cld` commands, end to end, on both databases."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import duckdb
from typer.testing import CliRunner

from cld.cli import app
from tests.store.conftest import YEAR

runner = CliRunner()


def cld(store: Path, database: str | None, *args: str) -> tuple[int, str]:
    extra = ["--store", str(store)] + (["--database", database] if database else [])
    r = runner.invoke(app, [*args, *extra], env={"CLD_USER": "processor", "COLUMNS": "200"})
    return r.exit_code, r.output


def rows(path: Path) -> int:
    return int(duckdb.sql(f"SELECT count(*) FROM read_parquet('{path}')").fetchone()[0])


def test_a_quarter_of_work(tmp_path: Path, database: str | None, series: dict) -> None:
    st = tmp_path / "store"
    a, b = series["503"], series["318"]
    # three quarterly files for two LAs
    for n in range(3):
        for la, files in (("503", a), ("318", b)):
            code, out = cld(st, database, "submit", str(files[n]), "--la", la, "--year", YEAR)
            assert code == 0 and "accepted" in out, out
    # one identical resubmission, one corrected file
    code, out = cld(st, database, "submit", str(a[2]), "--la", "503", "--year", YEAR)
    assert code == 0 and "identical to version 3" in out
    corrected = tmp_path / "503-Q3-corrected.csv"
    lines = a[2].read_text().splitlines()
    corrected.write_text("\n".join(lines[:-5]) + "\n")  # five events withdrawn
    code, out = cld(st, database, "submit", str(corrected), "--la", "503", "--year", YEAR)
    assert code == 0 and "version 4" in out and "superseding version 3" in out

    code, out = cld(st, database, "submissions", "--year", YEAR, "--format", "json")
    subs = json.loads(out)
    assert [(s["la_code"], s["version"]) for s in subs] == [
        ("318", 1), ("318", 2), ("318", 3), ("503", 1), ("503", 2), ("503", 3), ("503", 4)]

    code, out = cld(st, database, "status", "--year", YEAR, "--format", "csv",
                    "--today", "01/01/2021")
    table = {r["la_code"]: r for r in csv.DictReader(io.StringIO(out))}
    assert len(table) == 151
    assert table["503"]["Q3"].startswith("v4 accepted") and table["318"]["Q3"].startswith("v3")
    assert table["716"]["Q1"] == "late: not submitted" and table["716"]["Q4"] == "due 30/06/2021"
    code, out = cld(st, database, "status", "--year", YEAR)
    assert code == 0 and "2 of 151 LAs have submitted" in out

    ds = tmp_path / "ds.parquet"
    code, out = cld(st, database, "dataset", "--year", YEAR, "-o", str(ds))
    assert code == 0, out
    q3_rows = len(lines) - 1
    b3_rows = len(b[2].read_text().splitlines()) - 1
    assert rows(ds) == (q3_rows - 5) + b3_rows
    code, out = cld(st, database, "history", "--la", "503", "--year", YEAR, "-o",
                    str(tmp_path / "h.csv"))
    assert code == 0 and "dropped" in out
    hist = list(csv.DictReader((tmp_path / "h.csv").open()))
    assert sum(1 for h in hist if h["state"] == "dropped") == 5

    code, out = cld(st, database, "lock-year", YEAR, "--reason", "year end")
    assert code == 0 and "locked: snapshot 1" in out
    code, out = cld(st, database, "submit", str(a[3]), "--la", "503", "--year", YEAR)
    assert code == 3 and "locked" in out
    locked = tmp_path / "locked.parquet"
    code, out = cld(st, database, "dataset", "--year", YEAR, "-o", str(locked))
    assert code == 0 and "locked snapshot 1" in out and rows(locked) == rows(ds)

    code, out = cld(st, database, "audit", "verify")
    assert code == 0 and "ok" in out
    code, out = cld(st, database, "audit", "list", "--format", "json")
    events = json.loads(out)
    actions = [e["action"] for e in events]
    assert [e["details"].get("reason") for e in events if e["action"] == "lock"] == ["year end"]
    assert actions.count("submit") == 7 and actions[-4:] == ["export", "lock", "refuse",
                                                              "export"]
    assert "duplicate" in actions

    code, out = cld(st, database, "report", str(subs[-1]["id"]), "--format", "csv", "-o",
                    str(tmp_path / "r.csv"))
    assert code == 0 and (tmp_path / "r.csv").exists()


def test_clear_errors_not_tracebacks(tmp_path: Path, database: str | None) -> None:
    st = tmp_path / "store"
    code, out = cld(st, database, "submit", str(tmp_path / "missing.csv"), "--la", "503",
                    "--year", YEAR)
    assert code == 2 and "no such file" in out and "Traceback" not in out
    code, out = cld(st, database, "submit", str(tmp_path), "--la", "503", "--year", "2020")
    assert code == 2 and "financial year" in out
    code, out = cld(st, database, "dataset", "--year", YEAR)
    assert code == 2 and "nothing has been submitted" in out
    code, out = cld(st, database, "report", "42")
    assert code == 2 and "no submission 42" in out
    code, out = cld(st, database, "reopen-year", YEAR, "--reason", "x")
    assert code == 2 and "nothing has been submitted" in out


def test_read_commands_do_not_create_a_store(tmp_path: Path, database: str | None) -> None:
    missing = tmp_path / "typo"
    for args in (["status", "--year", YEAR], ["submissions", "--year", YEAR],
                 ["dataset", "--year", YEAR], ["audit", "verify"]):
        code, out = cld(missing, database, *args)
        assert code == 2 and "there is no store at" in out, (args, out)
        assert "hint: check --store or CLD_STORE" in out  # the shell's hint, not the store's
    assert not missing.exists()


def test_small_mistakes(tmp_path: Path, database: str | None, series: dict) -> None:
    st = tmp_path / "store"
    code, out = cld(st, database, "submit", str(tmp_path), "--la", "503", "--year", YEAR)
    assert code == 2 and "is not a file" in out
    code, out = cld(st, database, "submit", str(series["503"][0]), "--la", "503", "--year",
                    YEAR)
    assert code == 0 and "(submission 1)" in out
    code, out = cld(st, database, "dataset", "--year", YEAR, "--la", "999")
    assert code == 2 and "not an LA code" in out and "hint: see `cld las`" in out
    code, out = cld(st, database, "audit", "list", "--limit", "-1")
    assert code == 2 and "Traceback" not in out
    code, out = cld(st, database, "submissions", "--year", YEAR, "--format", "csv")
    header = out.splitlines()[0].split(",")
    assert "stated_end" in header and "[" not in out
    code, out = cld(st, database, "lock-year", YEAR)
    assert code == 0 and "150 LA(s) of the register have no accepted submission" in out
    assert "the versions of 503 end before 31/03/2021" in out
