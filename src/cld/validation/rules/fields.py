"""Field rules generated from the specification: blanks, defined lists, dates, numbers, formats."""

from __future__ import annotations

from collections.abc import Iterator

import ibis

from cld.validation.prepare import POSTCODE_RE
from cld.validation.registry import Context, Finding, rule

_VALUE_TYPES = "every item of that type in the specification"


def _items(ctx: Context, **where: object) -> Iterator[str]:
    for item in ctx.spec.items:
        if item.id in ctx.present and all(getattr(item, k) == v for k, v in where.items()):
            yield item.id


@rule("CLD301", "Mandatory item blank", "error",
      "Fill in the item on every row; it is mandatory for every event.",
      "Template: Mandatory/Voluntary row; Guidance per item", "fields",
      columns="mandatory items with no condition")
def mandatory_blank(ctx: Context) -> Iterator[Finding]:
    for item in ctx.spec.items:
        if (item.id in ctx.present and item.requirement == "mandatory" and not item.condition
                and item.applies_to is None):
            yield Finding(ctx.c(item.id).isnull(), item.id, f"{item.name} is blank.")


@rule("CLD302", "Value not in the defined list", "error",
      "Use one of the values of the item's defined list exactly as in the template "
      "(see `cld rules` or the template's drop-down lists).",
      "Template: defined lists", "fields", columns="defined-list items")
def not_in_list(ctx: Context) -> Iterator[Finding]:
    for i in _items(ctx, type="list"):
        yield Finding(ctx.c(i + "__m") == 3, i,
                      f"Not {_a(ctx.name(i))} value in the specification.", ctx.c(i))


def _a(name: str) -> str:
    """The name with its indefinite article ('an Accommodation Status', 'a Gender')."""
    return ("an " if name[:1].upper() in "AEIOU" else "a ") + name


@rule("CLD303", "Value differs from the list in case, spacing or dashes", "warning",
      "The value was read as the list value; write it exactly as in the template.",
      "Template: defined lists", "fields", columns="defined-list items")
def list_case(ctx: Context) -> Iterator[Finding]:
    return _read_as(ctx, 1)


def _read_as(ctx: Context, match: int) -> Iterator[Finding]:
    """List values accepted as another spelling (1: case/space/dash, 2: variant)."""
    for i in _items(ctx, type="list"):
        yield Finding(ctx.c(i + "__m") == match, i,
                      ibis.literal("Read as '").concat(ctx.c(i + "__c"), "'."), ctx.c(i))


@rule("CLD304", "Value spelt differently from the list value", "warning",
      "The value was read as the list value named in the message (a spelling from the "
      "guidance or the template's drop-down); prefer that plain list value.",
      "Template vs Guidance v4.2 value lists", "fields", columns="defined-list items")
def list_variant(ctx: Context) -> Iterator[Finding]:
    return _read_as(ctx, 2)


@rule("CLD305", "Not a real date in dd/mm/yyyy", "error",
      "Write dates as dd/mm/yyyy with no time stamp (e.g. 01/04/2021) and check the day "
      "exists in that month.", "Guidance: data type dd/mm/yyyy (no time stamp)", "fields",
      columns="date items")
def bad_date(ctx: Context) -> Iterator[Finding]:
    for i in _items(ctx, type="date"):
        yield Finding(ctx.c(i).notnull() & ctx.c(i + "__d").isnull(), i,
                      f"{ctx.name(i)} is not a real date in dd/mm/yyyy.", ctx.c(i))


@rule("CLD306", "Not a number (0.00)", "error",
      "Write a plain non-negative number with a decimal point, e.g. 612.40: no £ sign, "
      "commas or text.", "Template: data type Numeric (0.00)", "fields",
      columns="numeric items")
def bad_number(ctx: Context) -> Iterator[Finding]:
    for i in _items(ctx, type="numeric"):
        n = ctx.c(i + "__n")
        yield Finding(ctx.c(i).notnull() & (n.isnull() | (n < 0)), i,
                      f"{ctx.name(i)} is not a non-negative number.", ctx.c(i))


@rule("CLD307", "More than two decimal places", "warning",
      "Round to pence (two decimal places).", "Template: data type Numeric (0.00)", "fields",
      columns="numeric items")
def many_decimals(ctx: Context) -> Iterator[Finding]:
    for i in _items(ctx, type="numeric"):
        yield Finding(ctx.c(i + "__n").notnull() & ctx.c(i).re_search(r"\.\d{3,}$"), i,
                      f"{ctx.name(i)} has more than two decimal places.", ctx.c(i))


def _placeholder(ctx: Context) -> ibis.expr.types.BooleanValue:
    d = ctx.c("nhs__digits")
    return d.substr(0, 1).repeat(10) == d  # type: ignore[no-any-return]


@rule("CLD308", "NHS Number fails the check digit", "error",
      "Check the number against the case record: it must be 10 digits whose last digit is the "
      "modulus 11 check digit. Leave it blank rather than guess; blanks are traced.",
      "Guidance: NHS Number; NHS Data Dictionary NHS NUMBER", "fields", needs=("nhs_number",),
      columns="NHS Number")
def nhs_invalid(ctx: Context) -> Iterator[Finding]:
    yield Finding(ctx.c("nhs__digits").notnull() & ~ctx.c("nhs__ok").fill_null(False)
                  & ~_placeholder(ctx), "nhs_number",
                  "NHS Number is not 10 digits with a valid check digit.", ctx.c("nhs_number"))


@rule("CLD309", "NHS Number is a placeholder", "error",
      "Numbers of one repeated digit (0000000000, 9999999999, ...) are placeholders or trace "
      "sentinels, not NHS numbers; leave the item blank instead.",
      "Guidance: NHS Number; MPS trace sentinels", "fields", needs=("nhs_number",),
      columns="NHS Number")
def nhs_placeholder(ctx: Context) -> Iterator[Finding]:
    yield Finding(ctx.c("nhs__digits").notnull() & _placeholder(ctx), "nhs_number",
                  "NHS Number is a placeholder (one repeated digit).", ctx.c("nhs_number"))


@rule("CLD310", "NHS Number missing", "warning",
      "Give the NHS number where you hold it; the DSCRO traces missing numbers from name, "
      "date of birth and postcode, so make sure those are complete.",
      "Guidance: NHS Number ('where available')", "fields", needs=("nhs_number",),
      columns="NHS Number")
def nhs_missing(ctx: Context) -> Iterator[Finding]:
    yield Finding(ctx.c("nhs_number").isnull(), "nhs_number", "NHS Number is blank.")


@rule("CLD311", "Postcode not in UK postcode format", "error",
      "Give the full postcode of the normal residence with outward and inward parts, e.g. "
      "XX3 4YY; use ZZ99 3VZ for no fixed abode and ZZ99 3WZ when not known.",
      "Guidance: Postcode", "fields", needs=("postcode",), columns="Postcode")
def postcode_format(ctx: Context) -> Iterator[Finding]:
    p = ctx.c("postcode")
    yield Finding(p.notnull() & ~p.upper().re_search(POSTCODE_RE), "postcode",
                  "Postcode is not a valid UK postcode format.", p)


@rule("CLD312", "GP Practice Code not in ODS format", "warning",
      "GP practice codes are one letter and five digits (e.g. A81001).",
      "Guidance: GP Practice Code", "fields", needs=("gp_practice_code",),
      columns="GP Practice Code")
def gp_code(ctx: Context) -> Iterator[Finding]:
    g = ctx.c("gp_practice_code")
    yield Finding(g.notnull() & ~g.upper().re_search(r"^[A-Z][0-9]{5}$"), "gp_practice_code",
                  "GP Practice Code is not a letter followed by five digits.", g)


@rule("CLD313", "Provider CQC ID not in CQC format", "warning",
      "CQC location IDs look like 1-123456789; leave blank for providers not registered "
      "with the CQC.", "Guidance: Provider CQC_ID", "fields", needs=("provider_cqc_id",),
      columns="Provider CQC ID")
def cqc_id(ctx: Context) -> Iterator[Finding]:
    c = ctx.c("provider_cqc_id")
    yield Finding(c.notnull() & ~c.re_search(r"^1-[0-9]{6,11}$"), "provider_cqc_id",
                  "Provider CQC ID is not of the form 1-123456789.", c)


# NHS number ranges (first ten digits, inclusive) issued to patients: Scotland (CHI),
# Northern Ireland, England/Wales/Isle of Man (uk-fci nhs-number constants). 999 numbers
# are test numbers, never issued; the rest of the 9 block is left to test systems' own
# synthetic patients and not flagged here.
NHS_ISSUED = (("0100000000", "3112999999"), ("3200000000", "3999999999"),
              ("4000000000", "4999999999"), ("6000000000", "7999999999"),
              ("9000000000", "9989999999"))
NHS_TEST_PREFIX = "999"


@rule("CLD314", "NHS Number not in an issued range", "error",
      "NHS numbers are issued from 010-311 (Scotland), 320-399 (Northern Ireland) and "
      "400-499 and 600-799 (England, Wales, Isle of Man); numbers starting 999 are test "
      "numbers. A number elsewhere passes the check digit but belongs to no patient: check "
      "the case record, or leave it blank for the DSCRO to trace.",
      "Guidance: NHS Number; NHS number ranges (uk-fci nhs-number)", "fields",
      needs=("nhs_number",), columns="NHS Number")
def nhs_range(ctx: Context) -> Iterator[Finding]:
    d = ctx.c("nhs__digits")
    issued = ibis.literal(False)
    for lo, hi in NHS_ISSUED:
        issued = issued | d.between(lo, hi)
    test = d.startswith(NHS_TEST_PREFIX)
    yield Finding(ctx.c("nhs__ok").fill_null(False) & ~_placeholder(ctx)
                  & (~issued | test), "nhs_number",
                  ibis.ifelse(test, "NHS Number is a test number (999...), never issued to a "
                              "patient.", "NHS Number is not in a range issued to patients."),
                  ctx.c("nhs_number"))


@rule("CLD315", "NHS Number written with spaces or dashes", "warning",
      "The number was read without them and checked as such; write the ten digits only "
      "(e.g. 9434765919, not 943 476 5919).", "Guidance: NHS Number (10 digits)", "fields",
      needs=("nhs_number",), columns="NHS Number")
def nhs_separators(ctx: Context) -> Iterator[Finding]:
    yield Finding(ctx.c("nhs__digits").re_search("^[0-9]{10}$")
                  & (ctx.c("nhs_number").strip() != ctx.c("nhs__digits")), "nhs_number",
                  ibis.literal("Read as ").concat(ctx.c("nhs__digits"), "."),
                  ctx.c("nhs_number"))
