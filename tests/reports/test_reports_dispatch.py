from __future__ import annotations

from pathlib import Path

import pytest

from cld.reports import RENDERERS, write_report
from cld.validation.result import ValidationResult


def test_renderers_cover_all_formats() -> None:
    assert set(RENDERERS) == {"json", "csv", "xlsx", "html"}


@pytest.mark.parametrize("fmt", sorted(RENDERERS))
def test_write_report_every_format(fmt: str, result: ValidationResult, tmp_path: Path) -> None:
    path = tmp_path / f"report.{fmt}"
    write_report(result, fmt, path)
    assert path.stat().st_size > 0


def test_write_report_unknown_format(result: ValidationResult, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown report format"):
        write_report(result, "pdf", tmp_path / "x.pdf")
