"""DuckDB SQL for a usable NHS number (tracing, MESH files and tokens share it)."""

from __future__ import annotations


def nhs_valid(digits: str) -> str:
    """SQL: true for ten digits passing modulus 11 and not one repeated digit (so never the
    trace sentinels 0000000000 and 9999999999); false otherwise, also for null."""
    total = " + ".join(f"{10 - i} * CAST(substr({digits}, {i + 1}, 1) AS INTEGER)"
                       for i in range(9))
    return (f"coalesce(CASE WHEN regexp_full_match({digits}, '[0-9]{{10}}') THEN "
            f"(11 - ({total}) % 11) % 11 = CAST(substr({digits}, 10, 1) AS INTEGER) "
            f"AND {digits} <> repeat(substr({digits}, 1, 1), 10) END, FALSE)")
