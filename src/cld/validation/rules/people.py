"""Cross-row rules: one set of person details per person, unique identifiers and events."""

from __future__ import annotations

from collections.abc import Iterator

import ibis
import ibis.expr.types as ir

from cld.validation.registry import Context, Finding, rule
from cld.validation.rules.conditional import costed


@rule("CLD601", "Person details differ between the person's rows", "error",
      "Person details are as at the end of the period and repeated identically on every row "
      "of the person: give one value per person.",
      "Guidance: Person details ('unique values ... repeated for all events')", "people",
      needs=("person_id",), columns="every person detail")
def person_varies(ctx: Context) -> Iterator[Finding]:
    for item in ctx.spec.items:
        if item.person_level and item.id != "person_id" and item.id in ctx.present:
            yield Finding(ctx.c(item.id + "__vary"), item.id,
                          f"{item.name} is not the same on every row of this person.",
                          ctx.c(item.id))


@rule("CLD602", "NHS Number given for more than one person", "error",
      "One NHS number belongs to one person: check for a merged record or a typing error.",
      "Guidance: NHS Number; Person Unique Identifier", "people",
      needs=("person_id", "nhs_number"), columns="NHS Number")
def nhs_shared(ctx: Context) -> Iterator[Finding]:
    yield Finding(ctx.c("nhs__shared"), "nhs_number",
                  "This NHS Number is also given for another Person Unique Identifier.",
                  ctx.c("nhs_number"))


@rule("CLD603", "Event Reference not unique", "error",
      "Each row's Event Reference must be unique; leave it blank if you cannot make one.",
      "Guidance: Event Reference", "people", needs=("event_reference",),
      columns="Event Reference")
def ref_duplicate(ctx: Context) -> Iterator[Finding]:
    yield Finding(ctx.c("event_reference__dup"), "event_reference",
                  "Event Reference is used on more than one row.", ctx.c("event_reference"))


def _event_key(ctx: Context) -> list[ir.Value]:
    """Person, event type, start date and the type-specific key fields (as the store keys
    events): list items by their canonical value, blanks as ''."""
    et = ctx.c("event_type__c")
    parts = []
    for event_type, fields in ctx.spec.event_key_fields().items():
        if not fields:
            continue
        values = [(ctx.c(f + "__c").fill_null(ctx.c(f)) if f + "__c" in ctx.t.columns
                   else ctx.c(f)).fill_null("") if f in ctx.present else ibis.literal("")
                  for f in fields]
        joined = values[0] if len(values) == 1 else values[0].concat(
            *[x for v in values[1:] for x in (ibis.literal("|"), v)])
        parts.append(ibis.ifelse(et == event_type, joined, None))
    key = ibis.coalesce(*parts, ibis.literal("")) if parts else ibis.literal("")
    return [ctx.c("person_id"), et, ctx.c("event_start__d"), key]


@rule("CLD604", "Duplicate event", "warning",
      "Another row has the same person, event type, start date and identifying fields (route "
      "of access, assessment type, or service type and component): processing keeps one of "
      "them. Remove the repeated row, or correct the one that differs.",
      "Guidance: Events (All); event key agreed with the LA working group", "people",
      needs=("person_id", "event_type", "event_start"), columns="Event Start Date")
def duplicate_event(ctx: Context) -> Iterator[Finding]:
    row = ctx.c("_row")
    first = row.min().over(ibis.window(group_by=_event_key(ctx)))
    yield Finding(ctx.c("person_id").notnull() & ctx.c("event_type__c").notnull()
                  & ctx.c("event_start__d").notnull() & (row != first), "event_start",
                  ibis.literal("Same event as row ").concat(first.cast("string"), "."),
                  ctx.c("event_start"))


@rule("CLD605", "Full cost client differs between the person's costed services", "warning",
      "Full cost client says whether the client pays the full cost of the support the LA "
      "arranges; it is expected to be the same on all of a person's costed services. Check "
      "the values (a change in the period, e.g. funds depleted, is the one reason to differ).",
      "Guidance: Full cost client", "people",
      needs=("person_id", "event_type", "service_type", "service_component",
             "full_cost_client"), columns="Full cost client")
def full_cost_varies(ctx: Context) -> Iterator[Finding]:
    value = ibis.ifelse(costed(ctx), ctx.c("full_cost_client__c"), None)
    w = ibis.window(group_by=[ctx.c("person_id")])
    yield Finding(value.notnull() & (value.min().over(w) != value.max().over(w)),
                  "full_cost_client",
                  "Full cost client is not the same on all of this person's costed services.",
                  ctx.c("full_cost_client"))


DAY_OFFSET = 100_000  # days before 1970 still count as positive
ROW_SPAN = 2**32  # rows are numbered below this


@rule("CLD606", "More than one Assessment for the person", "warning",
      "An assessment is the first assessment of a new client; every later one, including a "
      "re-assessment, is reported as a Review. Check the later rows' Event Type.",
      "Guidance: Events (Assessments only)", "people",
      needs=("person_id", "event_type", "event_start"), columns="Event Type")
def second_assessment(ctx: Context) -> Iterator[Finding]:
    assessment = ctx.is_type("Assessment")
    row = ctx.c("_row")
    # The first assessment by start date, then row: the least (day, row) of the person's
    # assessments packed in one number, so one unordered window (as CLD605's) finds it.
    packed = (ctx.c("event_start__d").epoch_days() + DAY_OFFSET) * ROW_SPAN + row
    first = (ibis.ifelse(assessment, packed, None).min()
             .over(ibis.window(group_by=[ctx.c("person_id")])) % ROW_SPAN)
    yield Finding(ctx.c("person_id").notnull() & assessment & (row != first), "event_type",
                  ibis.literal("A later assessment of this person (the first is at row ")
                  .concat(first.cast("string"), "): report it as a review."),
                  ctx.c("event_type"))
