"""Rules: metadata + a check that yields findings (ibis expressions over the prepared table)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import ibis
import ibis.expr.types as ir

from cld.issues import Severity
from cld.spec import Spec
from cld.validation.prepare import Bounds


@dataclass(frozen=True)
class Finding:
    """Rows where `where` is true get one issue at `column` (an item id, or None)."""

    where: ir.BooleanValue
    column: str | None
    message: str | ir.StringValue
    value: ir.Value | None = None


@dataclass
class Context:
    t: ir.Table
    spec: Spec
    present: set[str]
    period: Bounds
    cli: dict[str, str | None] = field(default_factory=dict)  # la_code, period_start, period_end
    modal: dict[str, str | None] = field(default_factory=dict)  # most common submission values

    def c(self, name: str) -> Any:
        return self.t[name]

    def name(self, item_id: str) -> str:
        return self.spec.item(item_id).name

    def is_type(self, event_type: str) -> ir.BooleanValue:
        return self.t["event_type__c"] == event_type  # type: ignore[no-any-return]

    def modal_value(self, item_id: str) -> ir.Value:
        """The most common value of a submission item, read from its table (not as a literal:
        file values never enter SQL text)."""
        return self.t.get_backend().table("submission_modal")[item_id].as_scalar()

    def date(self, day: date | str) -> ir.DateValue:
        return ibis.literal(day, type="date")  # type: ignore[return-value]


Check = Callable[[Context], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    code: str
    title: str
    severity: Severity
    guidance: str
    spec_ref: str
    family: str
    needs: tuple[str, ...] = ()  # item ids that must be present
    needs_period: bool = False
    columns: str = ""  # for the catalogue: which columns it applies to
    check: Check | None = None
    needs_cli: tuple[str, ...] = ()  # command-line values it compares against
    per_value: bool = False  # checks the distinct submission values, not every row

    def skip_reason(self, ctx: Context) -> str | None:
        missing = [ctx.name(i) for i in self.needs if i not in ctx.present]
        if missing:
            return "missing column(s): " + ", ".join(missing)
        if self.needs_period and not (ctx.period.start and ctx.period.end):
            return "no valid reporting period (none in the file, none given)"
        if self.needs_cli and not any(ctx.cli.get(k) for k in self.needs_cli):
            return "nothing to compare with: no " + " / ".join(
                k.replace("_", " ").replace("la code", "LA code") for k in self.needs_cli
            ) + " given"
        return None


RULES: dict[str, Rule] = {}


def rule(code: str, title: str, severity: Severity, guidance: str, spec_ref: str, family: str,
         needs: tuple[str, ...] = (), needs_period: bool = False,
         columns: str = "", needs_cli: tuple[str, ...] = (),
         per_value: bool = False) -> Callable[[Check], Check]:
    """Register a rule. Codes are unique and stable: never reuse a retired code."""

    def deco(fn: Check) -> Check:
        if code in RULES:
            raise ValueError(f"duplicate rule code {code}")
        RULES[code] = Rule(code, title, severity, guidance, spec_ref, family, needs,
                           needs_period, columns, fn, needs_cli, per_value)
        return fn

    return deco


def declare(code: str, title: str, severity: Severity, guidance: str, spec_ref: str,
            family: str, columns: str = "") -> None:
    """Register a rule raised outside the engine (ingest/structure), for the catalogue."""
    if code in RULES:
        raise ValueError(f"duplicate rule code {code}")
    RULES[code] = Rule(code, title, severity, guidance, spec_ref, family, columns=columns)
