"""The one module that chooses and opens the analytical engine (an ibis backend).

The store's dataset functions take the backend as a parameter; only this module names one.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ibis.backends import BaseBackend

KINDS = ("duckdb",)


def connect(kind: str = "duckdb", *, memory_limit: str | None = None,
            threads: int | None = None) -> BaseBackend:
    """An ibis backend of `kind` with explicit limits (env CLD_MEMORY_LIMIT, CLD_THREADS)."""
    if kind not in KINDS:
        raise ValueError(f"unknown engine {kind!r} (known: {', '.join(KINDS)})")
    import ibis

    limit = memory_limit or os.environ.get("CLD_MEMORY_LIMIT")
    threads = threads or (int(os.environ["CLD_THREADS"]) if os.environ.get("CLD_THREADS")
                          else None)
    config: dict[str, str | int] = {}
    if limit:
        config["memory_limit"] = limit
    if threads:
        config["threads"] = threads
    return ibis.duckdb.connect(**config)
