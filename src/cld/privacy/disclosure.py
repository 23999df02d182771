"""Disclosure control of counts: the rules as data (data/disclosure.yaml), one count at a time
or a whole column at once (Polars expressions, no loop over rows), and rates withheld when a
count they use is hidden.

    rule = load_rule()                     # the default: NHS (1-7 -> "*", others to 5)
    count_shown(16, rule)                  # "15"
    protect(frame, rule, exempt=pl.col("level") == "england")

Rates and percentages are computed from the UNROUNDED counts (by the caller) and withheld
where their numerator or denominator is hidden (`withhold`). Secondary suppression for
tables with margins is in disclosure_margins.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any, Literal

import polars as pl
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from cld.errors import CldError

RULES = Path(__file__).parent / "data" / "disclosure.yaml"
UPPER = 100_000_000  # larger counts are refused as implausible (as the NHS reference does)


class DisclosureError(CldError, ValueError):
    """A count that cannot be put under a rule (negative, not whole), or a bad rules file."""


class Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = ""
    title: str
    source: str
    suppress_max: int = Field(ge=0)  # counts 1..suppress_max are hidden; 0 never is
    shown_as: str  # what a hidden count shows
    round_to: int = Field(ge=1)  # other counts to the nearest multiple, halves up
    secondary: bool  # hide more cells so no hidden one is the only unknown of a margin
    exempt_levels: tuple[str, ...] = ()


class Rules(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: Literal[1]
    default: str
    rules: dict[str, Rule]

    @model_validator(mode="after")
    def _default_exists(self) -> Rules:
        if self.default not in self.rules:
            raise ValueError(f"default {self.default!r} is not one of the rules")
        return self


def load_rules(path: str | Path = RULES) -> Rules:
    """The rules file, validated; errors name the file and the key."""
    p = Path(path)
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
        rules = Rules.model_validate(data)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise DisclosureError(f"{p}: cannot read the disclosure rules ({exc})") from None
    except ValidationError as exc:
        where = "; ".join(f"{'.'.join(map(str, e['loc'])) or '(top)'}: {e['msg']}"
                          for e in exc.errors())
        raise DisclosureError(f"{p}: {where}") from None
    named = {k: r.model_copy(update={"name": k}) for k, r in rules.rules.items()}
    return rules.model_copy(update={"rules": named})


@cache
def _shipped() -> Rules:
    return load_rules(RULES)


def load_rule(name: str | None = None, path: str | Path | None = None) -> Rule:
    """One rule by name (default: the file's default) from the shipped file or `path`."""
    rules = _shipped() if path is None else load_rules(path)
    key = name or rules.default
    if key not in rules.rules:
        raise DisclosureError(f"unknown disclosure rule {key!r}: choose from "
                              f"{', '.join(sorted(rules.rules))}")
    return rules.rules[key]


def rule_names() -> list[str]:
    return sorted(_shipped().rules)


# ---------------------------------------------------------------------------------------------
# One count


def _check(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise DisclosureError(f"a count must be a whole number, not {type(value).__name__}")
    if value < 0:
        raise DisclosureError("a count cannot be negative")
    if value > UPPER:
        raise DisclosureError(f"a count above {UPPER:,} is not plausible")
    return value


def round_half_up(value: int, base: int) -> int:
    """`value` to the nearest multiple of `base`, halves up (integers only: exact)."""
    return (2 * value + base) // (2 * base) * base


def is_hidden(value: Any, rule: Rule, exempt: bool = False) -> bool:
    v = _check(value)
    return not exempt and 1 <= v <= rule.suppress_max


def count_shown(value: Any, rule: Rule, exempt: bool = False) -> str:
    """What a count shows under `rule`: '0' for 0, `shown_as` for hidden ones, else the count
    rounded. An exempt (national) count shows as it is."""
    v = _check(value)
    if exempt:
        return str(v)
    if 1 <= v <= rule.suppress_max:
        return rule.shown_as
    return str(round_half_up(v, rule.round_to))


# ---------------------------------------------------------------------------------------------
# Columns of a table


def check_counts(frame: pl.DataFrame, column: str) -> None:
    """Refuse a column that is not whole, non-negative, non-null counts (in one pass)."""
    dtype = frame.schema[column]
    if not dtype.is_integer():
        raise DisclosureError(f"column {column!r} holds {dtype}, not whole counts")
    bad = frame.select(nulls=pl.col(column).is_null().sum(),
                       negative=(pl.col(column) < 0).sum(),
                       large=(pl.col(column) > UPPER).sum()).row(0, named=True)
    if bad["nulls"]:
        raise DisclosureError(f"column {column!r} has {bad['nulls']} missing count(s)")
    if bad["negative"]:
        raise DisclosureError(f"column {column!r} has {bad['negative']} negative count(s)")
    if bad["large"]:
        raise DisclosureError(f"column {column!r} has {bad['large']} count(s) above {UPPER:,}")


def as_counts(frame: pl.DataFrame, column: str) -> pl.DataFrame:
    """`column` as Int64 when it holds whole numbers (a float column of sums, say); a
    fraction is refused, never truncated."""
    dtype = frame.schema[column]
    if dtype.is_float():
        c = pl.col(column)
        odd = frame.select((c.is_not_null() & (c != c.round())).sum()).item()
        if odd:
            raise DisclosureError(f"column {column!r} has {odd} value(s) that are not whole "
                                  "counts")
        return frame.with_columns(c.cast(pl.Int64))
    if dtype.is_integer():
        return frame.with_columns(pl.col(column).cast(pl.Int64))
    return frame  # check_counts refuses it


def hidden_expr(column: str, rule: Rule, exempt: pl.Expr | None = None) -> pl.Expr:
    """True where the rule hides the count (primary suppression)."""
    hide = pl.col(column).is_between(1, rule.suppress_max) if rule.suppress_max else pl.lit(False)
    return hide & ~exempt if exempt is not None else hide


def rounded_expr(column: str, rule: Rule) -> pl.Expr:
    base = rule.round_to
    return (2 * pl.col(column) + base) // (2 * base) * base


def protect(frame: pl.DataFrame, rule: Rule, column: str = "value",
            exempt: pl.Expr | None = None, prefix: str | None = None) -> pl.DataFrame:
    """`frame` with `<p>_hidden` (bool), `<p>_shown` (Int64: the published count, null where
    hidden) and `<p>_display` (text) for the counts in `column` (p defaults to the column).
    Rows where `exempt` is true (national totals) show their count as it is."""
    check_counts(frame, column)
    p = prefix or column
    ex = exempt if exempt is not None else pl.lit(False)
    out = frame.with_columns(hidden_expr(column, rule, ex).alias(f"{p}_hidden"))
    return out.with_columns(
        pl.when(pl.col(f"{p}_hidden")).then(None)
        .when(ex).then(pl.col(column))
        .otherwise(rounded_expr(column, rule)).cast(pl.Int64).alias(f"{p}_shown"),
    ).with_columns(
        pl.when(pl.col(f"{p}_hidden")).then(pl.lit(rule.shown_as))
        .otherwise(pl.col(f"{p}_shown").cast(pl.String)).alias(f"{p}_display"))


def withhold(rate: str, *hidden: str) -> pl.Expr:
    """A rate computed from unrounded counts, null where any of the `hidden` flags is set."""
    flag = pl.any_horizontal(pl.col(h).fill_null(False) for h in hidden)
    return pl.when(flag).then(None).otherwise(pl.col(rate)).alias(rate)
