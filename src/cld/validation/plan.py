"""The rules as SQL, compiled once per file shape and kept: in memory and on disk.

Compiling the rules (ibis expressions to DuckDB SQL) costs about a second, plus seconds to
import ibis in a fresh process. The SQL depends only on the code, the specification, the
typed view's columns, the reporting period, the command-line values and the file's stated
submission values, so a plan is kept under a digest of exactly those: in memory for the
process, and as a JSON file in CLD_CACHE_DIR (default ~/.cache/cld; "off" disables it),
read only by a process that has not imported the rules (a fresh `cld validate`): then
neither ibis nor the rules are imported at all.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import duckdb

import cld
from cld.issues import Severity
from cld.spec import Spec
from cld.validation.prepare import Bounds

FORMAT = 1  # bump when Plan changes shape


@dataclass(frozen=True)
class Plan:
    """What run_rules executes: SQL text and the findings' fixed parts."""

    flags: str  # SELECT over `prepared`: _row, [_person, _ref], w<n>, c_<id>, v<n>, m<n>
    findings: list[tuple[int, str | None, str, str, str]]  # fid, column, rule, severity, text
    values: list[str]  # CASE arms: the quoted value of finding n
    messages: list[str]  # CASE arms: the message of finding n, where it is an expression
    value_issues: str  # SELECT over `submission_values`: issue rows
    ran: list[str]
    skipped: list[dict[str, str]]
    catalogue: dict[str, tuple[Severity, str, str]]  # every rule: code -> severity, title, guidance


_MEMO: dict[str, Plan] = {}


@functools.lru_cache(maxsize=1)
def _code_digest() -> str:
    """Digest of the package's code and data, and of the libraries that compile the SQL."""
    root = Path(cld.__file__).parent
    h = hashlib.sha256(f"{FORMAT} {cld.__version__} {duckdb.__version__}".encode())
    for p in sorted(root.rglob("*")):
        if p.suffix in {".py", ".yaml", ".csv", ".json"} and "__pycache__" not in p.parts:
            h.update(str(p.relative_to(root)).encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()


def _columns(con: duckdb.DuckDBPyConnection, view: str) -> list[list[str]]:
    return [[str(r[0]), str(r[1])] for r in con.execute(f"DESCRIBE {view}").fetchall()]


def _key(con: duckdb.DuckDBPyConnection, spec: Spec, present: set[str], period: Bounds,
         cli: dict[str, str | None], modal: dict[str, str | None]) -> str:
    parts: dict[str, Any] = {
        "code": _code_digest(),
        "spec": hashlib.sha256(spec.model_dump_json().encode()).hexdigest(),
        "present": sorted(present),
        "period": [str(period.start), str(period.end)],
        "cli": sorted(cli.items()),
        "modal": sorted(modal.items()),
        "prepared": _columns(con, "prepared"),
        "submission_values": _columns(con, "submission_values"),
    }
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()


def _cache_dir() -> Path | None:
    where = os.environ.get("CLD_CACHE_DIR")
    if where == "off":
        return None
    if where:
        return Path(where)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "cld"


def _read(key: str) -> Plan | None:
    folder = _cache_dir()
    if folder is None:
        return None
    try:
        data = json.loads((folder / f"rules-{key}.json").read_text(encoding="utf-8"))
        data["findings"] = [tuple(f) for f in data["findings"]]
        data["catalogue"] = {k: tuple(v) for k, v in data["catalogue"].items()}
        return Plan(**data)
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None  # absent, unreadable or from another version: compile instead


def _write(key: str, plan: Plan) -> None:
    folder = _cache_dir()
    if folder is None:
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=folder, suffix=".tmp",
                                         delete=False) as f:
            json.dump(asdict(plan), f)
        os.replace(f.name, folder / f"rules-{key}.json")
    except OSError:
        pass  # a cache that cannot be written only costs time


def plan_for(con: duckdb.DuckDBPyConnection, spec: Spec, present: set[str], period: Bounds,
             cli: dict[str, str | None], modal: dict[str, str | None]) -> Plan:
    """The plan for the views `prepared` and `submission_values` now on `con`."""
    key = _key(con, spec, present, period, cli, modal)
    if "cld.validation.registry" not in sys.modules:  # rules as on disk: the cache is theirs
        plan = _read(key)
        if plan is not None:
            return plan
    from cld.validation import compile_rules

    identity = compile_rules.rules_identity()
    memo = key + identity  # a rule replaced in this process makes a new plan
    keep = _cache_dir() is not None  # "off": compiled for every file, kept nowhere
    plan = _MEMO.get(memo) if keep else None
    if plan is None:
        plan = Plan(**compile_rules.compile_plan(con, spec, present, period, cli, modal))
        if keep:
            _MEMO[memo] = plan
        if identity == compile_rules.REGISTERED:  # only the rules as written go to disk
            _write(key, plan)
    return plan

