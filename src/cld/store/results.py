"""A stored validation result: summary and counts as JSON, every issue as Parquet.

Any report (JSON, CSV, XLSX, HTML) can be rendered again from it later.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from cld.issues import ISSUE_SCHEMA
from cld.validation.result import FieldStat, RuleCount, Summary, ValidationResult


def save_result(folder: Path, result: ValidationResult | None, reason: str) -> None:
    """Write result.json (and issues.parquet, when the file could be read)."""
    doc: dict[str, object] = {"rejection_reason": reason}
    if result is not None:
        doc.update(summary=result.summary.as_dict(),
                   rule_counts=[asdict(r) for r in result.rule_counts],
                   field_stats=[asdict(f) for f in result.field_stats],
                   rules_run=result.rules_run, rules_skipped=result.rules_skipped)
        pq.write_table(result.issues, folder / "issues.parquet", compression="zstd")
    path = folder / "result.json"
    path.write_text(json.dumps(doc, indent=1, default=str), encoding="utf-8")


def load_result(folder: Path) -> ValidationResult | None:
    """The stored result, or None for a file that could not be read at all."""
    doc = json.loads((folder / "result.json").read_text(encoding="utf-8"))
    if "summary" not in doc:
        return None
    issues_path = folder / "issues.parquet"
    issues = (pq.read_table(issues_path).cast(ISSUE_SCHEMA) if issues_path.exists()
              else pa.Table.from_pylist([], schema=ISSUE_SCHEMA))
    return ValidationResult(
        summary=Summary.from_dict(doc["summary"]), issues=issues,
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
