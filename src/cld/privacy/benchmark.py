"""The benchmark report: each LA's derived ASCOF measures and SALT totals beside its DSCRO
region and England, with rank and quartile among LAs, under a disclosure rule.

    run = derive_year(store, "2020/21", load_profile("dhsc-2024"))
    report = benchmark(run, load_rule())          # the NHS rule by default
    write_benchmark(report, Path("benchmark"))    # benchmark.csv, .xlsx, .html

A *series* is one measure (and group, e.g. an age band) or one SALT table's total (the sum of
its cells per area, leaving out the exclusion labels). LA and region counts go under the rule;
England's are exempt. A measure's outcome is computed from the unrounded counts and withheld
where its numerator or denominator is hidden (a population denominator is not a count of
people and is not hidden). Ranks and quartiles are among LAs, on the unrounded values (rank 1
= the highest value, which is not always the best), and not shown where the value is withheld.
This is the one privacy module that reads derived outputs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl

from cld.derive.population import is_synthetic
from cld.derive.registry import OUTPUTS
from cld.derive.run import ENGLAND, EXCLUDED_PREFIXES, Run, measures, regions, tidy
from cld.privacy.disclosure import Rule, as_counts, protect, withhold
from cld.privacy.disclosure_margins import Table, secondary

COLUMNS = ["series", "output", "title", "kind", "group", "unit", "level", "area_code",
           "area_name", "region_code", "region_name", "numerator", "denominator", "value",
           "rank", "quartile", "status", "population_note"]
GROUP_SEP = " / "


@dataclass(frozen=True)
class Benchmark:
    """The report's rows (COLUMNS, text as published, plus `shown`: the value a chart may
    draw, null where withheld) and what it was made from."""

    rows: pl.DataFrame
    rule: Rule
    about: dict[str, str]
    synthetic_population: bool
    notes: list[str] = field(default_factory=list)


def benchmark(run: Run, rule: Rule) -> Benchmark:
    """The benchmark rows of every measure and SALT table `run` derived (cost tables left
    out: pounds are not counts of people)."""
    reg = regions(run.year or run.period_start, run.las)
    la_region = pl.DataFrame({"la_code": list(reg), "region_code": [v[0] for v in reg.values()],
                              "region_name": [v[1] for v in reg.values()]},
                             schema={"la_code": pl.String, "region_code": pl.String,
                                     "region_name": pl.String})
    parts = []
    costs: list[str] = []
    for name in run.cells:
        o = OUTPUTS[name]
        if o.kind == "costs" or o.unit == "pounds":
            costs.append(name)
            continue
        t = tidy(run, name)
        if o.measure is not None:
            parts.append(_measure_rows(run, name, t, rule, la_region))
        else:
            parts.append(_total_rows(name, t, rule, la_region))
    rows = (_ordered(pl.concat(parts, how="vertical_relaxed")) if parts
            else pl.DataFrame(schema={c: pl.String for c in [*COLUMNS, "shown"]}))
    notes = ([f"left out (pounds, not counts of people): {', '.join(costs)}"] if costs else [])
    synthetic = run.population is not None and is_synthetic(run.population)
    about = {
        "Title": "Adult social care CLD: benchmark of LAs (ASCOF measures and SALT totals)",
        "Period": f"{run.period_start:%d/%m/%Y} to {run.period_end:%d/%m/%Y}",
        "Year": run.year or "",
        "Data": run.source,
        "Profile": f"{run.profile.name} v{run.profile.version}",
        "LAs": ", ".join(run.las),
        "Disclosure rule": f"{rule.name}: {rule.title}",
        "Hidden as": rule.shown_as,
        "Exempt": ", ".join(rule.exempt_levels) or "nothing",
        "Secondary suppression": "yes" if rule.secondary else "no",
        "Withheld": "a measure is withheld where its numerator or denominator is hidden",
        "Ranks": "among LAs, on unrounded values (1 = highest, not always best); not shown "
                 "where the value is withheld",
        "Regions": "an LA in two DSCRO regions counts in its first-listed DSCRO's region",
        "Population": ("SYNTHETIC (made up, for tests and the demo): rates are not real"
                       if synthetic else "given" if run.population is not None
                       else "none given (rate measures have no outcome)"),
        "Made": datetime.now(UTC).strftime("%d/%m/%Y %H:%M UTC"),
    }
    return Benchmark(rows, rule, about, synthetic, notes)


def _ordered(rows: pl.DataFrame) -> pl.DataFrame:
    """Series in the order derived; in each, the LAs, the regions, then England."""
    order = {s: i for i, s in enumerate(rows["series"].unique(maintain_order=True))}
    levels = {"la": 0, "region": 1, "england": 2}
    return rows.sort(pl.col("series").replace_strict(order, return_dtype=pl.Int32),
                     pl.col("level").replace_strict(levels, default=3, return_dtype=pl.Int32),
                     "area_code")


def _exempt(rule: Rule) -> pl.Expr:
    return pl.col("level").is_in(list(rule.exempt_levels))


def _with_regions(frame: pl.DataFrame, la_region: pl.DataFrame) -> pl.DataFrame:
    f = frame.join(la_region, on="la_code", how="left")
    return f.with_columns(
        pl.when(pl.col("level") == "region").then(pl.col("area_code"))
        .otherwise(pl.col("region_code")).alias("region_code"),
        pl.when(pl.col("level") == "region").then(pl.col("area_name"))
        .otherwise(pl.col("region_name")).alias("region_name"))


def area_lines(frame: pl.DataFrame) -> pl.DataFrame:
    """Margin lines of one series: each region over its LAs, England over the regions and
    over the LAs (rows numbered as in `frame`)."""
    f = frame.with_row_index("cell").select("cell", "level", "region_code")
    by_region = f.filter(pl.col("level").is_in(["la", "region"])).select(
        ("region:" + pl.col("region_code").fill_null("")).alias("line"), "cell")
    over_regions = f.filter(pl.col("level").is_in(["region", "england"])).select(
        pl.lit("england:regions").alias("line"), "cell")
    over_las = f.filter(pl.col("level").is_in(["la", "england"])).select(
        pl.lit("england:las").alias("line"), "cell")
    return pl.concat([by_region, over_regions, over_las])


def _protect(frame: pl.DataFrame, column: str, rule: Rule) -> pl.DataFrame:
    """Counts of `column` under the rule, per series, with secondary suppression over the
    region and England lines when the rule asks for it."""
    f = protect(as_counts(frame, column), rule, column, exempt=_exempt(rule))
    if not rule.secondary:
        return f
    out = []
    for _, part in f.group_by("series", maintain_order=True):
        cells = part.with_columns(hidden=pl.col(f"{column}_hidden"), exempt=_exempt(rule),
                                  value=pl.col(column))
        safe = secondary(Table.grouped(cells, area_lines(part))).cells
        out.append(part.with_columns(
            safe["hidden"].alias(f"{column}_hidden"),
            pl.when(safe["hidden"]).then(None).otherwise(pl.col(f"{column}_shown"))
            .alias(f"{column}_shown"),
            pl.when(safe["hidden"]).then(pl.lit(rule.shown_as))
            .otherwise(pl.col(f"{column}_display")).alias(f"{column}_display")))
    return pl.concat(out)


def _ranked(frame: pl.DataFrame, raw: str, withheld: pl.Expr) -> pl.DataFrame:
    """Rank (1 = highest) and quartile among the LAs of each series, on the unrounded `raw`
    value, blank where withheld."""
    is_la = (pl.col("level") == "la") & pl.col(raw).is_not_null()
    f = frame.with_row_index("_r")
    las = f.filter(is_la).with_columns(
        pl.col(raw).rank("min", descending=True).over("series").cast(pl.Int64).alias("rank"),
        pl.len().over("series").alias("_n"))
    las = las.with_columns(  # 1 = the top quarter of the ranks
        ((pl.col("rank") - 1) * 4 // pl.col("_n") + 1).cast(pl.Int64).alias("quartile"))
    f = f.join(las.select("_r", "rank", "quartile"), on="_r", how="left")
    return f.with_columns(
        pl.when(withheld).then(None).otherwise(pl.col("rank")).alias("rank"),
        pl.when(withheld).then(None).otherwise(pl.col("quartile")).alias("quartile"),
    ).sort("_r").drop("_r")


def _series_name(name: str, group: pl.Expr | None) -> pl.Expr:
    if group is None:
        return pl.lit(name)
    return pl.when(group == "").then(pl.lit(name)).otherwise(pl.lit(name + GROUP_SEP) + group)


def _measure_rows(run: Run, name: str, t: pl.DataFrame, rule: Rule,
                  la_region: pl.DataFrame) -> pl.DataFrame:
    o = OUTPUTS[name]
    m = o.measure
    assert m is not None
    groups = [c for c in o.dims if c != "part"]
    f = measures(run, name, t)
    group = (pl.concat_str([pl.col(g).cast(pl.String) for g in groups], separator=GROUP_SEP)
             if groups else pl.lit(""))
    f = _with_regions(f.with_columns(group.alias("group")), la_region)
    f = f.with_columns(_series_name(name, pl.col("group")).alias("series"))
    f = _protect(f, "numerator", rule)
    counted_den = m.denominator is not None
    if counted_den:
        f = _protect(f.with_columns(pl.col("denominator").fill_null(0)), "denominator", rule)
        den_text = pl.col("denominator_display")
        hidden = ["numerator_hidden", "denominator_hidden"]
    else:  # a population: public, not a count under the rule
        den_text = pl.col("denominator").round(0).cast(pl.Int64).cast(pl.String)
        hidden = ["numerator_hidden"]
    f = f.with_columns(pl.col("outcome").alias("raw")).with_columns(
        withhold("outcome", *hidden))
    withheld = pl.any_horizontal(pl.col(h) for h in hidden)
    f = _ranked(f, "raw", withheld)
    status = (pl.when(withheld).then(pl.lit("withheld: a count it uses is hidden"))
              .otherwise(pl.col("status")))
    unit = "per 100,000" if m.scale == 100_000 else "%" if m.scale == 100 else f"per {m.scale}"
    return f.select(
        "series", pl.lit(name).alias("output"), pl.lit(o.title).alias("title"),
        pl.lit("measure").alias("kind"), "group", pl.lit(unit).alias("unit"), "level",
        "area_code", "area_name", "region_code", "region_name",
        pl.col("numerator_display").alias("numerator"), den_text.alias("denominator"),
        pl.col("outcome").cast(pl.String).alias("value"), "rank", "quartile",
        status.alias("status"), pl.col("population_note").cast(pl.String),
        pl.col("outcome").cast(pl.Float64).alias("shown"))


def _counted(t: pl.DataFrame, dims: list[str]) -> pl.DataFrame:
    """The rows a table's total counts: none of its cells labelled as an exclusion."""
    if not dims:
        return t
    excluded = pl.any_horizontal(pl.col(d).cast(pl.String).str.starts_with(p)
                                 for d in dims for p in EXCLUDED_PREFIXES)
    return t.filter(~excluded.fill_null(False))


def _total_rows(name: str, t: pl.DataFrame, rule: Rule,
                la_region: pl.DataFrame) -> pl.DataFrame:
    o = OUTPUTS[name]
    kept = _counted(t, list(o.dims))
    keys = ["level", "area_code", "area_name", "la_code"]
    f = (t.select(keys).unique(maintain_order=True)
         .join(kept.group_by(keys, maintain_order=True).agg(pl.col("value").sum()),
               on=keys, how="left", nulls_equal=True)
         .with_columns(pl.col("value").fill_null(0)))
    f = _with_regions(f, la_region).with_columns(pl.lit(name).alias("series"),
                                                 pl.col("value").alias("raw"))
    f = _protect(f, "value", rule)
    f = _ranked(f, "raw", pl.col("value_hidden"))
    return f.select(
        "series", pl.lit(name).alias("output"), pl.lit(o.title).alias("title"),
        pl.lit("total").alias("kind"), pl.lit("").alias("group"), pl.lit(o.unit).alias("unit"),
        "level", "area_code", "area_name", "region_code", "region_name",
        pl.lit(None, pl.String).alias("numerator"), pl.lit(None, pl.String).alias("denominator"),
        pl.col("value_display").alias("value"), "rank", "quartile",
        pl.when(pl.col("value_hidden")).then(pl.lit("hidden: a small count"))
        .otherwise(pl.lit("ok")).alias("status"),
        pl.lit(None, pl.String).alias("population_note"),
        pl.col("value_shown").cast(pl.Float64).alias("shown"))


def write_benchmark(report: Benchmark, out_dir: str | Path) -> list[Path]:
    """benchmark.csv, benchmark.xlsx and benchmark.html in `out_dir` (all or none)."""
    from cld.privacy.benchmark_files import write_all

    return write_all(report.rows, report.about, report.notes, report.synthetic_population,
                     Path(out_dir))



def record_benchmark(store: Any, run: Run, report: Benchmark, files: list[Path],
                     by: str | None = None) -> None:
    """An audit event in the store: a benchmark for others was written from its data (which
    profile and disclosure rule, from which submissions, each file's checksum)."""
    from cld.checksums import sha256_file
    from cld.store import audit
    from cld.store.core import default_actor

    with store.write_lock():
        audit.append(store.alias, by or default_actor(), "benchmark", year=run.year or "",
                     profile=run.profile.label, rule=report.rule.name, source=run.source,
                     las=run.las, submissions=[s["id"] for s in run.submissions],
                     files={f.name: sha256_file(f) for f in files})


# ---------------------------------------------------------------------------------------------
# One LA's view: its own figures beside the others' under the rule


@dataclass(frozen=True)
class LaFigure:
    """One series for one LA: its own unsuppressed figures (its own data), and the region and
    England values, rank and quartile as the benchmark publishes them (text), an area value
    withheld besides where the other LAs' part of it (the area less this LA) would be a
    small count the rule hides."""

    series: str
    output: str
    title: str
    kind: str  # measure / total
    group: str
    unit: str
    numerator: int | None  # measures: the LA's own counts
    denominator: float | None
    value: float | None  # the outcome (measures) or the total
    status: str  # why there is no value, else "ok"
    region_name: str
    region: str | None  # as published; None where withheld
    region_status: str
    england: str | None
    england_status: str
    rank: int | None
    quartile: int | None
    ranked: int  # LAs ranked in the series
    population_note: str | None


OTHERS_SMALL = "withheld: the other LAs' part of it is a small number"


def _own_frame(run: Run, name: str) -> pl.DataFrame:
    """Unrounded per area (and group) counts of one output: num, den, value."""
    o = OUTPUTS[name]
    t = tidy(run, name)
    if o.measure is not None:
        groups = [c for c in o.dims if c != "part"]
        f = measures(run, name, t)
        group = (pl.concat_str([pl.col(g).cast(pl.String) for g in groups],
                               separator=GROUP_SEP) if groups else pl.lit(""))
        den = pl.col("denominator") if o.measure.denominator is not None else pl.lit(None)
        return f.select("level", "area_code", "la_code", group.alias("group"),
                        pl.col("numerator").cast(pl.Int64).alias("num"),
                        den.cast(pl.Float64).alias("den"),
                        pl.col("outcome").cast(pl.Float64).alias("value"), "status",
                        "population_note")
    kept = _counted(t, list(o.dims))
    keys = ["level", "area_code", "la_code"]
    f = (t.select(keys).unique(maintain_order=True)
         .join(kept.group_by(keys, maintain_order=True).agg(pl.col("value").sum()),
               on=keys, how="left", nulls_equal=True))
    return f.select(*keys, pl.lit("").alias("group"),
                    pl.col("value").fill_null(0).cast(pl.Int64).alias("num"),
                    pl.lit(None, pl.Float64).alias("den"),
                    pl.col("value").fill_null(0).cast(pl.Float64).alias("value"),
                    pl.lit("ok").alias("status"), pl.lit(None, pl.String).alias("population_note"))


def _others_small(area: dict[str, Any], own: dict[str, Any], rule: Rule,
                  counted_den: bool) -> bool:
    """The area's counts less the LA's own: would the rule hide any of them?"""
    from cld.privacy.disclosure import is_hidden

    parts = [("num", True), ("den", counted_den)]
    return any(use and area[k] is not None
               and is_hidden(int(round(area[k] - (own[k] or 0))), rule)
               for k, use in parts)


def la_figures(run: Run, report: Benchmark, la: str) -> list[LaFigure]:
    """`la`'s figures of every series of `report` (made from `run`), beside the others'."""
    from cld.derive.run import DeriveError

    if la not in run.las:
        raise DeriveError(f"no accepted data of {la} was derived for {run.year or 'the period'}")
    rows = report.rows
    out: list[LaFigure] = []
    for name in rows["output"].unique(maintain_order=True).to_list():
        o = OUTPUTS[name]
        counted_den = o.measure is not None and o.measure.denominator is not None
        raw = _own_frame(run, name)
        pub = rows.filter(pl.col("output") == name)
        for own in raw.filter((pl.col("level") == "la") & (pl.col("la_code") == la)).iter_rows(
                named=True):
            mine = pub.filter((pl.col("group") == own["group"]) & (pl.col("level") == "la")
                              & (pl.col("area_code") == la)).row(0, named=True)
            series = pub.filter(pl.col("series") == mine["series"])
            shown: dict[str, tuple[str | None, str]] = {}
            for level, code in (("region", mine["region_code"]), ("england", ENGLAND[0])):
                p = series.filter((pl.col("level") == level) & (pl.col("area_code") == code))
                a = raw.filter((pl.col("level") == level) & (pl.col("area_code") == code)
                               & (pl.col("group") == own["group"]))
                if p.height == 0 or a.height == 0:
                    shown[level] = (None, "not derived")
                elif _others_small(a.row(0, named=True), own, report.rule, counted_den):
                    shown[level] = (None, OTHERS_SMALL)
                else:
                    r = p.row(0, named=True)
                    shown[level] = (r["value"], r["status"])
            out.append(LaFigure(
                series=mine["series"], output=name, title=mine["title"], kind=mine["kind"],
                group=own["group"], unit=mine["unit"],
                numerator=own["num"], denominator=own["den"] if o.measure else None,
                value=own["value"], status=own["status"],
                region_name=mine["region_name"] or "", region=shown["region"][0],
                region_status=shown["region"][1], england=shown["england"][0],
                england_status=shown["england"][1], rank=mine["rank"],
                quartile=mine["quartile"],
                ranked=series.filter(pl.col("level") == "la").height,
                population_note=own["population_note"]))
    return out
