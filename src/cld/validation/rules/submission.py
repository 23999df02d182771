"""Submission information: LA code and name, reporting year and period."""

from __future__ import annotations

import re
from collections.abc import Iterator

import ibis

from cld.spec import LocalAuthority
from cld.spec.register import all_las, register_for
from cld.validation.registry import Context, Finding, rule


def year_register(ctx: Context) -> dict[str, LocalAuthority]:
    """The LAs in force in the reporting period's financial year (any year's, without one)."""
    start = ctx.period.start
    return register_for(start) if start else all_las()


@rule("CLD201", "LA Code not in the register", "error",
      "Use your council's 3-digit CASSR code as listed in the template's LAs sheet "
      "(e.g. 503 for Lincolnshire).", "Template: LAs sheet", "submission", needs=("la_code",),
      columns="LA Code", per_value=True)
def la_unknown(ctx: Context) -> Iterator[Finding]:
    codes = sorted(year_register(ctx))
    c = ctx.c("la_code")
    yield Finding(c.notnull() & c.notin(codes), "la_code",
                  "LA Code is not a code in the LA register for the reporting year.", c)


@rule("CLD202", "LA Name does not match the LA Code", "warning",
      "Use the LA name from the template's LAs sheet for your code.", "Template: LAs sheet",
      "submission", needs=("la_code", "la_name"), columns="LA Name", per_value=True)
def la_name(ctx: Context) -> Iterator[Finding]:
    reg = year_register(ctx)
    c = ctx.c("la_code")
    n = ctx.c("la_name").lower().re_replace(r"[^a-z0-9]", "")  # spacing and punctuation aside
    ok = ibis.literal(False)
    for k in range(max(1 + len(la.other_names) for la in reg.values())):
        names = {code: re.sub(r"[^a-z0-9]", "", [la.name, *la.other_names][k].lower())
                 for code, la in reg.items() if k <= len(la.other_names)}
        ok = ok | (n == c.substitute(names, else_=None))
    yield Finding(c.isin(sorted(reg)) & ctx.c("la_name").notnull() & ~ok.fill_null(False),
                  "la_name", "LA Name is not the register's name for this LA Code.",
                  ctx.c("la_name"))


@rule("CLD203", "Submission information differs between rows", "error",
      "LA Code, LA Name, Reporting Year and the period dates describe the whole file: give "
      "the same value on every row.", "Template: Submission Information", "submission",
      columns=", ".join(["LA Code", "LA Name", "Reporting Year", "Reporting Period Start Date",
                         "Reporting Period End Date"]))
def sub_varies(ctx: Context) -> Iterator[Finding]:
    for i in (item.id for item in ctx.spec.submission_items):
        if i in ctx.present:
            mode = ctx.modal.get(i)
            if mode is None:
                continue
            c = ctx.c(i)
            yield Finding(c.isnull() | (c != ctx.modal_value(i)), i,
                          f"{ctx.name(i)} differs from the value on most rows ({mode}).", c)


@rule("CLD204", "LA Code differs from the LA the file is submitted for", "error",
      "Check you are submitting the right file, or correct the LA Code in it.",
      "Template: Submission Information", "submission", needs=("la_code",),
      columns="LA Code", needs_cli=("la_code",), per_value=True)
def la_cli(ctx: Context) -> Iterator[Finding]:
    want = ctx.cli.get("la_code")
    if want:
        c = ctx.c("la_code")
        yield Finding(c.notnull() & (c != want), "la_code",
                      f"LA Code is not {want}, the LA this file is submitted for.", c)


@rule("CLD205", "Reporting period differs from the period submitted for", "error",
      "Check you are submitting the right file, or correct the reporting period dates.",
      "Guidance: Collection Schedule", "submission",
      columns="Reporting Period Start Date, Reporting Period End Date",
      needs_cli=("period_start", "period_end"), per_value=True)
def period_cli(ctx: Context) -> Iterator[Finding]:
    for i in ("period_start", "period_end"):
        want = ctx.cli.get(i)
        if want and i in ctx.present:
            d = ctx.c(i + "__d")
            yield Finding(d.notnull() & (d != ctx.date(want)), i,
                          f"{ctx.name(i)} differs from the period this file is submitted for.",
                          ctx.c(i))


@rule("CLD206", "Reporting Year invalid or not the period's financial year", "error",
      "Write the financial year as yyyy/yy (e.g. 2020/21), the year the period starts in.",
      "Template: Submission Information", "submission", needs=("reporting_year",),
      columns="Reporting Year", per_value=True)
def reporting_year(ctx: Context) -> Iterator[Finding]:
    y = ctx.c("reporting_year")
    first = y.substr(0, 4)
    fmt_ok = y.re_search(r"^(19|20)\d{2}/\d{2}$")
    # the two-digit suffix is the next year
    nxt = (first.try_cast("int32") + 1) % 100
    ok = fmt_ok & (y.substr(5, 2).try_cast("int32") == nxt)
    if "period_start" in ctx.present:
        s = ctx.c("period_start__d")
        fy = ibis.ifelse(s.month() >= 4, s.year(), s.year() - 1)
        ok = ok & (s.isnull() | (first.try_cast("int32") == fy))
    yield Finding(y.notnull() & ~ok.fill_null(False), "reporting_year",
                  "Reporting Year is not yyyy/yy for the financial year of the period.", y)


@rule("CLD207", "Reporting period end before start or longer than a year", "error",
      "The period runs from 1 April to the end of the latest month reported (cumulative), "
      "at most 12 months.", "Guidance: Collection Schedule", "submission",
      needs=("period_start", "period_end"), columns="Reporting Period End Date", per_value=True)
def period_shape(ctx: Context) -> Iterator[Finding]:
    s, e = ctx.c("period_start__d"), ctx.c("period_end__d")
    bad = (e < s) | (e >= s.add(ibis.interval(years=1)))  # type: ignore[attr-defined]
    yield Finding(s.notnull() & e.notnull() & bad, "period_end",
                  "Reporting period ends before it starts or covers more than a year.",
                  ctx.c("period_end"))


@rule("CLD208", "Reporting period does not start on 1 April", "warning",
      "The collection is cumulative year to date: the period should start on 01/04.",
      "Guidance: Collection Schedule", "submission", needs=("period_start",),
      columns="Reporting Period Start Date", per_value=True)
def period_april(ctx: Context) -> Iterator[Finding]:
    s = ctx.c("period_start__d")
    yield Finding(s.notnull() & ((s.month() != 4) | (s.day() != 1)), "period_start",
                  "Reporting Period Start Date is not 1 April.", ctx.c("period_start"))
