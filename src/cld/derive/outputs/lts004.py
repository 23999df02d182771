"""SALT LTS004: working-age clients with a learning disability in long term support during the
year, by employment (table 1) and by settled (2a) or unsettled (2b) accommodation, by gender.

Cohort (profile section `learning_disability`): people with a service in `lts004_settings`
overlapping the period, last known PSR in `ld_reasons`, of working age (`age_at`). A status
not in the v4.2 list is its own row (the invalid label); people whose age is unknown are the
row "Excluded: unknown age" of tables 1 and 2b (2a and 2b together hold the whole cohort).
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from cld.derive.outputs.learning_disability import (
    SECTION,
    check_labels,
    ld_working_age,
    section_of,
    spec_values,
)
from cld.derive.registry import Inputs, Output, output

INVALID = "NULL/Invalid"
UNKNOWN_AGE = "Excluded: unknown age"
PRESUMED_HOME = "Unknown: Presumed at home"
PRESUMED_COMMUNITY = "Unknown: Presumed in community"
GENDERS = ("Male", "Female", "Not known", INVALID)
EMPLOYMENT = (*spec_values("employment_status"), INVALID, UNKNOWN_AGE)
SETTLED = (
    "Owner occupier or shared ownership scheme",
    "Tenant",
    "Tenant - private landlord",
    "Settled mainstream housing with family / friends",
    "Supported accommodation / supported lodgings / supported group home",
    "Shared Lives scheme",
    "Approved premises for offenders released from prison or under probation supervision",
    "Sheltered housing / extra care housing / other sheltered housing",
    "Mobile accommodation for Gypsy / Roma and Traveller communities",
    PRESUMED_HOME,
)
UNSETTLED = (
    *(v for v in spec_values("accommodation_status") if v not in SETTLED),
    PRESUMED_COMMUNITY,
    INVALID,
    UNKNOWN_AGE,
)
SOURCE = "SALT LTS004 (NHS England, Reproducing SALT metrics from CLD 2023/24)"


def _check(inputs: Inputs) -> None:
    ld = section_of(inputs)
    check_labels(ld, "LTS004 table 2a", set(ld.settled), SETTLED)
    check_labels(ld, "LTS004 table 2b", set(ld.unsettled) | {ld.invalid_label}, UNSETTLED)
    check_labels(ld, "LTS004 table 1", {ld.invalid_label}, EMPLOYMENT)
    check_labels(ld, "LTS004 gender", {ld.invalid_label, *ld.unknown["gender"]}, GENDERS)


def _rows(p: ir.Table, dim: str, label: ir.StringValue, rule: ir.StringValue) -> ir.Table:
    return p.select("la_code", "unit", gender=p.gender, **{dim: label}, rule=rule,
                    value=ibis.literal(1, type="int64"))


def build_employment(inputs: Inputs) -> ir.Table:
    _check(inputs)
    p = ld_working_age(inputs)
    label = ibis.ifelse(p.age_known, p.employment, UNKNOWN_AGE)
    rule = ibis.ifelse(p.age_known, "ld>working age>employment:" + p.employment_rule,
                       "ld>age unknown")
    return _rows(p, "employment", label, rule)


def build_settled(inputs: Inputs) -> ir.Table:
    _check(inputs)
    ld = section_of(inputs)
    p = ld_working_age(inputs)
    p = p.filter(p.age_known & p.accommodation.isin(list(ld.settled)))
    return _rows(p, "accommodation", p.accommodation,
                 "ld>working age>settled>accommodation:" + p.accommodation_rule)


def build_unsettled(inputs: Inputs) -> ir.Table:
    _check(inputs)
    ld = section_of(inputs)
    p = ld_working_age(inputs)
    p = p.filter(~p.age_known | ~p.accommodation.isin(list(ld.settled)))
    label = ibis.ifelse(p.age_known, p.accommodation, UNKNOWN_AGE)
    rule = ibis.ifelse(p.age_known,
                       "ld>working age>not settled>accommodation:" + p.accommodation_rule,
                       "ld>age unknown")
    return _rows(p, "accommodation", label, rule)


CANNOT = ("Clients are service users with a learning disability PSR; v4.2 has no client type.",)

output(Output(
    code="LTS004", table="1", kind="salt", section=SECTION, source=SOURCE, cannot=CANNOT,
    title="Working-age clients with a learning disability in long term support during the "
          "year, by employment status and gender",
    dims={"employment": EMPLOYMENT, "gender": GENDERS}, build=build_employment))

output(Output(
    code="LTS004", table="2a", kind="salt", section=SECTION, source=SOURCE, cannot=CANNOT,
    title="Working-age clients with a learning disability in long term support during the "
          "year, in settled accommodation, by accommodation status and gender",
    dims={"accommodation": SETTLED, "gender": GENDERS}, build=build_settled))

output(Output(
    code="LTS004", table="2b", kind="salt", section=SECTION, source=SOURCE, cannot=CANNOT,
    title="Working-age clients with a learning disability in long term support during the "
          "year, not in settled accommodation, by accommodation status and gender",
    dims={"accommodation": UNSETTLED, "gender": GENDERS}, build=build_unsettled))
