"""JSON report: the summary (with rules and per-rule counts) and every issue.

Shape::

    {"summary": {...result.summary.as_dict(), "rules_run": [...], "rules_skipped": [...],
                 "rule_counts": [{"rule", "severity", "title", "count", "guidance"}, ...]},
     "issues": [{"row", "column", "rule", "severity", "value", "message", "person",
                 "event_reference"}, ...]}

Values are written as found (JSON is data, not a spreadsheet, so nothing is neutralised).
UTF-8, non-ASCII characters unescaped, one issue per line. `write_json` streams the issues
batch by batch through polars' NDJSON writer, so a million issues never become one giant
Python string or a million Python dicts.
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from typing import IO, Any, cast

import polars as pl

from cld.reports._common import PathLike, ensure_parent, issues_table
from cld.validation.result import ValidationResult

_BATCH = 50_000


def _summary(result: ValidationResult) -> dict[str, Any]:
    return {
        **result.summary.as_dict(),
        "rules_run": list(result.rules_run),
        "rules_skipped": [dict(s) for s in result.rules_skipped],
        "rule_counts": [asdict(rc) for rc in result.rule_counts],
    }


def _dumps(obj: Any, **kwargs: Any) -> str:
    # default=str: unknown extra summary values (dates, paths, ...) degrade to text.
    return json.dumps(obj, ensure_ascii=False, default=str, **kwargs)


def to_json_dict(result: ValidationResult) -> dict[str, Any]:
    """The whole report as a JSON-serialisable dict (builds every issue in memory)."""
    summary = json.loads(_dumps(_summary(result)))
    return {"summary": summary, "issues": issues_table(result).to_pylist()}


@contextmanager
def _byte_sink(target: PathLike | IO[str] | IO[bytes]) -> Iterator[Callable[[bytes], Any]]:
    """A function writing UTF-8 bytes to a path, or to an open text or binary stream."""
    if isinstance(target, (str, os.PathLike)):
        ensure_parent(target)
        with open(target, "wb") as fh:
            yield fh.write
        return
    if isinstance(target, io.TextIOBase) or "b" not in getattr(target, "mode", "b"):
        text = cast(IO[str], target)
        yield lambda data: text.write(data.decode("utf-8"))
        return
    yield cast(IO[bytes], target).write


def write_json(result: ValidationResult, path_or_stream: PathLike | IO[str] | IO[bytes]) -> None:
    """Write the JSON report to a path, or to an open text or binary stream (left open)."""
    with _byte_sink(path_or_stream) as write:
        write(b'{"summary": ')
        write(_dumps(_summary(result), indent=2).encode("utf-8"))
        write(b',\n"issues": [')
        first = True
        for batch in issues_table(result).to_batches(max_chunksize=_BATCH):
            if batch.num_rows == 0:
                continue
            frame = pl.from_arrow(batch)
            assert isinstance(frame, pl.DataFrame)
            buf = io.BytesIO()
            frame.write_ndjson(buf)
            # NDJSON escapes newlines inside strings, so raw newlines only separate records.
            records = buf.getvalue().rstrip(b"\n").replace(b"\n", b",\n")
            write((b"\n" if first else b",\n") + records)
            first = False
        write(b"]}\n" if first else b"\n]}\n")
