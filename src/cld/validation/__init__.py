"""Validation: rules over a prepared submission, collected into one issue record shape."""

from typing import Any

from cld.validation.result import ISSUE_COLUMNS, Issue, ValidationResult

__all__ = ["ISSUE_COLUMNS", "RULES", "Issue", "Rule", "ValidationResult", "connect",
           "parse_ddmmyyyy", "validate"]


def __getattr__(name: str) -> Any:  # lazy: cld.ingest imports the result shape from here
    if name in {"connect", "parse_ddmmyyyy", "validate"}:
        from cld.validation import engine

        return getattr(engine, name)
    if name in {"RULES", "Rule"}:
        from cld.validation import registry, rules  # noqa: F401  (rules registers them)

        return getattr(registry, name)
    raise AttributeError(name)
