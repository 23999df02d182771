"""Fixtures shared by the test folders."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.store.pg import PgServer


@pytest.fixture(scope="session")
def pg() -> Iterator[PgServer]:
    """A real PostgreSQL server for the whole run (the store's and the portal's tests)."""
    server = PgServer()
    server.start()
    yield server
    server.stop()
