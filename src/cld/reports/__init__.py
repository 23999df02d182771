"""Renderers of a :class:`~cld.validation.result.ValidationResult`: JSON, CSV, XLSX, HTML.

Renderers are imported when first used: the HTML one pulls in Altair (and pandas), which
would add seconds to every `cld validate` that only wants JSON or CSV.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from pathlib import Path
from typing import Any

from cld.reports._common import PathLike
from cld.validation.result import ValidationResult

Renderer = Callable[..., None]

#: fmt -> "module:function" of its writer(result, path, **options).
RENDERERS: dict[str, str] = {
    "json": "cld.reports.json_report:write_json",
    "csv": "cld.reports.csv_report:write_csv",
    "xlsx": "cld.reports.xlsx_report:write_xlsx",
    "html": "cld.reports.html_report:write_html",
}

_LAZY = {
    "write_json": "cld.reports.json_report", "to_json_dict": "cld.reports.json_report",
    "write_csv": "cld.reports.csv_report", "write_xlsx": "cld.reports.xlsx_report",
    "write_html": "cld.reports.html_report", "render_html": "cld.reports.html_report",
    "neutralise": "cld.reports.safe",
}


def renderer(fmt: str) -> Renderer:
    key = fmt.lower().lstrip(".")
    if key not in RENDERERS:
        known = ", ".join(sorted(RENDERERS))
        raise ValueError(f"unknown report format {fmt!r} (choose from {known})")
    module, name = RENDERERS[key].split(":")
    fn: Renderer = getattr(import_module(module), name)
    return fn


def write_report(result: ValidationResult, fmt: str, path: PathLike, **options: Any) -> None:
    """Write `result` as `fmt` ("json", "csv", "xlsx" or "html") to `path`.

    `options` go to the renderer (e.g. ``max_detail_rows`` for xlsx,
    ``max_rows_per_rule`` for html).
    """
    renderer(fmt)(result, path, **options)


def write_reports(result: ValidationResult, folder: PathLike, stem: str, *,
                  each: Callable[[Path], None] | None = None) -> list[Path]:
    """Write `result` in every format, as `folder/<stem>-dq.<format>` (json, csv, xlsx, html).

    `folder` is created when missing; `each(path)` is called as each report is written (so a
    shell can say so at once). Returns the paths, in that order. OSError passes through.
    """
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for fmt in RENDERERS:
        path = out / f"{stem}-dq.{fmt}"
        write_report(result, fmt, path)
        written.append(path)
        if each is not None:
            each(path)
    return written


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(name)


__all__ = [
    "RENDERERS",
    "neutralise",
    "render_html",
    "renderer",
    "to_json_dict",
    "write_csv",
    "write_html",
    "write_json",
    "write_report",
    "write_reports",
    "write_xlsx",
]
