"""JSON report: the summary (with rules and per-rule counts) and every issue.

Shape::

    {"summary": {...result.summary, "rules_run": [...], "rules_skipped": [...],
                 "rule_counts": [{"rule", "severity", "title", "count", "guidance"}, ...]},
     "issues": [{"row", "column", "rule", "severity", "value", "message", "person",
                 "event_reference"}, ...]}

Values are written as found (JSON is data, not a spreadsheet, so nothing is neutralised).
`write_json` streams the issues batch by batch, so a million issues never become one
giant Python string or list.
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from typing import IO, Any

from cld.reports._common import PathLike, ensure_parent, issues_table
from cld.validation.result import ValidationResult

_BATCH = 10_000


def _summary(result: ValidationResult) -> dict[str, Any]:
    return {
        **result.summary,
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
def _text_stream(target: PathLike | IO[str] | IO[bytes]) -> Iterator[IO[str]]:
    if isinstance(target, (str, os.PathLike)):
        ensure_parent(target)
        with open(target, "w", encoding="utf-8", newline="\n") as fh:
            yield fh
        return
    if isinstance(target, io.TextIOBase):
        yield target  # type: ignore[misc]
        return
    binary = isinstance(target, (io.RawIOBase, io.BufferedIOBase)) or "b" in getattr(
        target, "mode", ""
    )
    if binary:
        wrapper = io.TextIOWrapper(target, encoding="utf-8", newline="\n")  # type: ignore[arg-type]
        try:
            yield wrapper
        finally:
            wrapper.flush()
            wrapper.detach()  # leave the caller's stream open
        return
    yield target  # type: ignore[misc]


def write_json(result: ValidationResult, path_or_stream: PathLike | IO[str] | IO[bytes]) -> None:
    """Write the JSON report to a path, or to an open text or binary stream (left open)."""
    with _text_stream(path_or_stream) as out:
        out.write('{"summary": ')
        out.write(_dumps(_summary(result), indent=2))
        out.write(',\n"issues": [')
        first = True
        for batch in issues_table(result).to_batches(max_chunksize=_BATCH):
            if batch.num_rows == 0:
                continue
            records = batch.to_pylist()
            chunk = ",\n".join(_dumps(r) for r in records)
            out.write(("\n" if first else ",\n") + chunk)
            first = False
        out.write("\n]}\n" if not first else "]}\n")
