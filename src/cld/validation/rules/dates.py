"""Dates: order of events, the reporting period, ages, and dates of birth and death."""

from __future__ import annotations

from collections.abc import Iterator

from cld.validation.registry import Context, Finding, rule


def _after_period(ctx: Context, item: str, message: str) -> Finding:
    assert ctx.period.end
    return Finding(ctx.c(item + "__d") > ctx.date(ctx.period.end), item, message, ctx.c(item))


@rule("CLD501", "Event ends before it starts", "error",
      "Check both dates; an event may start and end on the same day.",
      "Guidance: Event End Date", "dates", needs=("event_start", "event_end"),
      columns="Event End Date")
def end_before_start(ctx: Context) -> Iterator[Finding]:
    yield Finding(ctx.c("event_end__d") < ctx.c("event_start__d"), "event_end",
                  "Event End Date is before Event Start Date.", ctx.c("event_end"))


@rule("CLD502", "Event ends after the reporting period", "error",
      "Leave the end date blank for events ongoing at the end of the period; never give a "
      "future date.", "Guidance: Event End Date ('should not contain future dates')", "dates",
      needs=("event_end",), needs_period=True, columns="Event End Date")
def end_after_period(ctx: Context) -> Iterator[Finding]:
    yield _after_period(ctx, "event_end", "Event End Date is after the end of the reporting "
                        "period.")


@rule("CLD503", "Event starts after the reporting period", "error",
      "Only report events that started by the end of the period.",
      "Guidance: Events (All)", "dates", needs=("event_start",), needs_period=True,
      columns="Event Start Date")
def start_after_period(ctx: Context) -> Iterator[Finding]:
    yield _after_period(ctx, "event_start", "Event Start Date is after the end of the "
                        "reporting period.")


@rule("CLD504", "Event ended before the reporting period", "warning",
      "Report events that start, end or are open during the period; this one ended before "
      "it and will not be counted.", "Guidance: Events (All)", "dates", needs=("event_end",),
      needs_period=True, columns="Event End Date")
def ended_before_period(ctx: Context) -> Iterator[Finding]:
    assert ctx.period.start
    yield Finding(ctx.c("event_end__d") < ctx.date(ctx.period.start), "event_end",
                  "Event ended before the reporting period started.", ctx.c("event_end"))


@rule("CLD505", "Client under 18 at the start of the event", "warning",
      "The collection covers adults aged 18 and over; check the date of birth, or leave out "
      "events before the 18th birthday.", "Guidance: Events (All) ('only adults aged 18+')",
      "dates", needs=("date_of_birth", "event_start"), columns="Date of Birth")
def under_18(ctx: Context) -> Iterator[Finding]:
    yield Finding(ctx.c("age_at_start") < 18, "date_of_birth",
                  "The client was under 18 when the event started.", ctx.c("date_of_birth"))


@rule("CLD506", "Date of Death before the event starts", "error",
      "Check the date of death and the event dates: events cannot start after death.",
      "Guidance: Date of Death", "dates", needs=("date_of_death", "event_start"),
      columns="Date of Death")
def death_before_start(ctx: Context) -> Iterator[Finding]:
    yield Finding(ctx.c("date_of_death__d") < ctx.c("event_start__d"), "date_of_death",
                  "Date of Death is before the event started.", ctx.c("date_of_death"))


@rule("CLD507", "Date of Death after the reporting period", "error",
      "A date of death cannot be later than the end of the reporting period.",
      "Guidance: Date of Death", "dates", needs=("date_of_death",), needs_period=True,
      columns="Date of Death")
def death_after_period(ctx: Context) -> Iterator[Finding]:
    yield _after_period(ctx, "date_of_death", "Date of Death is after the end of the "
                        "reporting period.")


@rule("CLD508", "Date of Birth after the event starts", "error",
      "Check the date of birth: it cannot be after the event started.",
      "Guidance: Date of Birth", "dates", needs=("date_of_birth", "event_start"),
      columns="Date of Birth")
def birth_after_start(ctx: Context) -> Iterator[Finding]:
    yield Finding(ctx.c("date_of_birth__d") > ctx.c("event_start__d"), "date_of_birth",
                  "Date of Birth is after the event started.", ctx.c("date_of_birth"))


@rule("CLD509", "Age over 115", "warning",
      "Check for a dummy date of birth (e.g. 01/01/1900); give the real one, or an "
      "approximate one only with name and postcode.", "Guidance: Date of Birth", "dates",
      needs=("date_of_birth",), needs_period=True, columns="Date of Birth")
def too_old(ctx: Context) -> Iterator[Finding]:
    yield Finding(ctx.c("age_at_period_end") > 115, "date_of_birth",
                  "The client would be over 115 at the end of the period.",
                  ctx.c("date_of_birth"))


@rule("CLD510", "Event ends after the Date of Death", "warning",
      "Events should end on or before the date of death.", "Guidance: Date of Death", "dates",
      needs=("date_of_death", "event_end"), columns="Event End Date")
def ends_after_death(ctx: Context) -> Iterator[Finding]:
    yield Finding(ctx.c("event_end__d") > ctx.c("date_of_death__d"), "event_end",
                  "Event End Date is after the Date of Death.", ctx.c("event_end"))


@rule("CLD511", "Open event of a person who died in the period", "warning",
      "Give the end date (at the latest the Date of Death) and the outcome of every event of "
      "a person who died in the period; processing otherwise counts it as ongoing. Events "
      "that end after the death are CLD510.", "Guidance: Date of Death; Event End Date",
      "dates", needs=("date_of_death", "event_end"), needs_period=True,
      columns="Event End Date")
def open_after_death(ctx: Context) -> Iterator[Finding]:
    assert ctx.period.start and ctx.period.end
    dod = ctx.c("date_of_death__d")
    yield Finding(dod.between(ctx.date(ctx.period.start), ctx.date(ctx.period.end))
                  & ctx.c("event_end").isnull(), "event_end",
                  "Event End Date is blank but the person died in the period.",
                  ctx.c("date_of_death"))
