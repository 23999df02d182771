"""The `short_term` profile section: every constant and mapping of the short-term outputs
(SALT STS001, STS002a, STS002b and ASCOF 2A), as data.

Values named here are v4.2 canonical strings (event types, service types, components,
outcomes); output labels are as SALT/ASCOF print them. `test_short_term_params.py` checks
every value a profile names against the spec's lists.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Literal

from pydantic import Field, model_validator

from cld.derive.profile import Strict, section
from cld.spec import load_spec

UNCLASSIFIED = "Unable to classify"
# The sequel when several different final outcomes end a chain on its latest day (NHSE's
# "NFA- Other"; v4.2 has no such outcome, so this is a label of our own in v4.2's style).
NFA_TIE = "NFA - Other"


class Clustering(Strict):
    """How rows of one kind (requests, ST-Max services) of one person join into episodes."""

    # A row joins the episode when its start is at most gap_days after the reference end.
    gap_days: int
    # previous_end: the previous row's end (LAG); running_max_end: the latest end so far.
    reference: Literal["previous_end", "running_max_end"]
    # What an open end means while clustering: the run's "today" or 9999-01-01.
    open_end: Literal["today", "far_future"]
    # rows_in_period: the episode ends at the latest end, within the period, of its rows
    # (rows ending outside are ignored for the end and outcome); cluster_in_period: the
    # episode ends at its latest end (open = open_end) and counts when that is in the period.
    end_rule: Literal["rows_in_period", "cluster_in_period"]


class NewClient(Strict):
    """An episode is an existing client's when a long-term service started before it (or on
    its start day, per `lts_started`) and ended fewer than `ended_within_days` days before the
    episode's start, or later, or is open."""

    lts_service_types: tuple[str, ...]
    lts_started: Literal["before", "on_or_before"]
    ended_within_days: int


class Chain(Strict):
    """NHSE's sequel chain: the events after the episode, in start order."""

    method: Literal["chain"] = "chain"
    first_within_days: int  # the first event starts at most this many days after the end
    open_first_in_scope: bool  # an open first event is in scope whenever it starts
    chain_gap_days: int  # each next event starts at most this many days after the previous end
    # The chain is cut at the first event of these kinds (event type or service type).
    breakers: tuple[str, ...]
    services: tuple[str, ...]  # service hierarchy, best first
    # Outcomes a non-service chain event may end on (the latest-ending ones decide).
    final_outcomes: tuple[str, ...]


class Rules(Strict):
    """DHSC's ordered sequel rules 1-6 for an ST-Max episode."""

    method: Literal["rules"] = "rules"
    death_within_days: int  # 1: death at most this many days after the episode end
    deceased_outcome: str
    hospital_outcome: str  # 2: the episode's own outcome
    window_days: int  # 3: events starting by episode end + window_days, ending after it
    cut_at: tuple[str, ...]  # events at or after the first of these in the window are cut
    services: tuple[str, ...]  # service hierarchy, best first
    bed_components: tuple[str, ...]  # preferred within a rank
    bed_service: str  # this service type with a bed component becomes bed_sequel
    bed_sequel: str
    # 4: window outcomes not taken from non-service window events
    window_excluded_outcomes: tuple[str, ...]
    nested_types: tuple[str, ...]  # event types of nested events (assessments, reviews)
    nested_within_days: int  # nested event ends fewer than this many days before the end
    equipment_components: tuple[str, ...]  # 5: a nested service with one of these
    equipment_sequel: str


Sequel = Annotated[Chain | Rules, Field(discriminator="method")]


class Kind(Strict):
    """Episodes of one kind: their rows, clustering, and what follows them."""

    clustering: Clustering
    sequel: Sequel


class StMax(Kind):
    service_type: str
    # request_sequels: the ST-Max rows that were a new-client request's sequel (STS001);
    # new_clients: every ST-Max episode of a new client (rule D of the profile).
    cohort: Literal["request_sequels", "new_clients"]


class Table(Strict):
    """How sequel values become one table's labels (the labels are the output's)."""

    categories: dict[str, str]  # sequel value (service type, outcome, NFA_TIE ...) -> label
    # Sequels that are the episode's own outcome (nothing usable followed): "all" map by
    # `categories`; a list maps only those values; the rest are UNCLASSIFIED.
    unchained_maps: Literal["all"] | tuple[str, ...]


class Ascof2A(Strict):
    match: Literal["category", "sequel"]  # lists below name STS002a labels or sequel values
    denominator: tuple[str, ...]
    numerator: tuple[str, ...]
    age_bands: str  # a band set of common.age_bands
    age_at: Literal["episode_end", "period_end"]
    min_age: int  # younger: excluded
    unknown_age: Literal["include", "exclude"]
    # Rounding of the published percentage (None: not rounded). For whoever renders the
    # measure: the registry's Measure has no rounding field yet.
    decimals: int | None


@section("short_term")
class ShortTerm(Strict):
    new_client: NewClient
    outcome_rank: tuple[str, ...]  # outcome hierarchy, best first (ties of episode outcome)
    unusable_outcomes: tuple[str, ...] = ()  # ranked after every usable outcome
    require_known_dob: bool  # episodes of people with no birth date: excluded (labelled)
    requests: Kind
    st_max: StMax
    sts001: Table
    sts002a: Table
    ascof2a: Ascof2A

    @model_validator(mode="after")
    def _v42_values(self) -> ShortTerm:
        """Every input value the section names is a v4.2 value (a typo fails on load)."""
        spec = load_spec()
        lists = {k: set(spec.lists[k].canonical)
                 for k in ("event_type", "event_outcome", "service_type", "service_component")}
        outcomes, services = lists["event_outcome"], lists["service_type"]

        def check(values: Iterable[str], allowed: set[str], where: str) -> None:
            for v in values:
                if v not in allowed:
                    raise ValueError(f"short_term.{where}: {v!r} is not a v4.2 value here")

        check(self.new_client.lts_service_types, services, "new_client")
        check(self.outcome_rank, outcomes, "outcome_rank")
        check(self.unusable_outcomes, set(self.outcome_rank), "unusable_outcomes")
        check([self.st_max.service_type], services, "st_max.service_type")
        derived = {NFA_TIE}
        for name, kind in (("requests", self.requests), ("st_max", self.st_max)):
            q = kind.sequel
            check(q.services, services, f"{name}.sequel.services")
            if isinstance(q, Chain):
                check(q.breakers, services | lists["event_type"], f"{name}.sequel.breakers")
                check(q.final_outcomes, outcomes, f"{name}.sequel.final_outcomes")
            else:
                derived.add(q.bed_sequel)
                check([q.deceased_outcome, q.hospital_outcome, *q.window_excluded_outcomes],
                      outcomes, f"{name}.sequel")
                check([*q.cut_at, q.bed_service, q.equipment_sequel], services,
                      f"{name}.sequel")
                check([*q.bed_components, *q.equipment_components],
                      lists["service_component"], f"{name}.sequel")
                check(q.nested_types, lists["event_type"], f"{name}.sequel.nested_types")
        for name, table in (("sts001", self.sts001), ("sts002a", self.sts002a)):
            check(table.categories, outcomes | services | derived, f"{name}.categories")
            if table.unchained_maps != "all":
                check(table.unchained_maps, outcomes, f"{name}.unchained_maps")
        if self.ascof2a.match == "sequel":
            check([*self.ascof2a.denominator, *self.ascof2a.numerator],
                  outcomes | services | derived, "ascof2a")
        return self
