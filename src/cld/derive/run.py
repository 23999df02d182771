"""Derive over the store or one file, and write the outputs: the one derive module that reads
the store (the builds take tables of events, so they run on Spark without it).

    d = derive_year(store, "2020/21", load_profile("dhsc-2024"))
    write_outputs(d, Path("derived"))            # tidy files, measures, XLSX, manifest

Every output's cells are written tidy (one row per cell), zero-filled, with DSCRO-region and
England totals (sums of the LA cells). An LA the register places in two DSCRO regions is
counted in the region of its first-listed DSCRO code only, so each region total is a sum of
distinct LAs and the regions add up to England.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import shutil
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from cld.checksums import sha256_file
from cld.dates import LONDON, ddmmyyyy, local_day, parse_year
from cld.derive.cells import cell_id
from cld.derive.cells import cells as make_cells
from cld.derive.compute import Derived, derive
from cld.derive.population import is_synthetic, population_for
from cld.derive.population import read_population as _read_population
from cld.derive.profile import MethodProfile
from cld.derive.registry import NOT_PRODUCED, OUTPUTS, Output
from cld.engines import cache as engine_cache
from cld.errors import CldError

ENGLAND = ("E92000001", "England")  # ONS code of England
FORMATS = ("parquet", "csv", "xlsx")
LEVELS = ("la", "region", "england")
# Labels that mark a contribution as excluded from an output's figures (counted, not lost).
EXCLUDED_PREFIXES = ("excluded", "Unable to classify")
PERSON_KEYS_NOTE = ("contributions/*.parquet hold person keys (NHS numbers or LA person ids) "
                    "and are internal to the processor: never pass them on")
NO_POPULATION = "no population given"

Progress = Callable[[str, int, int], None]  # (output name, outputs done, outputs in all)


class DeriveError(CldError):
    """A derivation that cannot run as asked (no data, a bad period, a bad population file)."""


@dataclass(frozen=True)
class Run(Derived):
    """What was derived, and from what (for the manifest)."""

    year: str | None = None
    as_of: date | None = None
    source: str = ""  # "as of ...", "locked snapshot N", "file ..."
    input_sha256: str = ""
    submissions: list[dict[str, Any]] = field(default_factory=list)
    las: list[str] = field(default_factory=list)
    rows_in: int = 0
    population: ir.Table | None = None
    validation: dict[str, Any] | None = None  # derive_file: the file's validation summary
    notes: list[str] = field(default_factory=list)


@dataclass
class Manifest:
    path: Path
    data: dict[str, Any]
    files: list[Path]


# ---------------------------------------------------------------------------------------------
# Deriving


def derive_year(store: Any, year: str, profile: MethodProfile, *,
                as_of: date | datetime | None = None, las: Sequence[str] | None = None,
                population: ir.Table | None = None, progress: Progress | None = None,
                only: Iterable[str] | None = None) -> Run:
    """Every registered output (or those in `only`) over the store's consolidated dataset of
    `year` (1 April to 31 March): the latest accepted submission of each LA as of `as_of`
    (default now), or the locked snapshot when the year is locked and no `as_of` is given."""
    from cld.store.dataset import as_of_moment, counting, events_table
    from cld.store.models import YearSnapshot
    from cld.store.submit import submission_info

    try:
        y = parse_year(year)
    except ValueError as exc:
        raise DeriveError(str(exc)) from None
    codes = _check_las(las, y.label)
    row = store.year(y.label)
    con = _backend()
    snap = None
    if row.locked and as_of is None:
        snap = (YearSnapshot.objects.using(store.alias).filter(year=row)
                .order_by("-number").first())
    if snap is not None:
        t = con.read_parquet(str(store.path(snap.path)))
        subs = [m for m in json.loads(snap.manifest)["submissions"]
                if codes is None or m["la_code"] in codes]
        source = f"locked snapshot {snap.number} ({snap.locked_at:%d/%m/%Y %H:%M} UTC)"
        sha = snap.sha256
        day = None
    else:
        moment = as_of_moment(as_of)
        found = [s for s in counting(store, y.label, moment)
                 if codes is None or s.la_id in codes]
        if not found:
            raise DeriveError(f"no accepted submission counts for {y.label}"
                              + (f" from {', '.join(codes)}" if codes else "")
                              + (f" by {ddmmyyyy(local_day(moment))}" if as_of else ""))
        t = events_table(con, store, found)
        subs = [submission_info(s) for s in found]
        source = f"as of {moment.astimezone(LONDON):%d/%m/%Y %H:%M:%S %Z}"
        sha = _digest([[s["la_code"], s["id"], s["version"], s["events_sha256"]]
                       for s in subs])
        day = local_day(moment)
    if codes is not None:
        missing = sorted(set(codes) - {s["la_code"] for s in subs})
        if missing:
            raise DeriveError(f"no accepted submission of {', '.join(missing)} counts for "
                              f"{y.label} ({source})")
        t = t.filter(t.la_code.isin(codes))
    if "source_row" in t.columns:  # the row of the LA's file, as derive calls it
        t = t.rename(_row="source_row")
    today = min(day, y.end) if day is not None else y.end
    las_run = sorted({s["la_code"] for s in subs})
    d = derive(t, profile, y.start, y.end, today=today, population=population, only=only,
               las=las_run, cache=True)
    return _materialise(d, progress, year=y.label, as_of=day if as_of is not None else None,
                        source=source, input_sha256=sha, submissions=subs, las=las_run,
                        rows_in=_count(t), population=population)


def derive_file(path: str | Path, la_code: str, period_start: date, period_end: date,
                profile: MethodProfile, *, population: ir.Table | None = None,
                progress: Progress | None = None, only: Iterable[str] | None = None,
                spec_version: str = "v4.2") -> Run:
    """Every registered output over ONE submission file: validated as `cld validate` does,
    its events normalised as the store keeps them. A file with errors still derives; the
    manifest says how many it has."""
    from cld.spec.register import all_las
    from cld.validation.engine import connect, validate

    src = Path(path)
    if la_code not in all_las():
        from cld.errors import UnknownLA

        raise UnknownLA(f"{la_code!r} is not an LA code in the register")
    if period_end < period_start:
        raise DeriveError(f"the period ends ({ddmmyyyy(period_end)}) before it starts "
                          f"({ddmmyyyy(period_start)})")
    if not src.is_file():
        raise DeriveError(f"{src}: no such file")
    work = Path(tempfile.mkdtemp(prefix="cld-derive-"))
    con = connect()
    try:
        result = validate(src, la_code=la_code, period_start=period_start,
                          period_end=period_end, spec_version=spec_version, con=con)
        assert result.prepared is not None  # validate(con=...) leaves the prepared view
        result.prepared.write_events(work / "events.parquet")  # as the store writes them
        events = pq.read_table(work / "events.parquet")
    finally:
        con.close()
        shutil.rmtree(work, ignore_errors=True)
    result.prepared = None  # its connection is closed
    events = events.drop_columns([c for c in ("la_code", "key_source") if c in events.schema.names])
    n = events.num_rows
    events = events.append_column("la_code", pa.array([la_code] * n, pa.string()))
    events = events.append_column("submission_version", pa.array([1] * n, pa.int64()))
    t = ibis.memtable(events)
    s = result.summary.as_dict()
    notes = []
    if s.get("fatal") or s.get("errors"):
        notes.append(f"the file has {s.get('fatal') or 0:,} structural problem(s) and "
                     f"{s.get('errors') or 0:,} error(s): the figures count its rows as they "
                     "are")
    d = derive(t, profile, period_start, period_end, today=period_end, population=population,
               only=only, las=[la_code], cache=True)
    validation = {k: s.get(k) for k in ("file", "rows", "people", "fatal", "errors",
                                        "warnings", "stated_la_code", "stated_period_start",
                                        "stated_period_end")}
    return _materialise(d, progress, year=None, as_of=None, source=f"file {src.name}",
                        input_sha256=sha256_file(src), submissions=[], las=[la_code],
                        rows_in=n, population=population, validation=validation, notes=notes)


def derive_events(events: ir.Table, profile: MethodProfile, period_start: date,
                  period_end: date, *, las: Sequence[str] | None = None,
                  population: ir.Table | None = None, progress: Progress | None = None,
                  only: Iterable[str] | None = None, source: str = "events") -> Run:
    """Every registered output over a table of events with the dataset's columns (a dataset
    exported earlier, a Spark table): no store and no checksum of the input."""
    codes = (sorted(set(las)) if las is not None else
             sorted(str(c) for c in events.select("la_code").distinct()
                    .to_pyarrow().column(0).to_pylist()))
    d = derive(events, profile, period_start, period_end, today=period_end, cache=True,
               population=population, only=only, las=codes)
    return _materialise(d, progress, year=None, as_of=None, source=source, input_sha256="",
                        submissions=[], las=codes, rows_in=_count(events),
                        population=population)


def _backend() -> Any:
    from cld.engines import connect

    return connect()


def _check_las(las: Sequence[str] | None, year: str) -> list[str] | None:
    if not las:
        return None
    from cld.errors import UnknownLA
    from cld.spec.register import register_for

    reg = register_for(year)
    bad = [la for la in las if la not in reg]
    if bad:
        raise UnknownLA(f"{', '.join(map(repr, bad))} not LA code(s) in the register for {year}")
    return sorted(set(las))


def _digest(obj: Any) -> str:
    return hashlib.sha256(json.dumps(obj, sort_keys=True, default=str).encode()).hexdigest()


def _count(t: ir.Table) -> int:
    return int(t.count().to_pyarrow().as_py())


def _materialise(d: Derived, progress: Progress | None, **meta: Any) -> Run:
    """Compute each output once, reporting progress: its contributions and cells as
    temporary tables on the engine (no round trip through Arrow)."""
    names = list(d.cells)
    contributions: dict[str, ir.Table] = {}
    cells: dict[str, ir.Table] = {}
    for n, name in enumerate(names):
        if progress:
            progress(name, n, len(names))
        contributions[name] = engine_cache(d.contributions[name])
        cells[name] = engine_cache(make_cells(OUTPUTS[name], contributions[name], meta["las"]))
    if progress:
        progress("", len(names), len(names))
    dropped = engine_cache(d.dropped)
    return Run(d.profile, d.period_start, d.period_end, d.events, dropped, contributions, cells,
               **meta)


# ---------------------------------------------------------------------------------------------
# Tidy cells, totals, measures


def regions(year_or_day: str | date, las: Iterable[str]) -> dict[str, tuple[str, str]]:
    """LA code -> (DSCRO code, region name): the first-listed DSCRO of an LA in two."""
    from cld.spec.register import all_las, register_for

    reg = register_for(year_or_day)
    every = all_las()
    out = {}
    for la in las:
        entry = reg.get(la) or every.get(la)
        out[la] = ((entry.dscro_codes[0], entry.dscro_regions[0]) if entry and entry.dscro_codes
                   else ("", "unknown region"))
    return out


def _names(las: Iterable[str]) -> dict[str, str]:
    from cld.spec.register import all_las

    every = all_las()
    return {la: (every[la].name if la in every else la) for la in las}


def labels_of(o: Output, frame: pl.DataFrame) -> dict[str, list[str]]:
    """Each dimension's labels in order: the output's list, else those seen (sorted)."""
    return {d: (list(labels) if labels is not None
                else sorted(x for x in frame[d].unique().to_list() if x is not None))
            for d, labels in o.dims.items()}


def tidy(d: Run, name: str) -> pl.DataFrame:
    """One row per cell of output `name`: the LA cells, then region and England totals."""
    o = OUTPUTS[name]
    dims = list(o.dims)
    la = pl.from_arrow(d.cells[name].to_pyarrow())
    assert isinstance(la, pl.DataFrame)
    la = la.select("la_code", *dims, "value").with_columns(pl.col("la_code").cast(pl.String),
                                                          *(pl.col(c).cast(pl.String)
                                                            for c in dims))
    reg = regions(d.year or d.period_start, d.las)
    names = _names(d.las)
    la = la.with_columns(
        pl.lit("la").alias("level"), pl.col("la_code").alias("area_code"),
        pl.col("la_code").replace_strict(names, default=None).alias("area_name"),
        pl.col("la_code").replace_strict({k: v[0] for k, v in reg.items()},
                                         default="").alias("_region"),
        pl.col("la_code").replace_strict({k: v[1] for k, v in reg.items()},
                                         default="").alias("_region_name"))
    by_region = (la.group_by("_region", "_region_name", *dims, maintain_order=True)
                 .agg(pl.col("value").sum())
                 .with_columns(pl.lit("region").alias("level"),
                               pl.col("_region").alias("area_code"),
                               pl.col("_region_name").alias("area_name"),
                               pl.lit(None, pl.String).alias("la_code")))
    england = ((la.group_by(*dims, maintain_order=True) if dims else la.group_by(pl.lit(1)))
               .agg(pl.col("value").sum())
               .with_columns(pl.lit("england").alias("level"),
                             pl.lit(ENGLAND[0]).alias("area_code"),
                             pl.lit(ENGLAND[1]).alias("area_name"),
                             pl.lit(None, pl.String).alias("la_code")))
    head = ["level", "area_code", "area_name", "la_code"]
    frame = pl.concat([la.select(*head, *dims, "value"),
                       by_region.select(*head, *dims, "value"),
                       england.select(*head, *dims, "value")], how="vertical_relaxed")
    order = labels_of(o, frame)
    frame = frame.with_columns(
        pl.col("level").replace_strict({v: i for i, v in enumerate(LEVELS)},
                                       return_dtype=pl.Int32).alias("_l"),
        *(pl.col(c).replace_strict({v: i for i, v in enumerate(order[c])}, default=None,
                                   return_dtype=pl.Int32).alias(f"_o{i}")
          for i, c in enumerate(dims)))
    frame = frame.sort("_l", "area_code", *(f"_o{i}" for i in range(len(dims)))).drop(
        "_l", *(f"_o{i}" for i in range(len(dims))))
    labels = frame.select(dims).rows() if dims else [()] * frame.height
    ids = [cell_id(name, area, list(r))
           for area, r in zip(frame["area_code"].to_list(), labels, strict=True)]
    return frame.select(
        pl.lit(name).alias("output"), pl.lit(o.table).alias("table"), *head,
        pl.lit(d.period_start).alias("period_start"), pl.lit(d.period_end).alias("period_end"),
        pl.lit(d.profile.name).alias("profile"),
        pl.lit(d.profile.version).alias("profile_version"), *dims, "value",
        pl.Series("cell_id", ids, pl.String))


def _decimals(d: Derived, o: Output) -> int:
    """Decimal places of a measure's outcome: the section's `decimals`, else 1."""
    sec = d.profile.sections.get(o.section) if o.section else None
    value = getattr(sec, "decimals", None)
    return value if isinstance(value, int) else 1


def _round(x: float, places: int) -> float:
    return float(Decimal(repr(x)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def _population(d: Run, o: Output) -> tuple[dict[str, float] | None, str]:
    """Population per LA for a rate measure (its age band when it names one), and a note:
    which mid-year was used, whether it is synthetic, or why there is none."""
    if d.population is None:
        return None, NO_POPULATION
    band = o.measure.population_band if o.measure else None
    years = sorted(d.population.select("year").distinct().to_pyarrow().column(0).to_pylist())
    want = d.period_start.year  # mid-2020 for 2020/21
    pick = want if want in years else min(years, key=lambda y: (abs(y - want), -y))
    try:
        bp = population_for(d.population, [band or "0+"], pick)
    except CldError as exc:
        return None, f"no population: {exc}"
    rows = bp.table.to_pyarrow().to_pylist()
    note = f"mid-{pick}" + ("" if pick == want else f" (nearest given to mid-{want})")
    if bp.synthetic:
        note += "; synthetic population"
    return {str(r["la_code"]): float(r["population"]) for r in rows}, note


def measures(d: Run, name: str, cells: pl.DataFrame | None = None) -> pl.DataFrame:
    """Numerator, denominator and outcome of a measure per area and group (the dimensions
    other than `part`); region and England outcomes from summed numerators and denominators."""
    o = OUTPUTS[name]
    m = o.measure
    if m is None:
        raise ValueError(f"{name} is not a measure")
    t = cells if cells is not None else tidy(d, name)
    groups = [c for c in o.dims if c != "part"]
    keys = ["level", "area_code", "area_name", "la_code", *groups]
    num = t.filter(pl.col("part") == m.numerator).select(*keys, numerator=pl.col("value"))
    base = t.select(keys).unique(maintain_order=True)
    out = base.join(num, on=keys, how="left", nulls_equal=True)
    pop, note = None, ""
    if m.denominator is not None:
        den = t.filter(pl.col("part") == m.denominator).select(*keys,
                                                              denominator=pl.col("value"))
        out = out.join(den, on=keys, how="left", nulls_equal=True)
    else:
        pop, note = _population(d, o)
        reg = regions(d.year or d.period_start, d.las)
        per_area: dict[str, float] = {}
        if pop is not None:  # a total only when every LA in it has a population
            per_area = {la: pop[la] for la in d.las if la in pop}
            for area in {reg[la][0] for la in d.las}:
                members = [la for la in d.las if reg[la][0] == area]
                if all(la in pop for la in members):
                    per_area[area] = sum(pop[la] for la in members)
            if all(la in pop for la in d.las):
                per_area[ENGLAND[0]] = sum(pop[la] for la in d.las)
        out = out.with_columns(pl.col("area_code").replace_strict(
            per_area, default=None, return_dtype=pl.Float64).alias("denominator"))
    places = _decimals(d, o)
    outcomes: list[float | None] = []
    status: list[str] = []
    for n, den_v in zip(out["numerator"].to_list(), out["denominator"].to_list(), strict=True):
        if den_v is None:
            outcomes.append(None)
            status.append(note if m.denominator is None and pop is None
                          else "no population for this area (or an LA in it)"
                          if m.denominator is None
                          else "no denominator")
        elif den_v == 0:
            outcomes.append(None)
            status.append("denominator is zero")
        else:
            outcomes.append(_round((n or 0) / den_v * m.scale, places))
            status.append("ok")
    return out.select(
        pl.lit(name).alias("output"), pl.lit(o.table).alias("table"), *keys[:4],
        pl.lit(d.period_start).alias("period_start"), pl.lit(d.period_end).alias("period_end"),
        pl.lit(d.profile.name).alias("profile"),
        pl.lit(d.profile.version).alias("profile_version"), *groups,
        pl.col("numerator").fill_null(0), pl.col("denominator").cast(pl.Float64),
        pl.Series("outcome", outcomes, pl.Float64), pl.lit(m.scale).alias("scale"),
        pl.Series("status", status, pl.String), pl.lit(note or None, pl.String).alias(
            "population_note"))


def contributions_with_ids(d: Run, name: str) -> pl.DataFrame:
    """The contributions of output `name` (person keys!) with the id of the cell they add to."""
    o = OUTPUTS[name]
    dims = list(o.dims)
    c = pl.from_arrow(d.contributions[name].to_pyarrow())
    assert isinstance(c, pl.DataFrame)
    c = c.with_columns(pl.col("la_code").cast(pl.String), *(pl.col(x).cast(pl.String)
                                                          for x in dims))
    keys = c.select("la_code", *dims).unique()
    ids = [cell_id(name, r["la_code"], [r[x] for x in dims]) for r in keys.to_dicts()]
    keys = keys.with_columns(pl.Series("cell_id", ids, pl.String))
    return c.join(keys, on=["la_code", *dims], how="left", nulls_equal=True)


# ---------------------------------------------------------------------------------------------
# Writing


def _write_frame(frame: pl.DataFrame, stem: Path, formats: Sequence[str]) -> list[Path]:
    written = []
    if "parquet" in formats:
        frame.write_parquet(stem.with_suffix(".parquet"), compression="zstd")
        written.append(stem.with_suffix(".parquet"))
    if "csv" in formats:
        frame.write_csv(stem.with_suffix(".csv"), date_format="%d/%m/%Y")
        written.append(stem.with_suffix(".csv"))
    return written


def check_formats(formats: Iterable[str]) -> tuple[str, ...]:
    fmts = tuple(f.strip().lower() for f in formats if f.strip())
    bad = [f for f in fmts if f not in FORMATS]
    if bad or not fmts:
        raise DeriveError(f"unknown format(s) {', '.join(bad) or '(none)'}: choose from "
                          f"{', '.join(FORMATS)}")
    return fmts


def write_outputs(derived: Run, out_dir: str | Path,
                  formats: Sequence[str] = FORMATS) -> Manifest:
    """Write every output of `derived` into `out_dir`: `<name>.parquet/.csv` (tidy cells with
    totals), `<name>_measure.*` for measures, `contributions/<name>.parquet` (person keys:
    internal), `derived.xlsx`, and `manifest.json` (written last)."""
    fmts = check_formats(formats)
    out = Path(out_dir)
    _remove_previous(out)
    try:
        (out / "contributions").mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DeriveError(f"cannot write into {out}: {exc.strerror}") from None
    files: list[Path] = []
    tables: dict[str, pl.DataFrame] = {}
    measure_tables: dict[str, pl.DataFrame] = {}
    per_output: dict[str, Any] = {}
    rows_in = _count(derived.events)
    dropped_total = _count(derived.dropped) and int(
        derived.dropped.rows.sum().to_pyarrow().as_py())
    try:
        for name in derived.cells:
            o = OUTPUTS[name]
            t = tidy(derived, name)
            tables[name] = t
            files += _write_frame(t, out / name, fmts)
            if o.measure is not None:
                measure_tables[name] = measures(derived, name, t)
                files += _write_frame(measure_tables[name], out / f"{name}_measure", fmts)
            c = contributions_with_ids(derived, name)
            cpath = out / "contributions" / f"{name}.parquet"
            c.write_parquet(cpath, compression="zstd")
            files.append(cpath)
            excluded = c.filter(pl.any_horizontal(
                pl.col(x).str.starts_with(p) for x in o.dims for p in EXCLUDED_PREFIXES)
            ).height if o.dims else 0
            per_output[name] = {
                "title": o.title, "kind": o.kind, "source": o.source, "unit": o.unit,
                # events offered (after latest editions), contributions made (rows out),
                # those to an exclusion label, and input rows no output saw (no person key)
                "rows_in": rows_in, "contributions": c.height,
                "excluded": excluded, "dropped_no_person_key": dropped_total,
                "cells": t.filter(pl.col("level") == "la").height, "cells_with_totals": t.height,
                "total": (None if o.measure is not None
                          else t.filter(pl.col("level") == "england")["value"].sum()),
                "cannot": list(o.cannot)}
            if name in measure_tables:
                groups = [x for x in o.dims if x != "part"]
                per_output[name]["england"] = (
                    measure_tables[name].filter(pl.col("level") == "england")
                    .select(*groups, "numerator", "denominator", "outcome", "status")
                    .to_dicts())
        if "xlsx" in fmts:
            files.append(write_xlsx(derived, tables, measure_tables, out / "derived.xlsx"))
    except OSError as exc:
        raise DeriveError(f"cannot write into {out}: {exc.strerror}") from None
    data = manifest_data(derived, per_output, files, out)
    path = out / "manifest.json"
    path.write_text(json.dumps(data, indent=1, default=str), encoding="utf-8")
    return Manifest(path, data, [*files, path])


def _remove_previous(out: Path) -> None:
    """The files an earlier run listed in the folder's manifest (so no stale table is left
    beside the new ones); nothing else in the folder is touched."""
    path = out / "manifest.json"
    try:
        files = json.loads(path.read_text(encoding="utf-8")).get("files", {})
    except (OSError, ValueError, AttributeError):
        return
    root = out.resolve()
    for rel in [*files, "manifest.json"]:
        target = (out / str(rel)).resolve()
        if target.is_relative_to(root) and target.is_file():
            target.unlink()


def _version() -> str:
    import cld

    return str(cld.__version__)


def manifest_data(d: Run, per_output: dict[str, Any], files: Sequence[Path],
                  out: Path) -> dict[str, Any]:
    dropped = {str(r["la_code"]): int(r["rows"]) for r in d.dropped.to_pyarrow().to_pylist()}
    prepared = _count(d.events)
    return {
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "code_version": _version(),
        "profile": {"name": d.profile.name, "version": d.profile.version,
                    "title": d.profile.title, "source": d.profile.source},
        "period_start": d.period_start.isoformat(), "period_end": d.period_end.isoformat(),
        "year": d.year,
        "as_of": d.as_of.isoformat() if d.as_of else None,
        "input": {"source": d.source, "sha256": d.input_sha256,
                  "checksum_of": ("the snapshot file" if d.source.startswith("locked")
                                  else "the file" if d.source.startswith("file")
                                  else "the counting submissions (LA, id, version, events "
                                       "SHA-256)"),
                  "submissions": d.submissions, "validation": d.validation},
        "las": d.las,
        "regions": "an LA in two DSCRO regions is counted in its first-listed DSCRO's region",
        "population": (NO_POPULATION if d.population is None else
                       "synthetic (made up, for tests and the demo)"
                       if is_synthetic(d.population) else "given"),
        "rows": {"in": d.rows_in, "dropped_no_person_key": sum(dropped.values()),
                 "dropped_no_person_key_by_la": dropped,
                 "after_latest_editions": prepared},
        "outputs": per_output,
        "not_produced": dict(NOT_PRODUCED),
        "personal_data": PERSON_KEYS_NOTE,
        "notes": d.notes,
        "files": {str(p.relative_to(out)): sha256_file(p) for p in files},
    }


def sheet_name(name: str, used: set[str]) -> str:
    bad = set('[]:*?/\\')
    base = "".join("_" if ch in bad else ch for ch in name)[:31]
    s, n = base, 2
    while s.lower() in used:
        s = f"{base[:28]}~{n}"
        n += 1
    used.add(s.lower())
    return s


def write_xlsx(d: Run, tables: dict[str, pl.DataFrame], measure_tables: dict[str, pl.DataFrame],
               path: Path) -> Path:
    """A workbook like the published tables: an About sheet, then one sheet per output (areas
    as rows, dimension labels as columns, one header row per dimension) and per measure."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path))
    bold = wb.add_format({"bold": True})
    title = wb.add_format({"bold": True, "font_size": 13})
    head = wb.add_format({"bold": True, "text_wrap": True, "valign": "top", "border": 1})
    total = wb.add_format({"bold": True})
    used: set[str] = set()
    ws = wb.add_worksheet(sheet_name("About", used))
    ws.set_column(0, 0, 24)
    ws.set_column(1, 1, 90)
    ws.write(0, 0, "Adult Social Care Client Level Data: derived tables", title)
    about = [("Profile", d.profile.name), ("Profile version", d.profile.version),
             ("Profile title", d.profile.title),
             ("Period", f"{ddmmyyyy(d.period_start)} to {ddmmyyyy(d.period_end)}"),
             ("As of", ddmmyyyy(d.as_of) if d.as_of else "latest (or the locked snapshot)"),
             ("Data", d.source), ("Input checksum (SHA-256)", d.input_sha256),
             ("LAs", ", ".join(d.las)),
             ("Population", "given" if d.population is not None else NO_POPULATION),
             ("Code version", _version()),
             ("Totals", "region and England rows are sums of the LA rows; an LA in two DSCRO "
                        "regions counts in its first-listed DSCRO's region")]
    r = 2
    for k, v in about:
        ws.write(r, 0, k, bold)
        ws.write(r, 1, v)
        r += 1
    for note in d.notes:
        ws.write(r, 0, "Note", bold)
        ws.write(r, 1, note)
        r += 1
    r += 1
    ws.write(r, 0, "Outputs", title)
    r += 1
    for name in tables:
        ws.write(r, 0, name, bold)
        ws.write(r, 1, f"{OUTPUTS[name].title}" + (f" ({OUTPUTS[name].source})"
                                                    if OUTPUTS[name].source else ""))
        r += 1
    r += 1
    ws.write(r, 0, "Not produced", title)
    r += 1
    for code, why in sorted(NOT_PRODUCED.items()):
        ws.write(r, 0, code, bold)
        ws.write(r, 1, why)
        r += 1
    if not NOT_PRODUCED:
        ws.write(r, 0, "(none listed)")
    for name, t in tables.items():
        _cells_sheet(wb, wb.add_worksheet(sheet_name(name, used)), OUTPUTS[name], t, d,
                     title, head, total)
    for name, t in measure_tables.items():
        _measure_sheet(wb.add_worksheet(sheet_name(f"{name} outcome", used)), OUTPUTS[name],
                       t, title, head, total)
    wb.close()
    return path


def _cells_sheet(wb: Any, ws: Any, o: Output, t: pl.DataFrame, d: Run, title: Any, head: Any,
                 total: Any) -> None:
    dims = list(o.dims)
    order = labels_of(o, t)
    combos = list(itertools.product(*(order[c] for c in dims)))
    ws.write(0, 0, f"{o.name}: {o.title}", title)
    ws.write(1, 0, f"{o.unit}; {d.profile.label}; {ddmmyyyy(d.period_start)} to "
                   f"{ddmmyyyy(d.period_end)}" + (f"; {o.source}" if o.source else ""))
    top = 3
    for i, dim in enumerate(dims):
        ws.write(top + i, 2, dim, head)
        for j, combo in enumerate(combos):
            ws.write(top + i, 3 + j, combo[i], head)
    hr = top + len(dims)  # the row that names the area columns
    for j, label in enumerate(("Area code", "Area", "Level")):
        ws.write(hr, j, label, head)
    col = {combo: 3 + j for j, combo in enumerate(combos)}
    rows: dict[tuple[str, str], int] = {}
    r = hr + 1
    for rec in t.select("level", "area_code", "area_name", *dims, "value").iter_rows():
        level, code, area = rec[0], rec[1], rec[2]
        if (level, code) not in rows:
            rows[(level, code)] = r
            fmt = total if level != "la" else None
            ws.write(r, 0, code, fmt)
            ws.write(r, 1, area, fmt)
            ws.write(r, 2, level, fmt)
            r += 1
        c = col.get(tuple(rec[3:3 + len(dims)]))
        if c is not None:
            ws.write_number(rows[(level, code)], c, rec[-1] or 0)
    ws.freeze_panes(hr + 1, 3)
    ws.set_column(0, 0, 11)
    ws.set_column(1, 1, 28)
    ws.set_column(3, 3 + max(len(combos) - 1, 0), 14)


def _measure_sheet(ws: Any, o: Output, t: pl.DataFrame, title: Any, head: Any,
                   total: Any) -> None:
    groups = [c for c in o.dims if c != "part"]
    cols = ["area_code", "area_name", "level", *groups, "numerator", "denominator",
            "outcome", "status", "population_note"]
    ws.write(0, 0, f"{o.name}: {o.title} (outcome per {o.measure.scale if o.measure else ''})",
             title)
    for j, c in enumerate(cols):
        ws.write(2, j, c, head)
    for i, rec in enumerate(t.select(cols).iter_rows(), start=3):
        for j, v in enumerate(rec):
            if v is None:
                continue
            ws.write(i, j, v, total if rec[2] != "la" and j < 3 else None)
    ws.freeze_panes(3, 3)
    ws.set_column(1, 1, 28)


def record(store: Any, run: Run, manifest: Manifest, by: str | None = None) -> None:
    """An audit event in the store: derived tables were written from its data (what, from
    which submissions, with which profile; the manifest's checksum)."""
    from cld.store import audit
    from cld.store.core import default_actor

    with store.write_lock():
        audit.append(store.alias, by or default_actor(), "derive", year=run.year or "",
                     profile=run.profile.label, source=run.source, as_of=run.as_of,
                     input_sha256=run.input_sha256, las=run.las,
                     submissions=[s["id"] for s in run.submissions],
                     outputs=sorted(run.cells), folder=str(manifest.path.parent),
                     manifest_sha256=sha256_file(manifest.path))


# ---------------------------------------------------------------------------------------------
# Comparing


def compare(a: Run, b: Run) -> dict[str, pl.DataFrame]:
    """Per output (in either), every cell with value_a, value_b and difference (b - a; null
    where the cell is in one run only)."""
    out = {}
    for name in [*a.cells, *(n for n in b.cells if n not in a.cells)]:
        o = OUTPUTS[name]
        keys = ["output", "table", "level", "area_code", "area_name", "la_code", *o.dims,
                "cell_id"]
        ta = tidy(a, name).select(*keys, value_a=pl.col("value")) if name in a.cells else None
        tb = tidy(b, name).select(*keys, value_b=pl.col("value")) if name in b.cells else None
        if ta is None:
            assert tb is not None
            j = tb.with_columns(pl.lit(None, tb["value_b"].dtype).alias("value_a"))
        elif tb is None:
            j = ta.with_columns(pl.lit(None, ta["value_a"].dtype).alias("value_b"))
        else:
            j = ta.join(tb, on=keys, how="full", coalesce=True, nulls_equal=True,
                        maintain_order="left_right")
        out[name] = j.select(
            *keys[:-1], pl.lit(a.profile.label).alias("run_a"),
            pl.lit(b.profile.label).alias("run_b"),
            pl.lit(a.as_of, pl.Date).alias("as_of_a"), pl.lit(b.as_of, pl.Date).alias("as_of_b"),
            "value_a", "value_b", (pl.col("value_b") - pl.col("value_a")).alias("difference"),
            "cell_id")
    return out


def write_compare(result: dict[str, pl.DataFrame], out_dir: str | Path,
                  formats: Sequence[str] = ("parquet", "csv")) -> list[Path]:
    """`<name>_compare.parquet/.csv` per output."""
    fmts = [f for f in check_formats(formats) if f != "xlsx"] or ["csv"]
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    files = []
    for name, frame in result.items():
        files += _write_frame(frame, out / f"{name}_compare", fmts)
    return files


def read_population(path: str | Path) -> ir.Table:
    """A population file as the builds and rate measures read it (checked and normalised by
    `cld.derive.population`)."""
    return _read_population(path).table