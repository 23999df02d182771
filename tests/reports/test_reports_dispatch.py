from __future__ import annotations

from pathlib import Path

import pytest

from cld.reports import RENDERERS, write_report, write_reports
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


def test_write_reports_writes_every_format(result: ValidationResult, tmp_path: Path) -> None:
    seen: list[Path] = []
    folder = tmp_path / "new" / "folder"  # created when missing
    written = write_reports(result, folder, "q1", each=seen.append)
    assert [p.name for p in written] == ["q1-dq.json", "q1-dq.csv", "q1-dq.xlsx", "q1-dq.html"]
    assert seen == written
    for path in written:  # each the same bytes as the format's own writer gives
        one = tmp_path / f"one.{path.suffix[1:]}"
        write_report(result, path.suffix[1:], one)
        assert path.stat().st_size > 0
        if path.suffix in {".json", ".csv"}:
            assert path.read_bytes() == one.read_bytes()
