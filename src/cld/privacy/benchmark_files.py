"""The benchmark report's files: CSV, XLSX (xlsxwriter) and one self-contained HTML page
(charts as inline SVG from Altair and vl-convert: no script, no CDN, no network).

Takes the report's rows as published (already under the disclosure rule); writes every file
to a `.part` first and renames them only when all are written.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import polars as pl

from cld.errors import CldError

FILES = ("benchmark.csv", "benchmark.xlsx", "benchmark.html")
FORMULA = ("=", "+", "-", "@", "\t", "\r")
SYNTHETIC = ("The population used for rates is SYNTHETIC (made up, for tests and the demo): "
             "the rates are not real.")
_XMLNS = re.compile(r'\s+xmlns(?::xlink)?="[^"]*"')


class BenchmarkError(CldError):
    """The benchmark report could not be written."""


def _published(rows: pl.DataFrame) -> pl.DataFrame:
    """The columns a reader gets (not the chart helper), text safe for spreadsheets."""
    f = rows.drop("shown")
    return f.with_columns(
        pl.when(pl.any_horizontal(pl.col(c).str.starts_with(p) for p in FORMULA))
        .then("'" + pl.col(c)).otherwise(pl.col(c)).alias(c)
        for c in f.columns if f.schema[c] == pl.String)


def write_all(rows: pl.DataFrame, about: dict[str, str], notes: Sequence[str],
              synthetic: bool, out: Path) -> list[Path]:
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BenchmarkError(f"cannot write into {out}: {exc.strerror}") from None
    final = [out / f for f in FILES]
    parts = [p.with_name(p.name + ".part") for p in final]
    blocked = [p.name for p in final if p.exists() and not p.is_file()]
    if blocked:
        raise BenchmarkError(f"cannot write into {out}: {', '.join(blocked)} is not a file")
    lines = list(about.items()) + [("Note", n) for n in notes]
    if synthetic:
        lines.insert(0, ("SYNTHETIC", SYNTHETIC))
    try:
        pub = _published(rows)
        if synthetic:
            pub = pub.with_columns(pl.lit("synthetic population").alias("population"))
        pub.write_csv(parts[0])
        _xlsx(pub, lines, parts[1])
        parts[2].write_text(page(rows, lines, synthetic), encoding="utf-8")
        _land(parts, final)
    except OSError as exc:
        raise BenchmarkError(f"cannot write into {out}: {exc.strerror}") from None
    finally:
        for p in parts:
            p.unlink(missing_ok=True)
    return final


def _land(parts: list[Path], final: list[Path]) -> None:
    """Rename every part onto its file, or (on a failure) put the earlier files back."""
    olds = [f.with_name(f.name + ".old") for f in final]
    moved: list[int] = []
    try:
        for i, f in enumerate(final):
            if f.exists():
                f.replace(olds[i])
                moved.append(i)
        for p, f in zip(parts, final, strict=True):
            p.replace(f)
    except OSError:
        for f in final:
            f.unlink(missing_ok=True)
        for i in moved:
            olds[i].replace(final[i])
        raise
    for i in moved:
        olds[i].unlink(missing_ok=True)


def _xlsx(pub: pl.DataFrame, lines: list[tuple[str, str]], path: Path) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path))
    bold = wb.add_format({"bold": True})
    ws = wb.add_worksheet("About")
    ws.set_column(0, 0, 24)
    ws.set_column(1, 1, 100)
    for r, (k, v) in enumerate(lines):
        ws.write_string(r, 0, k, bold)
        ws.write_string(r, 1, v)
    ws = wb.add_worksheet("Benchmark")
    head = wb.add_format({"bold": True, "text_wrap": True, "border": 1})
    for c, name in enumerate(pub.columns):
        ws.write_string(0, c, name, head)
    for r, rec in enumerate(pub.iter_rows(), start=1):
        for c, v in enumerate(rec):
            if v is None:
                continue
            if isinstance(v, int | float):
                ws.write_number(r, c, v)
            else:
                ws.write_string(r, c, str(v))
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, pub.height, len(pub.columns) - 1)
    wb.close()


# ---------------------------------------------------------------------------------------------
# The HTML page


def _svg(chart: Any, label: str) -> str:
    import vl_convert as vlc

    svg: str = vlc.vegalite_to_svg(chart.to_dict())
    head, sep, rest = svg.partition(">")
    head = _XMLNS.sub("", head)
    from markupsafe import escape

    head = head.replace("<svg", f'<svg role="img" aria-label="{escape(label)}"', 1)
    return head + sep + rest


def chart(series: pl.DataFrame, label: str) -> str | None:
    """Bars of the LAs' published values, England as a line; None when nothing to draw."""
    import altair as alt

    las = series.filter((pl.col("level") == "la") & pl.col("shown").is_not_null())
    if las.is_empty():
        return None
    data = [{"area": f"{r['area_name']} ({r['area_code']})", "value": r["shown"]}
            for r in las.select("area_name", "area_code", "shown").to_dicts()]
    bars = alt.Chart(alt.Data(values=data)).mark_bar(color="#005eb8").encode(
        x=alt.X("value:Q", title=label), y=alt.Y("area:N", sort="-x", title=None))
    eng = series.filter((pl.col("level") == "england") & pl.col("shown").is_not_null())
    layers: Any = bars
    if eng.height:
        rule = alt.Chart(alt.Data(values=[{"value": eng["shown"][0]}])).mark_rule(
            color="#212b32", strokeDash=[4, 3], size=2).encode(x="value:Q")
        layers = alt.layer(bars, rule)
    c = layers.properties(width=520, height=max(60, 18 * len(data))).configure(
        font="Arial, Helvetica, sans-serif").configure_view(stroke=None)
    return _svg(c, f"{label}: LA values (bars) and England (dashed line)")


TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }}</title>
<style>
body{font-family:Arial,Helvetica,sans-serif;margin:1.5rem;color:#212b32;max-width:70rem}
table{border-collapse:collapse;margin:.5rem 0 1.5rem}
th,td{border:1px solid #b1b4b6;padding:.25rem .5rem;text-align:left}
td.n{text-align:right}caption{text-align:left;font-weight:bold;padding:.25rem 0}
tr.total th,tr.total td{font-weight:bold;background:#f0f4f5}
.warn{border:3px solid #d5281b;padding:.5rem 1rem;font-weight:bold}
dl{display:grid;grid-template-columns:14rem 1fr}dt{font-weight:bold}
</style></head><body>
<header><h1>{{ title }}</h1>
{% if synthetic %}<p class="warn" role="note">{{ synthetic_text }}</p>{% endif %}
<dl>{% for k, v in about %}<dt>{{ k }}</dt><dd>{{ v }}</dd>{% endfor %}</dl>
<p>"{{ shown_as }}" marks a count hidden under the disclosure rule; a blank value is
withheld (a count it uses is hidden) or not computed (see Status).</p></header>
<main>
<nav aria-label="Contents"><h2>Contents</h2><ul>
{% for s in sections %}<li><a href="#{{ s.id }}">{{ s.name }}</a></li>{% endfor %}
</ul></nav>
{% for s in sections %}
<section id="{{ s.id }}" aria-labelledby="{{ s.id }}-h">
<h2 id="{{ s.id }}-h">{{ s.name }}: {{ s.title }}</h2>
{% if s.svg %}<figure>{{ s.svg | safe }}<figcaption>{{ s.name }} ({{ s.unit }}): published
LA values; the dashed line is England.</figcaption></figure>
{% else %}<p>No LA value can be shown for this series.</p>{% endif %}
<table><caption>{{ s.name }} ({{ s.unit }}) by area</caption>
<thead><tr>{% for h in s.head %}<th scope="col">{{ h }}</th>{% endfor %}</tr></thead>
<tbody>{% for r in s.rows %}<tr{% if r.total %} class="total"{% endif %}>
<th scope="row">{{ r.area }}</th>{% for v in r.cells -%}
<td{% if loop.index > 2 %} class="n"{% endif %}>{{ v }}</td>{% endfor %}
<td>{{ r.status }}</td></tr>{% endfor %}</tbody></table>
</section>
{% endfor %}
</main></body></html>
"""


def page(rows: pl.DataFrame, lines: list[tuple[str, str]], synthetic: bool) -> str:
    from jinja2 import Environment

    env = Environment(autoescape=True)
    sections = []
    shown_as = dict(lines).get("Hidden as", "*")
    for n, (key, part) in enumerate(rows.group_by("series", maintain_order=True)):
        name = str(key[0])
        first = part.row(0, named=True)
        measure = first["kind"] == "measure"
        head = (["Area", "Level", "Region", "Numerator", "Denominator", first["unit"], "Rank",
                 "Quartile", "Status"] if measure
                else ["Area", "Level", "Region", f"Total ({first['unit']})", "Rank",
                      "Quartile", "Status"])
        body = []
        for r in part.to_dicts():
            cells = [r["level"], r["region_name"] or ""]
            cells += ([r["numerator"], r["denominator"]] if measure else [])
            cells += [r["value"], r["rank"], r["quartile"]]
            body.append({"area": f"{r['area_name']} ({r['area_code']})",
                         "cells": ["" if v is None else v for v in cells],
                         "status": r["status"] or "", "total": r["level"] != "la"})
        sections.append({"id": f"s{n}", "name": name, "title": first["title"],
                         "unit": first["unit"], "head": head, "rows": body,
                         "svg": chart(part, f"{name} ({first['unit']})")})
    return env.from_string(TEMPLATE).render(
        title="Adult social care CLD: LA benchmark",
        about=[(k, v) for k, v in lines if k != "SYNTHETIC"], synthetic=synthetic,
        synthetic_text=SYNTHETIC, sections=sections, shown_as=shown_as)


def published(folder: Path, series: str | None = None) -> tuple[list[str], list[dict[str, str]]]:
    """A written benchmark read back for a web page: every series (in the report's order)
    and the rows of `series` (default: the first) as text, the spreadsheet apostrophe that
    neutralised a formula taken off (a page escapes its text instead)."""
    try:
        rows = pl.read_csv(folder / FILES[0], infer_schema=False)
    except (OSError, pl.exceptions.PolarsError):
        raise BenchmarkError(f"the benchmark in {folder.name} cannot be read") from None
    rows = rows.with_columns(
        pl.when(pl.any_horizontal(pl.col(c).str.starts_with("'" + p) for p in FORMULA))
        .then(pl.col(c).str.slice(1)).otherwise(pl.col(c)).alias(c) for c in rows.columns)
    names = rows["series"].unique(maintain_order=True).to_list() if rows.height else []
    chosen = series if series in names else (names[0] if names else None)
    return names, rows.filter(pl.col("series") == chosen).to_dicts() if chosen else []
