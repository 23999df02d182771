"""The HTML report as a person sees it: rendered by a real browser (Debian chromium)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from cld.reports import write_report
from cld.validation.engine import validate
from cld.validation.testing import rows, write

CHROMIUM = shutil.which("chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]

if CHROMIUM is None and os.environ.get("CI"):
    pytest.fail("chromium is not installed: .ci/run installs it", pytrace=False)
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (CI has it)")


def _browser(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", *args],
                          capture_output=True, text=True, timeout=120)


def test_report_renders_in_chromium(tmp_path: Path) -> None:
    src = write(tmp_path / "s.csv", rows([{"Event Start Date": "31/02/2020",
                                           "Gender": "<script>alert(1)</script>"}]))
    html = tmp_path / "report.html"
    write_report(validate(src), "html", html)
    dom = _browser(tmp_path, "--dump-dom", html.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert "data quality report" in dom.stdout.lower()
    assert "CLD305" in dom.stdout and "<svg" in dom.stdout
    assert "<script>alert(1)</script>" not in dom.stdout  # escaped, never live
    shot = tmp_path / "report.png"
    _browser(tmp_path, "--window-size=1200,1600", f"--screenshot={shot}", html.as_uri())
    assert shot.exists() and shot.stat().st_size > 20_000  # a real, non-blank page
