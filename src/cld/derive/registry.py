"""Outputs (SALT tables, ASCOF measures, costs): metadata + a build over the events.

An output's `build` returns its **contributions**: one row per unit counted (a person, an
episode, a costed service) per cell, with the rule path that put it there. Cells are sums of
contributions (`cells.py`), so every figure can be explained by listing its rows.

Contribution columns: `la_code`, `unit` (pseudonymous-able person or episode key, string),
one column per dimension of the output, `rule` (the rule path, e.g. "chain>service>Nursing"),
`value` (1 for counts; money for costs). Units that are excluded from an output are kept as
contributions to an exclusion dimension value (e.g. `sequel = "Unable to classify"`), never
dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

import ibis.expr.types as ir

from cld.derive.profile import MethodProfile
from cld.engines import cache


@dataclass(frozen=True)
class Inputs:
    """What every build receives."""

    events: ir.Table  # normalised events, one row per event edition (see blocks.events)
    profile: MethodProfile
    period_start: date
    period_end: date
    today: date  # open events end "today" where a method says so (the run's as-of date)
    population: ir.Table | None = None  # see population.py; None when not given
    cache: bool = False  # compute shared tables once, as temporary tables on the backend
    memo: dict[Hashable, ir.Table] = field(default_factory=dict, compare=False, repr=False)

    def shared(self, key: Hashable, make: Callable[[], ir.Table]) -> ir.Table:
        """A table several outputs start from (a cohort, people resolved), built once per
        run, and computed once when the run caches."""
        if key not in self.memo:
            t = make()
            self.memo[key] = cache(t) if self.cache else t
        return self.memo[key]

    def stage(self, t: ir.Table) -> ir.Table:
        """`t` computed once when the run caches (an intermediate table a block reads
        several times: each reference is otherwise computed again, and on Spark planned
        again inside one very large plan); `t` itself otherwise."""
        return cache(t) if self.cache else t


Build = Callable[[Inputs], ir.Table]


@dataclass(frozen=True)
class Measure:
    """How an ASCOF measure's outcome follows from its cells."""

    numerator: str  # value of the `part` dimension counted as numerator
    denominator: str | None  # value of `part` counted as denominator; None: population
    scale: int = 100  # 100 for a percentage, 100_000 for a rate
    population_band: str | None = None  # population age band for rate measures


@dataclass(frozen=True)
class Output:
    code: str  # "STS001", "LTS001b", "ASCOF2A"
    title: str
    kind: Literal["salt", "ascof", "costs"]
    # Dimensions in order, each with its full list of labels (zero-filled: every LA gets
    # every combination), or None when the labels come from the data.
    dims: dict[str, tuple[str, ...] | None]
    build: Build
    unit: Literal["people", "episodes", "requests", "services", "pounds"] = "people"
    table: str = ""  # sub-table ("1a"); one Output per published table
    old_code: str = ""  # ASCOF code before the 2023 refresh
    measure: Measure | None = None
    source: str = ""  # the published table or measure it reproduces
    cannot: tuple[str, ...] = ()  # parts of the published table CLD cannot support, and why
    section: str = ""  # the profile section it reads
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def name(self) -> str:
        return f"{self.code}_{self.table}" if self.table else self.code


OUTPUTS: dict[str, Output] = {}

# Outputs the collection cannot produce, with why (listed in the outputs and docs).
NOT_PRODUCED: dict[str, str] = {}


def output(o: Output) -> Output:
    """Register an output. Names (code + table) are unique."""
    if o.name in OUTPUTS:
        raise ValueError(f"duplicate output {o.name}")
    OUTPUTS[o.name] = o
    return o


def not_produced(code: str, why: str) -> None:
    NOT_PRODUCED[code] = why
