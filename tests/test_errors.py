"""The one error base: engine and store errors are CldErrors whose messages name no flag."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from cld.errors import CldError, SpecError, StoreError
from cld.ingest import UnreadableFile
from cld.spec import load_spec


def test_every_user_error_is_a_cld_error() -> None:
    for cls in (UnreadableFile, StoreError, SpecError):
        assert issubclass(cls, CldError)


def test_unreadable_file_keeps_where_and_message() -> None:
    exc = UnreadableFile("a.csv", "malformed CSV", row=3, column="B")
    assert (exc.file, exc.row, exc.column, exc.message) == ("a.csv", 3, "B", "malformed CSV")
    assert str(exc) == "a.csv, row 3, column B: malformed CSV" and exc.hint is None


def test_unknown_spec_version_is_a_spec_error() -> None:
    with pytest.raises(SpecError, match="unknown specification version 'v9'"):
        load_spec("v9")


def _messages(tree: ast.AST) -> list[tuple[int, str]]:
    """Text of every raised error and every SubmitOutcome(...) message."""
    out = []
    for node in ast.walk(tree):
        target = node.exc if isinstance(node, ast.Raise) else node
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") != "SubmitOutcome":
            continue
        if not isinstance(node, (ast.Raise, ast.Call)) or target is None:
            continue
        for part in ast.walk(target):
            if isinstance(part, ast.Constant) and isinstance(part.value, str):
                out.append((node.lineno, part.value))
    return out


def test_store_and_engine_messages_name_no_flag_or_command() -> None:
    # Flags and command names belong to the shell, which adds them as hints.
    src = Path(__file__).parents[1] / "src" / "cld"
    flag = re.compile(r"(^|[\s(])--[a-z]|`cld ")
    for pkg in ("store", "validation", "ingest", "spec"):
        for path in (src / pkg).rglob("*.py"):
            if not path.name.startswith("test_"):
                for line, text in _messages(ast.parse(path.read_text(encoding="utf-8"))):
                    assert not flag.search(text), f"{path}:{line}: {text}"
