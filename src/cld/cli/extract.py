"""`cld extract`, `cld scan`, `cld keys new` and `cld privacy-docs`: the dissemination commands."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cld.cli._shell import app, date_arg, err, fail, out
from cld.cli.store import ByOpt, DbOpt, StoreOpt, YearOpt, _open, _year_label
from cld.terminal import plain

keys_app = typer.Typer(help="Pseudonymisation keys (kept outside the store).",
                       no_args_is_help=True)
app.add_typer(keys_app, name="keys")

KeyOpt = Annotated[Path | None, typer.Option(
    "--key-file", show_default=False,
    help="Pseudonymisation key file (mode 0600); default: the CLD_PSEUDONYMISATION_KEY "
         "environment variable.")]


@app.command()
def extract(
    profile: Annotated[str, typer.Option("--profile", help="Dissemination profile, e.g. icb.")],
    recipient: Annotated[str, typer.Option("--recipient", help="The recipient's id.")],
    year: YearOpt,
    output: Annotated[Path, typer.Option("-o", "--output", help="A new folder.")],
    as_of: Annotated[str | None, typer.Option(help="dd/mm/yyyy: the data that counted at "
                                              "the end of that day (default: now).")] = None,
    key_file: KeyOpt = None,
    lsoa_lookup: Annotated[Path | None, typer.Option(
        help="CSV of postcode and lsoa: adds an lsoa column where the outward code is "
             "released.")] = None,
    store: StoreOpt = None, database: DbOpt = None, by: ByOpt = None,
) -> None:
    """Write a recipient's extract (Parquet, CSV, manifest.json) under a dissemination profile."""
    from cld.privacy.extract import make_extract
    from cld.privacy.keys import load_keys
    from cld.privacy.profiles import load_profile

    when = date_arg(as_of, "--as-of")
    prof = load_profile(profile)
    keys = load_keys(key_file) if prof.tokenises else None
    st = _open(store, database)
    with err.status("Making the extract…"):
        ex = make_extract(st, profile, recipient, _year_label(year), output, as_of=when,
                          keys=keys, by=by, lsoa_lookup=lsoa_lookup)
    kid = ex.manifest["key_id"]
    out.print(f"Extract written: [bold]{plain(str(ex.path))}[/] ({ex.rows:,} rows, profile "
              f"{prof.name} v{prof.version} for {plain(recipient)}"
              f"{', key ' + kid if kid else ''}; scan {ex.manifest['scan']})",
              highlight=False)


@app.command()
def scan(
    folder: Annotated[Path, typer.Argument(help="An extract's folder.")],
    year: Annotated[str | None, typer.Option("--year", help="Also compare values with this "
                                             "year's dataset in the store.")] = None,
    store: StoreOpt = None, database: DbOpt = None,
) -> None:
    """Look for identifiers in an extract's Parquet and CSV files (exit 1 if any found).

    NHS numbers and postcodes by pattern; with --year also the names, dates of birth,
    postcodes, NHS numbers and person ids of that year's dataset, by value."""
    from cld.engines import connect
    from cld.privacy.extract import with_trace_columns
    from cld.privacy.scan import scan_dir

    if not folder.is_dir():
        raise fail(f"{folder} is not a folder")
    con = connect()
    source = None
    if year:
        from cld.store.dataset import counting, events_table

        st = _open(store, database)
        source = with_trace_columns(events_table(con, st, counting(st, _year_label(year))))
    found = scan_dir(folder, con, source)
    for f in found:
        out.print(plain(str(f)), highlight=False)
    if found:
        raise fail(f"{len(found)} identifying value(s) found in {folder}", code=1)
    out.print(f"No identifier found in {plain(str(folder))}.", highlight=False)


@keys_app.command("new")
def keys_new(out_file: Annotated[Path, typer.Option("--out", help="The key file to write "
                                                    "(or to add a newer key to).")]) -> None:
    """Make a key file (mode 0600), or rotate: add a new active key to an existing one."""
    from cld.privacy.keys import new_key_file

    day = new_key_file(out_file)
    out.print(f"Key dated {day.isoformat()} written to [bold]{plain(str(out_file))}[/] "
              "(mode 0600). Keep it outside the store.", highlight=False)


@app.command("privacy-docs")
def privacy_docs(write: Annotated[Path | None, typer.Option(
        "--write", help="Write the page here (e.g. docs/privacy.md).")] = None) -> None:
    """The dissemination page (docs/privacy.md), generated from the profiles."""
    from cld.privacy.docs import render

    text = render()
    if write is None:
        typer.echo(text, nl=False)
        return
    write.write_text(text, encoding="utf-8")
    out.print(f"Written: [bold]{plain(str(write))}[/]", highlight=False)
