"""derive(): the events in, contributions and cells of every output out (ibis only)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import ibis.expr.types as ir

from cld.derive.blocks.events import derived_end, latest_editions
from cld.derive.blocks.person import with_person_key
from cld.derive.cells import cells
from cld.derive.profile import MethodProfile
from cld.derive.registry import OUTPUTS, Inputs, Output
from cld.engines import cache as engine_cache


@dataclass(frozen=True)
class Derived:
    profile: MethodProfile
    period_start: date
    period_end: date
    events: ir.Table  # the prepared events every output read
    dropped: ir.Table  # rows with no person key, per LA (la_code, rows)
    contributions: dict[str, ir.Table]
    cells: dict[str, ir.Table]

    def outputs(self) -> list[Output]:
        return [OUTPUTS[name] for name in self.cells]


def prepare(events: ir.Table, profile: MethodProfile) -> tuple[ir.Table, ir.Table]:
    """Events with `person_key`, `end_derived` (a death ends an event), latest editions only;
    and the rows dropped for want of a person key, counted per LA."""
    t = with_person_key(events, profile.common)
    lost = t.filter(t.key_dropped)
    dropped = lost.group_by("la_code").aggregate(rows=lost.count())
    t = t.filter(~t.key_dropped).drop("key_dropped")
    t = t.mutate(end_derived=derived_end(t))
    return latest_editions(t, profile.common), dropped


def derive(events: ir.Table, profile: MethodProfile, period_start: date, period_end: date,
           *, today: date | None = None, population: ir.Table | None = None,
           only: Iterable[str] | None = None, las: Iterable[str] | None = None,
           cache: bool = False) -> Derived:
    """Contributions and cells of every registered output (or those named in `only`).
    `las`: the LAs every output lists (zero-filled); default those in the events.
    `cache`: compute the prepared events once, as a temporary table on the events' backend
    (every output starts from them), instead of once per output."""
    import cld.derive.outputs  # noqa: F401  (registers the outputs)

    prepared, dropped = prepare(events, profile)
    if cache:
        prepared = engine_cache(prepared)
    inputs = Inputs(prepared, profile, period_start, period_end, today or period_end,
                    population, cache=cache)
    names = list(only) if only is not None else list(OUTPUTS)
    unknown = [n for n in names if n not in OUTPUTS]
    if unknown:
        raise ValueError(f"unknown output(s): {', '.join(unknown)}")
    codes = (sorted(las) if las is not None else
             events.select("la_code").distinct().order_by("la_code")
             .to_pyarrow().column(0).to_pylist())
    codes = [c if isinstance(c, str) else str(c) for c in codes]
    contributions = {n: OUTPUTS[n].build(inputs) for n in names}
    return Derived(profile, period_start, period_end, prepared, dropped, contributions,
                   {n: cells(OUTPUTS[n], contributions[n], codes) for n in names})
