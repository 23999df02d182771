"""The compiled rule plan: kept on disk, and a fresh `cld validate` then loads no heavy library."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

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
