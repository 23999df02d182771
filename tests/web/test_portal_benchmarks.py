"""The portal's benchmark scripts still run (a tiny run; the figures: docs/benchmarks.md)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

SCRIPTS = Path(__file__).parents[2] / "scripts"


def run(*args: str) -> str:
    done = subprocess.run([sys.executable, *args], capture_output=True, text=True,
                          timeout=120, cwd=SCRIPTS)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


@pytest.mark.parametrize("script", ["bench_portal_upload.py", "bench_portal_pages.py",
                                    "load_portal.py"])
def test_each_script_says_how_to_run_it(script: str) -> None:
    said = run(script, "--help")
    assert said.startswith("usage: ") and "--folder" in said


def test_page_times_of_a_small_submission(tmp_path: Path) -> None:
    said = run("bench_portal_pages.py", "--people", "40", "--defects", "0.5", "--repeat", "1",
               "--folder", str(tmp_path))
    times = {line[:45].strip(): line[45:].split() for line in said.splitlines()
             if line.endswith("x") and " ms " in line}
    assert set(times) >= {"sign-in page (baseline)", "tracker (processor)",
                          "result, first page", "result, as the processor"}
    assert times["sign-in page (baseline)"][2] == "1.0x"  # the baseline against itself
    assert all(float(t[0]) > 0 for t in times.values())
