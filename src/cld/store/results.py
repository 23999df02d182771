"""A stored validation result: summary and counts as JSON, every issue as Parquet.

Any report (JSON, CSV, XLSX, HTML) can be rendered again from it later.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from cld.issues import ISSUE_SCHEMA
from cld.validation.result import FieldStat, RuleCount, Summary, ValidationResult

#: issues per Parquet row group: a page of them reads one or two groups, not the whole file
ISSUE_GROUP = 10_000


def save_result(folder: Path, result: ValidationResult | None, reason: str) -> None:
    """Write result.json (and issues.parquet, when the file could be read)."""
    doc: dict[str, object] = {"rejection_reason": reason}
    if result is not None:
        doc.update(summary=result.summary.as_dict(),
                   rule_counts=[asdict(r) for r in result.rule_counts],
                   field_stats=[asdict(f) for f in result.field_stats],
                   rules_run=result.rules_run, rules_skipped=result.rules_skipped)
        pq.write_table(result.issues, folder / "issues.parquet", compression="zstd",
                       row_group_size=ISSUE_GROUP)
    path = folder / "result.json"
    path.write_text(json.dumps(doc, indent=1, default=str), encoding="utf-8")


def load_result(folder: Path, *, issues: bool = True) -> ValidationResult | None:
    """The stored result, or None for a file that could not be read at all.

    `issues=False`: the summary and counts only, its issues table left empty (a page of
    them: issues_page(folder / "issues.parquet", ...))."""
    doc = json.loads((folder / "result.json").read_text(encoding="utf-8"))
    if "summary" not in doc:
        return None
    issues_path = folder / "issues.parquet"
    table = (pq.read_table(issues_path).cast(ISSUE_SCHEMA) if issues and issues_path.exists()
             else pa.Table.from_pylist([], schema=ISSUE_SCHEMA))
    return ValidationResult(
        summary=Summary.from_dict(doc["summary"]), issues=table,
        rule_counts=[RuleCount(**r) for r in doc["rule_counts"]],
        field_stats=[FieldStat(**f) for f in doc["field_stats"]],
        rules_run=doc["rules_run"], rules_skipped=doc["rules_skipped"])


def load_field_stats(folder: Path) -> list[FieldStat]:
    """Only the completeness and validity per field of a stored result (none for a file that
    could not be read), without reading its issues."""
    doc = json.loads((folder / "result.json").read_text(encoding="utf-8"))
    return [FieldStat(**f) for f in doc.get("field_stats", [])]


def rejection_reason(folder: Path) -> str:
    doc = json.loads((folder / "result.json").read_text(encoding="utf-8"))
    return str(doc.get("rejection_reason") or "")


def issues_page(source: Path | pa.Table, start: int, count: int, column: str = ""
                ) -> tuple[int, pa.Table]:
    """How many issues there are (of `column` only, when given), and `count` of them from
    the `start`th (0-based), in stored order. `source`: an issues.parquet file (only the
    row groups holding the page are read) or a table in memory."""
    if isinstance(source, pa.Table):
        table = source.filter(pc.equal(source["column"], column)) if column else source
        return table.num_rows, table.slice(start, count)
    if not source.exists():
        return 0, pa.Table.from_pylist([], schema=ISSUE_SCHEMA)
    pf = pq.ParquetFile(source)
    if column:
        where = pc.indices_nonzero(pc.fill_null(pc.equal(
            pf.read(columns=["column"])["column"], column), False))
        total, wanted = len(where), where.slice(start, count).to_pylist()
    else:
        total = pf.metadata.num_rows
        wanted = list(range(start, min(start + count, total)))
    if not wanted:
        return total, pa.Table.from_pylist([], schema=ISSUE_SCHEMA)
    first = 0  # the row number each group starts at
    groups, offset = [], None
    for g in range(pf.metadata.num_row_groups):
        n = pf.metadata.row_group(g).num_rows
        if first + n > wanted[0] and first <= wanted[-1]:
            groups.append(g)
            offset = first if offset is None else offset
        first += n
    assert offset is not None
    table = pf.read_row_groups(groups).cast(ISSUE_SCHEMA)
    return total, table.take([w - offset for w in wanted])
