"""Registering rules: every field kept as given, codes unique (the rule modules register
theirs at import; these call the registry afresh so that a change in it is seen)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from cld.validation.registry import RULES, Context, Finding, declare, rule


@pytest.fixture
def code() -> Iterator[str]:
    yield "CLD999"
    RULES.pop("CLD999", None)


def test_rule_keeps_every_field(code: str) -> None:
    def check(ctx: Context) -> list[Finding]:
        return []

    assert rule(code, "T", "error", "G", "S 1", "dates", needs=("gender",),
                needs_period=True, columns="Gender", needs_cli=("la",),
                per_value=True)(check) is check
    r = RULES[code]
    assert (r.code, r.title, r.severity, r.guidance, r.spec_ref, r.family) == (
        code, "T", "error", "G", "S 1", "dates")
    assert (r.needs, r.needs_period, r.columns, r.check, r.needs_cli, r.per_value) == (
        ("gender",), True, "Gender", check, ("la",), True)
    with pytest.raises(ValueError, match=f"duplicate rule code {code}"):
        rule(code, "T2", "warning", "G", "S", "dates")(check)
    assert RULES[code].title == "T"


def test_declare_keeps_every_field_and_refuses_a_used_code(code: str) -> None:
    declare(code, "Outside", "fatal", "G", "S 2", "structure")
    r = RULES[code]
    assert (r.code, r.title, r.severity, r.family, r.columns, r.check) == (
        code, "Outside", "fatal", "structure", "", None)
    with pytest.raises(ValueError, match=f"duplicate rule code {code}"):
        declare(code, "Again", "error", "G", "S", "structure", columns="x")
    RULES.pop(code)
    declare(code, "With columns", "error", "G", "S", "structure", columns="A, B")
    assert RULES[code].columns == "A, B"
