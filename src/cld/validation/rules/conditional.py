"""Conditional items: what each event type needs, and what it must not carry."""

from __future__ import annotations

from collections.abc import Iterator

import ibis

from cld.validation.registry import Context, Finding, rule


def _community(ctx: Context) -> ibis.expr.types.BooleanValue:
    """Long term community services (the group the Delivery Mechanism is for)."""
    return ctx.c("service_type__c").isin(  # type: ignore[no-any-return]
        ctx.spec.group("community_service_types"))


@rule("CLD401", "Event Outcome missing on an ended event", "error",
      "Give the Event Outcome for every event with an end date (the reason it ended).",
      "Guidance: Event Outcome", "conditional", needs=("event_end", "event_outcome"),
      columns="Event Outcome")
def outcome_missing(ctx: Context) -> Iterator[Finding]:
    yield Finding(ctx.c("event_end").notnull() & ctx.c("event_outcome").isnull(),
                  "event_outcome", "Event Outcome is blank but the event has ended.")


def _required_for(ctx: Context, event_type: str, item_id: str) -> Finding:
    return Finding(ctx.is_type(event_type) & ctx.c(item_id).isnull(), item_id,
                   f"{ctx.name(item_id)} is blank on a {event_type.lower()}.")


@rule("CLD402", "Route of Access missing on a request", "error",
      "Give the Route of Access for every request, for new and existing clients.",
      "Guidance: Events (Requests only)", "conditional", needs=("event_type", "route_of_access"),
      columns="Request: Route of Access")
def route_missing(ctx: Context) -> Iterator[Finding]:
    yield _required_for(ctx, "Request", "route_of_access")


@rule("CLD403", "Assessment Type missing on an assessment", "error",
      "Give the Assessment Type (long or short term) for every assessment.",
      "Guidance: Events (Assessments only)", "conditional",
      needs=("event_type", "assessment_type"), columns="Assessment Type")
def assessment_type_missing(ctx: Context) -> Iterator[Finding]:
    yield _required_for(ctx, "Assessment", "assessment_type")


@rule("CLD404", "Service Type or Service Component missing on a service", "error",
      "Give both Service Type and Service Component for every service.",
      "Guidance: Events (Services only)", "conditional", needs=("event_type",),
      columns="Service Type, Service Component")
def service_missing(ctx: Context) -> Iterator[Finding]:
    for i in ("service_type", "service_component"):
        if i in ctx.present:
            yield _required_for(ctx, "Service", i)


@rule("CLD405", "Delivery Mechanism missing on a long term community service", "error",
      "Give the Delivery Mechanism (direct payment, managed personal budget or commissioned "
      "support) for every long term community service.",
      "Guidance: Delivery Mechanism (Long Term Community or Prison Only)", "conditional",
      needs=("event_type", "service_type", "delivery_mechanism"),
      columns="Delivery Mechanism (Long Term Community or Prison Only)")
def delivery_missing(ctx: Context) -> Iterator[Finding]:
    yield Finding(ctx.is_type("Service") & _community(ctx)
                  & ctx.c("delivery_mechanism").isnull(), "delivery_mechanism",
                  "Delivery Mechanism is blank on a long term community service.")


@rule("CLD406", "Review Reason missing on a review", "error",
      "Give the Review Reason (planned, or the unplanned reason) for every review.",
      "Guidance: Events (Reviews only)", "conditional", needs=("event_type", "review_reason"),
      columns="Review Reason")
def review_reason_missing(ctx: Context) -> Iterator[Finding]:
    yield _required_for(ctx, "Review", "review_reason")


@rule("CLD407", "Item given for an event type it does not apply to", "warning",
      "Leave request, assessment, service, review and cost items blank on other event types; "
      "check the Event Type is right.", "Guidance: overview table of sections per event type",
      "conditional", needs=("event_type",), columns="event-type-specific items")
def not_applicable(ctx: Context) -> Iterator[Finding]:
    et = ctx.c("event_type__c")
    for item in ctx.spec.items:
        if item.applies_to and item.id in ctx.present:
            yield Finding(et.notnull() & et.notin(item.applies_to) & ctx.c(item.id).notnull(),
                          item.id, f"{item.name} applies to "
                          f"{' and '.join(t.lower() + 's' for t in item.applies_to)} only.",
                          ctx.c(item.id))


def _ld_18_64(ctx: Context) -> ibis.expr.types.BooleanValue:
    age = ctx.c("age_at_period_end")
    ld = ctx.spec.group("learning_disability_reasons")
    return (ctx.c("primary_support_reason__c").isin(ld)  # type: ignore[no-any-return]
            & age.between(18, 64))


@rule("CLD408", "Accommodation Status missing for a learning disability client aged 18-64",
      "error", "Give the latest Accommodation Status for clients with a Learning Disability "
      "PSR aged 18 to 64 (ASCOF 1G).", "Guidance: Accommodation Status", "conditional",
      needs=("primary_support_reason", "date_of_birth", "accommodation_status"),
      needs_period=True, columns="Accommodation Status")
def accommodation_missing(ctx: Context) -> Iterator[Finding]:
    yield Finding(_ld_18_64(ctx) & ctx.c("accommodation_status").isnull(),
                  "accommodation_status",
                  "Accommodation Status is blank for a learning disability client aged 18-64.")


@rule("CLD409", "Employment Status missing for a learning disability client aged 18-64",
      "error", "Give the latest Employment Status for clients with a Learning Disability PSR "
      "aged 18 to 64 (ASCOF 1E).", "Guidance: Employment Status", "conditional",
      needs=("primary_support_reason", "date_of_birth", "employment_status"),
      needs_period=True, columns="Employment Status")
def employment_missing(ctx: Context) -> Iterator[Finding]:
    yield Finding(_ld_18_64(ctx) & ctx.c("employment_status").isnull(), "employment_status",
                  "Employment Status is blank for a learning disability client aged 18-64.")


def costed(ctx: Context) -> ibis.expr.types.BooleanValue:
    """Services that should carry a planned cost (guidance: Costs)."""
    st, comp = ctx.c("service_type__c"), ctx.c("service_component__c")
    dm = ctx.c("delivery_mechanism__c") if "delivery_mechanism" in ctx.present else None
    lts = st.isin(ctx.spec.group("long_term_service_types"))
    if dm is not None:
        lts = lts & (dm.isnull() | dm.notin(ctx.spec.group("commissioned_mechanisms")))
    beds = comp.isin(ctx.spec.group("short_term_beds"))
    return ctx.is_type("Service") & (lts | beds)  # type: ignore[no-any-return]


@rule("CLD410", "Unit Cost or Cost Frequency missing on a costed service", "warning",
      "Give the planned gross Unit Cost and its Cost Frequency for long term support (other "
      "than CASSR commissioned support) and short term residential or nursing care.",
      "Guidance: Costs (Services only)", "conditional",
      needs=("event_type", "service_type", "service_component"),
      columns="Unit Cost (£), Cost Frequency (Unit Type)")
def cost_missing(ctx: Context) -> Iterator[Finding]:
    for i in ("unit_cost", "cost_frequency"):
        if i in ctx.present:
            yield Finding(costed(ctx) & ctx.c(i).isnull(), i,
                          f"{ctx.name(i)} is blank on a service that should be costed.")


@rule("CLD411", "Planned units per week missing for an hourly, daily or per-session cost",
      "warning", "Give the planned units per week when the cost frequency is more often than "
      "weekly.", "Guidance: Planned units per week", "conditional",
      needs=("cost_frequency", "planned_units"), columns="Planned units per week")
def units_missing(ctx: Context) -> Iterator[Finding]:
    yield Finding(ctx.c("cost_frequency__c").isin(ctx.spec.group("more_than_weekly_frequencies"))
                  & ctx.c("planned_units").isnull(), "planned_units",
                  "Planned units per week is blank but the cost is more often than weekly.")


@rule("CLD412", "Event Outcome not expected for this event type", "warning",
      "Check the outcome against the guidance table 'Reason for Event Outcome' and the Event "
      "Type.", "Guidance: Event Outcome table", "conditional",
      needs=("event_type", "event_outcome"), columns="Event Outcome")
def outcome_for_type(ctx: Context) -> Iterator[Finding]:
    et, oc = ctx.c("event_type__c"), ctx.c("event_outcome__c")
    ok = ibis.literal(False)
    for r in ctx.spec.outcomes:
        ok = ok | ((oc == r.outcome) & et.isin(r.event_types))
    yield Finding(et.notnull() & oc.notnull() & ~ok, "event_outcome",
                  ibis.literal("Not an outcome the guidance lists for the event type ")
                  .concat(et, "."),
                  ctx.c("event_outcome"))


@rule("CLD413", "Event Outcome given for an ongoing event", "warning",
      "An outcome is recorded when the event ends: give the end date, or leave the outcome "
      "blank while the event is ongoing.", "Guidance: Event Outcome", "conditional",
      needs=("event_end", "event_outcome"), columns="Event Outcome")
def outcome_open(ctx: Context) -> Iterator[Finding]:
    yield Finding(ctx.c("event_end").isnull() & ctx.c("event_outcome").notnull(),
                  "event_outcome", "Event Outcome is given but there is no end date.",
                  ctx.c("event_outcome"))


@rule("CLD414", "Delivery Mechanism on a service other than long term community", "warning",
      "Delivery Mechanism is for long term community (and prison) services only.",
      "Guidance: Delivery Mechanism (Long Term Community or Prison Only)", "conditional",
      needs=("event_type", "service_type", "delivery_mechanism"),
      columns="Delivery Mechanism (Long Term Community or Prison Only)")
def delivery_not_community(ctx: Context) -> Iterator[Finding]:
    st = ctx.c("service_type__c")
    yield Finding(ctx.is_type("Service") & st.notnull() & ~_community(ctx)
                  & ctx.c("delivery_mechanism").notnull(), "delivery_mechanism",
                  "Delivery Mechanism is given on a service that is not long term community.",
                  ctx.c("delivery_mechanism"))


@rule("CLD415", "Event Outcome 'NFA - Deceased' but no Date of Death", "error",
      "The person has died: give their Date of Death (it is mandatory where the person has "
      "died), or correct the outcome.", "Guidance: Date of Death; Event Outcome", "conditional",
      needs=("event_outcome", "date_of_death"), columns="Date of Death")
def deceased_no_death_date(ctx: Context) -> Iterator[Finding]:
    yield Finding((ctx.c("event_outcome__c") == "NFA - Deceased")
                  & ctx.c("date_of_death").isnull(), "date_of_death",
                  "Event Outcome is 'NFA - Deceased' but Date of Death is blank.")


@rule("CLD416", "Service Component does not belong with the Service Type", "warning",
      "Each Service Component belongs with the service types of its kind: care-home "
      "components with their long term type, long term community components (home support, "
      "direct payment, ...) with Long Term Support: Community, short term components with a "
      "short term type, reablement with ST-Max. Check both values: processing counts the "
      "service by its type, so a mismatch is probably a mis-coded row.",
      "Guidance: Events (Services only) - Service Type, Service Component", "conditional",
      needs=("event_type", "service_type", "service_component"), columns="Service Component")
def component_mismatch(ctx: Context) -> Iterator[Finding]:
    st, comp = ctx.c("service_type__c"), ctx.c("service_component__c")
    ok = ibis.literal(False)
    for service_type, components in ctx.spec.service_components.items():
        ok = ok | ((st == service_type) & comp.isin(components))
    yield Finding(ctx.is_type("Service") & st.notnull() & comp.notnull() & ~ok,
                  "service_component",
                  ibis.literal("Service Component does not belong with Service Type '")
                  .concat(st, "'."), ctx.c("service_component"))


@rule("CLD417", "Service Type in the guidance only", "warning",
      "Accepted: 'Short Term Support: End of Life' is in the guidance's Service Type list but "
      "not in the template's drop-down, so some processing may not recognise it. Nothing to "
      "fix if you mean it; otherwise use Short Term Support: Other Short Term with the "
      "component End of Life Care.", "Guidance: Service Type vs Template: Service Type list",
      "conditional", needs=("service_type",), columns="Service Type")
def guidance_only_type(ctx: Context) -> Iterator[Finding]:
    yield Finding(ctx.c("service_type__c").isin(ctx.spec.group("guidance_only_service_types")),
                  "service_type", "Accepted: this Service Type is in the guidance but not the "
                  "template's list.", ctx.c("service_type"))
