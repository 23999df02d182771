"""Cross-row rules: one set of person details per person, unique identifiers."""

from __future__ import annotations

from collections.abc import Iterator

from cld.validation.registry import Context, Finding, rule


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
