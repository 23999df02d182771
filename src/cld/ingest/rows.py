"""Rows into a DuckDB table without pasting values into SQL text or binding Python values
(binding makes DuckDB import pandas: seconds for a fresh process)."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import duckdb


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def load_rows(con: duckdb.DuckDBPyConnection, name: str, columns: dict[str, str],
              rows: list[dict[str, object]]) -> None:
    """TEMP TABLE `name` (columns: name -> SQL type) holding `rows`, read from a JSON file:
    values from a file never enter SQL text, and no Python value is bound."""
    spec = "{" + ", ".join(f"{_literal(c)}: {_literal(t)}" for c, t in columns.items()) + "}"
    with tempfile.TemporaryDirectory(prefix="cld-") as tmp:
        path = Path(tmp) / "rows.json"
        path.write_text("".join(json.dumps(r) + "\n" for r in rows) or "{}\n",
                        encoding="utf-8")
        con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM read_json("
                    f"{_literal(str(path))}, format='newline_delimited', columns={spec})"
                    + ("" if rows else " LIMIT 0"))
