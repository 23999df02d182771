"""The layer rules of docs/architecture.md, held over the import graph of src/cld.

Every import counts, also those inside functions (they are there for start-up time, not to
hide a dependency). A back arrow or an import circle between modules fails here.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from pathlib import Path

SRC = Path(__file__).parents[1] / "src"

GROUND = frozenset({"spec", "issues", "errors", "dates", "engines", "checksums", "formulas"})
# Which parts each part may import (a part is a package or a module right under cld). Parts
# missing here (the shells) may import anything; parts named in NOTHING_IMPORTS are imported by
# nobody below them.
MAY_IMPORT: dict[str, frozenset[str]] = {
    **{g: GROUND for g in GROUND},
    "ingest": GROUND | {"ingest"},
    "validation": GROUND | {"ingest", "validation"},
    "store": GROUND | {"ingest", "validation", "store"},
    "reports": frozenset({"issues", "reports", "validation.result", "formulas"}),
    "synth": GROUND | {"synth"},
    "catalogue": GROUND | {"validation"},
    "template": GROUND | {"ingest"},
    # derive takes tables of events, not a store (so it runs on Spark); only derive.run
    # (the store-facing entry) may import the store.
    "derive": GROUND | {"derive"},
    "derive.run": GROUND | {"derive", "store", "validation", "ingest"},
    # privacy takes tables and a policy; it reads the store, never derive (the benchmark
    # report alone reads derived outputs); files for people go through reports' safe writers.
    "privacy": GROUND | {"privacy", "store", "validation", "ingest", "reports"},
    "privacy.benchmark": GROUND | {"privacy", "store", "validation", "ingest", "reports",
                                   "derive"},
}
SHELLS = frozenset({"cli", "web", "__main__"})


def modules(root: Path = SRC) -> dict[str, Path]:
    """Every module under cld by dotted name (a package by its name), tests left out."""
    out = {}
    for path in (root / "cld").rglob("*.py"):
        if path.name.startswith("test_") or path.name == "conftest.py":
            continue  # tests beside the code are not part of the product
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def imports(name: str, path: Path, known: Iterable[str]) -> set[str]:
    """The cld modules `name` imports, anywhere in its body."""
    known = set(known)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(up + ([base] if base else []))
            for a in node.names:
                sub = f"{base}.{a.name}"
                out.add(sub if sub in known else base)
    return {m for m in out if m in known and m != name}


def graph(root: Path = SRC) -> dict[str, set[str]]:
    mods = modules(root)
    return {name: imports(name, path, mods) for name, path in mods.items()}


def part(module: str) -> str:
    return module.split(".")[1] if module.count(".") else ""


def back_arrows(g: Mapping[str, set[str]]) -> list[str]:
    """Imports that break MAY_IMPORT, or that reach a shell from below it."""
    bad = []
    for src, targets in g.items():
        mine = part(src)
        for dst in sorted(targets):
            theirs = part(dst)
            if theirs == mine or not theirs:
                continue
            if theirs in SHELLS and mine not in SHELLS:
                bad.append(f"{src} -> {dst} (nothing imports the shells)")
                continue
            allowed = MAY_IMPORT.get(src.removeprefix("cld."), MAY_IMPORT.get(mine))
            dotted = dst.removeprefix("cld.")
            if allowed is not None and theirs not in allowed and dotted not in allowed:
                bad.append(f"{src} -> {dst} ({mine} may import {', '.join(sorted(allowed))})")
    return sorted(bad)


def circles(g: Mapping[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in g.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                out.append(sorted(group))

    for v in sorted(g):
        if v not in index:
            visit(v)
    return out


def test_the_graph_is_read() -> None:
    g = graph()
    assert "cld.issues" in g["cld.ingest.headers"]
    assert "cld.validation.engine" in g["cld.store.submit"]  # a function-level import


def test_no_back_arrow() -> None:
    assert back_arrows(graph()) == []


def test_no_import_circle() -> None:
    assert circles(graph()) == []


def test_a_planted_back_arrow_or_circle_is_caught() -> None:
    g = {"cld.ingest.headers": {"cld.validation.result"}, "cld.validation.result": set(),
         "cld.store.core": {"cld.cli"}, "cld.cli": set(),
         "cld.synth.a": {"cld.synth.b"}, "cld.synth.b": {"cld.synth.a"},
         "cld.reports.x": {"cld.validation.engine"}, "cld.validation.engine": set()}
    assert back_arrows(g) == [
        "cld.ingest.headers -> cld.validation.result (ingest may import checksums, dates, engines, "
        "errors, formulas, ingest, issues, spec)",
        "cld.reports.x -> cld.validation.engine (reports may import formulas, issues, reports, "
        "validation.result)",
        "cld.store.core -> cld.cli (nothing imports the shells)",
    ]
    assert circles(g) == [["cld.synth.a", "cld.synth.b"]]
    assert back_arrows({"cld.reports.x": {"cld.validation.result"}}) == []


def test_imports_are_resolved_like_python(tmp_path: Path) -> None:
    pkg = tmp_path / "cld" / "p"
    pkg.mkdir(parents=True)
    (tmp_path / "cld" / "__init__.py").write_text("")
    (pkg / "__init__.py").write_text("from cld.p import a\n")
    (pkg / "a.py").write_text("def f():\n    from . import b\n    from .b import x\n")
    (pkg / "b.py").write_text("import cld.p.a\n")
    g = graph(tmp_path)
    assert g["cld.p.a"] == {"cld.p.b"} and g["cld.p.b"] == {"cld.p.a"}
    assert g["cld.p"] == {"cld.p.a"}
    assert circles(g) == [["cld.p.a", "cld.p.b"]]
