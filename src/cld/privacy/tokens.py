"""Keyed tokens (HMAC-SHA256) computed in the engine, over whole columns.

DuckDB has SHA-256 but no HMAC, so HMAC is written out (RFC 2104):
sha256(opad || unhex(sha256(ipad || value))), with the key's 64-byte pads held in a
one-row temporary table filled through bound parameters: the key never appears in SQL text
or in any file. Values are normalised first and prefixed with their kind, so the same text
as a person id and as an event reference gives different tokens:

- NHS number (sent or traced): the 10 digits (spaces removed) when they pass modulus 11 and
  are not a sentinel (one digit repeated); anything else gives a null token.
- LA person id and event reference: the LA code and the trimmed value (two LAs' "P1" differ).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from cld.privacy.nhs_sql import nhs_valid

BLOCK = 64


def pads(key: bytes) -> tuple[bytes, bytes]:
    """HMAC-SHA256's inner and outer pads of `key` (ipad, opad)."""
    if len(key) > BLOCK:
        import hashlib

        key = hashlib.sha256(key).digest()
    k = key.ljust(BLOCK, b"\0")
    return bytes(b ^ 0x36 for b in k), bytes(b ^ 0x5C for b in k)


def nhs_normal_sql(value: str) -> str:
    """SQL: the 10-digit NHS number of `value` (varchar), or NULL when invalid/sentinel."""
    v = f"replace(CAST({value} AS VARCHAR), ' ', '')"
    return f"CASE WHEN {nhs_valid(v)} THEN {v} END"


def hmac_sql(text: str, keys: str) -> str:
    """SQL: lower-case hex HMAC-SHA256 of varchar `text` under the pads in table `keys`."""
    return f"sha256({keys}.opad || unhex(sha256({keys}.ipad || encode({text}))))"


def token_sql(kind: str, column: str, keys: str, la: str = "la_code") -> str:
    """SQL: the token of `column` for an identifier of `kind` (nhs, person, event)."""
    if kind == "nhs":
        text = f"'nhs:' || ({nhs_normal_sql(column)})"
    elif kind in {"person", "event"}:
        trimmed = f"NULLIF(trim(CAST({column} AS VARCHAR)), '')"
        text = f"'{kind}:' || CAST({la} AS VARCHAR) || chr(31) || {trimmed}"
    else:
        raise ValueError(f"unknown token kind {kind!r}")
    return hmac_sql(text, keys)


@contextmanager
def key_table(raw: Any, key: bytes) -> Iterator[str]:
    """A temporary one-row table (ipad, opad) on DuckDB connection `raw`, dropped after."""
    name = "cld_k_" + uuid.uuid4().hex[:12]
    ipad, opad = pads(key)
    raw.execute(f"CREATE TEMP TABLE {name} AS SELECT ?::BLOB AS ipad, ?::BLOB AS opad",
                [ipad, opad])
    try:
        yield name
    finally:
        raw.execute(f"DROP TABLE IF EXISTS {name}")


def raw_duckdb(con: Any) -> Any:
    """The DuckDB connection under an ibis DuckDB backend."""
    raw = getattr(con, "con", None)
    if raw is None or not hasattr(raw, "execute") or con.name != "duckdb":
        raise ValueError("keyed tokens need the DuckDB engine")
    return raw


@contextmanager
def as_view(con: Any, t: Any) -> Iterator[str]:
    """ibis table `t` as a temporary DuckDB view (for SQL ibis cannot say), dropped after."""
    name = "cld_v_" + uuid.uuid4().hex[:12]
    con.create_view(name, t, overwrite=True)
    try:
        yield name
    finally:
        raw_duckdb(con).execute(f"DROP VIEW IF EXISTS {name}")


def tokenise(con: Any, t: Any, columns: dict[str, tuple[str, str]], key: bytes) -> Any:
    """`t` (an ibis table on DuckDB) with token columns added, as a pyarrow table:
    columns maps each new column's name to (kind, source column)."""
    raw = raw_duckdb(con)
    with as_view(con, t) as view, key_table(raw, key) as k:
        extra = ", ".join(f"{token_sql(kind, f'{view}.{src}', k, f'{view}.la_code')} "
                          f"AS {out}" for out, (kind, src) in columns.items())
        sql = f"SELECT {view}.*, {extra} FROM {view} CROSS JOIN {k}"
        return raw.execute(sql).fetch_arrow_table()


# Kinds whose values repeat on many rows (one person, many events): hashed once per distinct
# value and joined back, which costs less than hashing every row.
DISTINCT_KINDS = {"nhs", "person"}


def token_column(kind: str, view: str, column: str, keys: str, name: str
                 ) -> tuple[str, str]:
    """(select item, join clause) giving `view`.`column`'s token as `name`."""
    if kind not in DISTINCT_KINDS:
        return f"{token_sql(kind, f'{view}.{column}', keys, f'{view}.la_code')} AS {name}", ""
    d = f"cld_d_{name}"
    if kind == "nhs":
        inner = (f"SELECT u.c, {token_sql(kind, 'u.c', keys)} AS tok FROM "
                 f"(SELECT DISTINCT {column} AS c FROM {view}) u CROSS JOIN {keys}")
        on = f"{view}.{column} = {d}.c"
    else:
        inner = (f"SELECT u.l, u.c, {token_sql(kind, 'u.c', keys, 'u.l')} AS tok FROM "
                 f"(SELECT DISTINCT la_code AS l, {column} AS c FROM {view}) u "
                 f"CROSS JOIN {keys}")
        on = f"{view}.la_code = {d}.l AND {view}.{column} = {d}.c"
    return f"{d}.tok AS {name}", f"LEFT JOIN ({inner}) {d} ON {on}"
