"""Altair charts rendered to inline SVG markup with vl-convert (no JavaScript, no network)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import altair as alt
import vl_convert as vlc

from cld.validation.result import FieldStat, RuleCount

# Colour-blind-safe, dark enough for white text contrast and for printing.
SEVERITY_COLOURS: dict[str, str] = {"fatal": "#6a1b4d", "error": "#b3261e", "warning": "#8a5a00"}
FONT = "Arial, Helvetica, sans-serif"
MAX_RULE_BARS = 25

_XMLNS = re.compile(r'\s+xmlns(?::xlink)?="[^"]*"')


def _vl_version() -> str | None:
    """The Vega-Lite version Altair writes, as vl-convert names it (e.g. "6.4")."""
    major_minor = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
    try:
        supported = set(vlc.get_vegalite_versions())
    except Exception:  # pragma: no cover - older vl-convert
        return None
    return major_minor if major_minor in supported else None


def to_svg(chart: alt.TopLevelMixin, label: str) -> str:
    """Render `chart` to SVG markup fit to inline in HTML5.

    The namespace declarations are dropped (the HTML parser supplies them), and the root
    element gets ``role="img"`` and an ``aria-label`` so screen readers announce it.
    """
    spec: dict[str, Any] = chart.to_dict()
    version = _vl_version()
    svg = vlc.vegalite_to_svg(spec, vl_version=version) if version else vlc.vegalite_to_svg(spec)
    head, sep, rest = svg.partition(">")
    head = _XMLNS.sub("", head)
    label_attr = (
        label.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")
    )
    head = head.replace("<svg", f'<svg role="img" aria-label="{label_attr}"', 1)
    return head + sep + rest


def _config(chart: alt.Chart) -> alt.Chart:
    return (
        chart.configure(font=FONT)
        .configure_axis(
            labelFontSize=11, titleFontSize=12, labelColor="#1a1a1a", titleColor="#1a1a1a"
        )
        .configure_view(stroke=None)
    )


def issues_per_rule_svg(counts: list[RuleCount]) -> str | None:
    """Horizontal bar chart of issues per rule (the `MAX_RULE_BARS` biggest), by severity."""
    data = [
        {"rule": rc.rule, "title": rc.title, "severity": rc.severity, "issues": rc.count}
        for rc in sorted(counts, key=lambda rc: -rc.count)
        if rc.count > 0
    ][:MAX_RULE_BARS]
    if not data:
        return None
    severities = [s for s in SEVERITY_COLOURS if any(d["severity"] == s for d in data)]
    chart = (
        alt.Chart(alt.Data(values=data))
        .mark_bar()
        .encode(
            x=alt.X("issues:Q", title="Issues", axis=alt.Axis(format=",d", tickMinStep=1)),
            y=alt.Y("rule:N", sort="-x", title="Rule"),
            color=alt.Color(
                "severity:N",
                title="Severity",
                scale=alt.Scale(domain=severities, range=[SEVERITY_COLOURS[s] for s in severities]),
            ),
        )
        .properties(width=520, height=alt.Step(18))
    )
    label = "Bar chart of the number of issues for each rule, largest first."
    return to_svg(_config(chart), label)


def completeness_svg(stats: list[FieldStat]) -> str | None:
    """Horizontal bar chart of completeness (%) per data item; mandatory items darker."""
    if not stats:
        return None
    data: list[dict[str, Any]] = [
        {
            "item": fs.column,
            "requirement": fs.requirement,
            "completeness": round(fs.completeness * 100, 1),
        }
        for fs in stats
    ]
    requirements = sorted({fs.requirement for fs in stats})
    palette = {"mandatory": "#1d4f91", "conditional": "#3d6fb6", "voluntary": "#8fa9cf"}
    chart = (
        alt.Chart(alt.Data(values=data))
        .mark_bar()
        .encode(
            x=alt.X("completeness:Q", title="Completeness (%)", scale=alt.Scale(domain=[0, 100])),
            y=alt.Y("item:N", sort=None, title="Data item"),
            color=alt.Color(
                "requirement:N",
                title="Requirement",
                scale=alt.Scale(
                    domain=requirements,
                    range=[palette.get(r.lower(), "#8fa9cf") for r in requirements],
                ),
            ),
        )
        .properties(width=420, height=alt.Step(16))
    )
    label = "Bar chart of completeness, as a percentage of rows, for each data item."
    return to_svg(_config(chart), label)


def quality_svg(rows: Sequence[Any], field: str) -> str | None:
    """Grouped horizontal bars of completeness and validity (%) of one field, a bar pair per
    row (objects with name, kind, completeness, validity: an LA, a region, England). The SVG
    has a <title> and a <desc>; the page's table holds the same figures as text."""
    data = [{"name": r.name, "measure": m, "percent": round(getattr(r, m) * 100, 1)}
            for r in rows for m in ("completeness", "validity") if getattr(r, m) is not None]
    if not data:
        return None
    order = [r.name for r in rows]
    chart = (
        alt.Chart(alt.Data(values=data))
        .mark_bar()
        .encode(
            x=alt.X("percent:Q", title="Per cent", scale=alt.Scale(domain=[0, 100])),
            y=alt.Y("measure:N", title=None, axis=None),
            row=alt.Row("name:N", sort=order, title=None,
                        header=alt.Header(labelAngle=0, labelAlign="left", labelLimit=260)),
            color=alt.Color("measure:N", title="Measure",
                            scale=alt.Scale(domain=["completeness", "validity"],
                                            range=["#1d4f91", "#6a1b4d"])),
        )
        .properties(width=360, height=alt.Step(12))
    )
    title = f"Completeness and validity of {field}"
    desc = (f"Bar chart, two bars for each of {len(rows)} rows (LAs, regions, England): the "
            f"percentage of rows with {field} filled in, and of those the percentage valid. "
            "The table gives the same figures.")
    svg = to_svg(_config(chart), title)
    head, sep, rest = svg.partition(">")
    return head + sep + f"<title>{_escape(title)}</title><desc>{_escape(desc)}</desc>" + rest


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
