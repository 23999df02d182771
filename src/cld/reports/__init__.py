"""Renderers of a :class:`~cld.validation.result.ValidationResult`: JSON, CSV, XLSX, HTML."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cld.reports._common import PathLike
from cld.reports.csv_report import write_csv
from cld.reports.html_report import render_html, write_html
from cld.reports.json_report import to_json_dict, write_json
from cld.reports.safe import neutralise
from cld.reports.xlsx_report import write_xlsx
from cld.validation.result import ValidationResult

Renderer = Callable[..., None]

#: fmt -> writer(result, path, **options); also the file extension of each format.
RENDERERS: dict[str, Renderer] = {
    "json": write_json,
    "csv": write_csv,
    "xlsx": write_xlsx,
    "html": write_html,
}


def write_report(result: ValidationResult, fmt: str, path: PathLike, **options: Any) -> None:
    """Write `result` as `fmt` ("json", "csv", "xlsx" or "html") to `path`.

    `options` go to the renderer (e.g. ``max_detail_rows`` for xlsx,
    ``max_rows_per_rule`` for html).
    """
    key = fmt.lower().lstrip(".")
    try:
        renderer = RENDERERS[key]
    except KeyError:
        known = ", ".join(sorted(RENDERERS))
        raise ValueError(f"unknown report format {fmt!r} (choose from {known})") from None
    renderer(result, path, **options)


__all__ = [
    "RENDERERS",
    "neutralise",
    "render_html",
    "to_json_dict",
    "write_csv",
    "write_html",
    "write_json",
    "write_report",
    "write_xlsx",
]
