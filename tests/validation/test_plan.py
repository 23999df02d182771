"""The compiled rule plan: kept on disk, and a fresh `cld validate` then loads no heavy library."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from cld.validation.testing import rows, write

HEAVY = ("ibis", "sqlglot", "pandas", "altair", "polars", "django", "jinja2", "xlsxwriter")

# Runs the CLI in this process' interpreter, then names the heavy modules it imported.
SCRIPT = """
import runpy, sys
heavy = sys.argv[3].split(",")
sys.argv = ["cld", "validate", sys.argv[1], "--format", "csv", "-o", sys.argv[2]]
try:
    runpy.run_module("cld", run_name="__main__")
except SystemExit as exc:
    code = exc.code
print("MODULES:" + ",".join(m for m in heavy if m in sys.modules))
print("EXIT:" + str(code))
"""


def _run(file: Path, out: Path, cache: str) -> tuple[list[str], str]:
    env = {"CLD_CACHE_DIR": cache, "PATH": "/usr/bin:/bin", "HOME": str(file.parent)}
    cmd = [sys.executable, "-c", SCRIPT, str(file), str(out), ",".join(HEAVY)]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600, check=False)
    lines = done.stdout.splitlines()
    mods = next(x for x in lines if x.startswith("MODULES:")).removeprefix("MODULES:")
    code = next(x for x in lines if x.startswith("EXIT:")).removeprefix("EXIT:")
    return [m for m in mods.split(",") if m], code


def test_plan_cached_on_disk_and_heavy_imports_avoided(tmp_path: Path) -> None:
    # One error (an unknown Gender) so the report has a line to compare.
    file = write(tmp_path / "case.csv", rows([{"Gender": "Mail"}]))
    cache = tmp_path / "cache"
    first, code1 = _run(file, tmp_path / "a.csv", str(cache))
    plans = list(cache.glob("rules-*.json"))
    assert len(plans) == 1  # compiled once, kept
    assert "ibis" in first  # the first run compiled the rules
    second, code2 = _run(file, tmp_path / "b.csv", str(cache))
    assert second == []  # no ibis, pandas, Altair, ... for a CSV report
    assert code1 == code2 == "1"
    report = (tmp_path / "a.csv").read_bytes()
    assert b"Mail" in report  # the invalid value is quoted
    assert (tmp_path / "b.csv").read_bytes() == report  # the cached plan finds the same

    # A damaged plan file is compiled again, with the same result; "off" keeps nothing.
    plans[0].write_text("{not json", encoding="utf-8")
    third, _ = _run(file, tmp_path / "c.csv", str(cache))
    assert "ibis" in third
    assert (tmp_path / "c.csv").read_bytes() == report
    _run(file, tmp_path / "d.csv", "off")
    assert (tmp_path / "d.csv").read_bytes() == report
    assert not (tmp_path / ".cache").exists()  # not the default folder under HOME either
    assert len(list(cache.glob("rules-*.json"))) == 1


def test_where_the_plan_is_kept(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from cld.validation.plan import _cache_dir

    monkeypatch.setenv("CLD_CACHE_DIR", str(tmp_path / "plans"))
    assert _cache_dir() == tmp_path / "plans"
    monkeypatch.setenv("CLD_CACHE_DIR", "off")
    assert _cache_dir() is None
    monkeypatch.delenv("CLD_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert _cache_dir() == tmp_path / "xdg" / "cld"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert _cache_dir() == tmp_path / ".cache" / "cld"


def test_off_compiles_the_plan_for_every_file(monkeypatch: pytest.MonkeyPatch,
                                              tmp_path: Path) -> None:
    from cld.validation import compile_rules, plan
    from cld.validation.engine import validate

    file = write(tmp_path / "case.csv", rows([{"Gender": "Mail"}]))
    calls = []
    real = compile_rules.compile_plan

    def counted(*a: Any) -> Any:
        calls.append(1)
        return real(*a)

    monkeypatch.setattr(compile_rules, "compile_plan", counted)
    monkeypatch.setattr(plan, "_MEMO", {})  # nothing kept by other tests
    monkeypatch.setenv("CLD_CACHE_DIR", "off")
    first = validate(file).issues
    assert validate(file).issues.equals(first) and len(calls) == 2
    monkeypatch.setenv("CLD_CACHE_DIR", str(tmp_path / "plans"))
    validate(file)
    validate(file)
    assert len(calls) == 3  # compiled once more, then kept in memory
