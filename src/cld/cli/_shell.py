"""What every command shares: the app, consoles, the one error mapping, formats, options."""

from __future__ import annotations

import csv
import json
import os
import sys
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console
from rich.table import Table
from typer.core import TyperGroup

from cld.errors import CldError, NoStore, StoreDamaged, UnknownLA
from cld.terminal import internal_error_message, plain

if TYPE_CHECKING:
    from cld.validation.result import ValidationResult

# What the command line adds to an engine or store error (they name no command).
HINTS: dict[type[CldError], str] = {
    UnknownLA: "see `cld las` for the codes",
    StoreDamaged: "run `cld audit verify`",
    NoStore: "check --store or CLD_STORE; `cld submit` creates a store",
}


class _Commands(TyperGroup):
    """Every command's CldError becomes `error: <message>` (+ hint) and exit code 2, here once."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except CldError as exc:
            hint = exc.hint or next((h for t, h in HINTS.items() if isinstance(exc, t)), None)
            raise fail(str(exc) + (f"\n  hint: {hint}" if hint else "")) from None
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise
        except Exception:  # never a traceback: a plain message (CLD_DEBUG=1 shows it)
            if os.environ.get("CLD_DEBUG"):
                raise
            raise fail(internal_error_message()) from None


app = typer.Typer(cls=_Commands, add_completion=False, no_args_is_help=True,
                  help="Adult Social Care Client Level Data (CLD): validate submissions, "
                       "write data-quality reports, make templates and synthetic data.")
err = Console(stderr=True)
out = Console()


class Fmt(StrEnum):
    json = "json"
    csv = "csv"
    xlsx = "xlsx"
    html = "html"


def fail(message: str, code: int = 2) -> typer.Exit:
    err.print(f"[bold red]error:[/] {plain(message)}", highlight=False)
    return typer.Exit(code)


def date_arg(value: str | None, flag: str) -> date | None:
    """A dd/mm/yyyy option as a date (None when not given)."""
    if value is None:
        return None
    from cld.dates import parse_ddmmyyyy

    try:
        return parse_ddmmyyyy(value)
    except ValueError as exc:
        raise fail(f"{flag}: {exc}") from None


def said_written(path: Path) -> None:
    """Tell the user a report was written (as write_reports writes each one)."""
    out.print(f"Report written: [bold]{path}[/]", highlight=False)


def print_summary(console: Console, result: ValidationResult) -> None:
    s = result.summary
    from cld.reports._common import la_text, period_text

    console.print(f"[bold]{plain(str(s.file))}[/]: {s.rows:,} rows, {s.people or 0:,} "
                  f"people, LA {plain(la_text(s))}, period {plain(period_text(s))}",
                  highlight=False)
    if s.layout:  # rows skipped around the header of an official template
        console.print(s.layout, highlight=False, markup=False)
    table = Table("rule", "severity", "issues", "what", title="Issues by rule")
    for rc in result.rule_counts[:25]:
        table.add_row(rc.rule, rc.severity, f"{rc.count:,}", rc.title)
    if result.rule_counts:
        console.print(table)
    verdict = ("[green]no errors[/]" if result.exit_code == 0 else "[red]errors to fix[/]")
    console.print(f"{s.fatal or 0:,} fatal, {s.errors or 0:,} errors, "
                  f"{s.warnings or 0:,} warnings: {verdict}. {len(result.rules_run)} rules ran, "
                  f"{len(result.rules_skipped)} skipped.")



class ListFmt(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


def emit(rows: list[dict[str, Any]], fmt: ListFmt, title: str, output: Path | None = None
          ) -> None:
    """Rows as a rich table, CSV or JSON (to `output` or stdout)."""
    if fmt == ListFmt.table and output is None:
        table = Table(*(rows[0].keys() if rows else ["(none)"]), title=title)
        for r in rows:
            table.add_row(*("" if v is None else str(v) for v in r.values()))
        out.print(table)
        return
    try:
        fh = output.open("w", encoding="utf-8", newline="") if output else sys.stdout
    except OSError as exc:
        raise fail(f"cannot write {output}: {exc.strerror}") from None
    try:
        if fmt == ListFmt.json:
            fh.write(json.dumps(rows, indent=1, default=str) + "\n")
        else:
            w = csv.writer(fh, lineterminator="\n")
            if rows:
                w.writerow(rows[0].keys())
            for r in rows:
                w.writerow(["" if v is None else v for v in r.values()])
    finally:
        if output:
            fh.close()
