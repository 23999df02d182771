"""`cld profiles` (the method profiles) and `cld derive-docs` (the methodology pages)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from cld.cli._shell import ListFmt, app, emit, fail, out
from cld.terminal import plain


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


@app.command()
def profiles(
    diff: Annotated[tuple[str, str] | None, typer.Option(
        "--diff", help="Compare two profiles (names or paths): every constant side by side.",
        show_default=False)] = None,
    show: Annotated[str | None, typer.Option(
        "--show", help="Print a profile's YAML (name or path), with the source of each "
        "value.")] = None,
    fmt: Annotated[ListFmt, typer.Option("--format", "-f")] = ListFmt.table,
    only_differences: Annotated[bool, typer.Option(
        "--only-differences", help="With --diff: list only the constants that differ.")
    ] = False,
) -> None:
    """The method profiles derive can use (shipped: by name; your own: by path)."""
    from cld.derive.load import PROFILES, load_profile, profile_names

    if diff is not None and show is not None:
        raise fail("give --diff or --show, not both")
    if show is not None:
        p = load_profile(show)  # checks it (and names the shipped ones when unknown)
        path = Path(show) if Path(show).suffix in (".yaml", ".yml") else (
            PROFILES / f"{p.name}.yaml")
        typer.echo(path.read_text(encoding="utf-8"), nl=False)
        return
    if diff is None:
        rows = [{"name": p.name, "version": p.version, "title": p.title, "source": p.source}
                for p in map(load_profile, profile_names())]
        emit(rows, fmt, "Method profiles")
        return
    a, b = (load_profile(x) for x in diff)
    fa, fb = a.flat(), b.flat()
    rows = []
    for k in sorted(set(fa) | set(fb)):
        va, vb = (_text(f[k]) if k in f else "(absent)" for f in (fa, fb))
        if only_differences and va == vb:
            continue
        rows.append({"constant": k, a.label: va, b.label: vb,
                     "differs": "yes" if va != vb else ""})
    if fmt != ListFmt.table:
        emit(rows, fmt, "")
        return
    table = Table(title=f"{a.label} and {b.label}: differences in yellow")
    for col in ("constant", a.label, b.label, "differs"):
        table.add_column(plain(col), overflow="fold")
    for r in rows:
        differs = bool(r["differs"])
        table.add_row(*(plain(v) for v in r.values()),
                      style="bold yellow" if differs else None)
    out.print(table)
    n = sum(1 for r in rows if r["differs"])
    out.print(f"{n} of {len(set(fa) | set(fb))} constants differ.")


@app.command("derive-docs")
def derive_docs(
    write: Annotated[Path | None, typer.Option(
        "--write", help="Write the methodology pages to this folder (docs/methodology).")
    ] = None,
) -> None:
    """The methodology pages, generated from the outputs and the profiles (without --write:
    the index on stdout)."""
    from cld.derive.docs import pages, write_pages

    if write is None:
        typer.echo(pages()["index.md"], nl=False)
        return
    try:
        written = write_pages(write)
    except OSError as exc:
        raise fail(f"cannot write to {write}: {exc.strerror}") from None
    out.print(f"Wrote {len(written)} pages to {plain(write)}", highlight=False)
