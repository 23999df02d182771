"""The one error base: every failure a user should read (not a traceback) is a CldError.

Each shell maps CldError once (the CLI: `error: <message>`, the hint below it, exit 2).
Messages name no command-line flag or command: a shell adds those as the `hint`.
"""

from __future__ import annotations


class CldError(Exception):
    """A failure with a plain message; `hint` says what to do, when a layer knows it."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        self.message = message
        self.hint = hint
        super().__init__(message)

    def __str__(self) -> str:
        return self.message


class SpecError(CldError, ValueError):
    """An unknown specification version, or a specification file that does not load."""


class StoreError(CldError):
    """A store operation that could not be done; the message says why and what to do.

    Nothing already stored is changed when it is raised.
    """


class NoStore(StoreError):
    """There is no store where one was expected (a mistyped path)."""


class UnknownLA(StoreError):
    """An LA code that is not in the register."""


class StoreDamaged(StoreError):
    """What the store holds does not match its records (verify the store)."""
