"""A page of stored issues read from Parquet (only its row groups) or from a table."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cld.issues import ISSUE_SCHEMA
from cld.store.results import issues_page

#: 25 issues on rows 1..25; column "a" on rows 1, 4, 7, ..., 25 (9 rows), "b" on the others
#: but every fifth row, whose column is missing
ISSUES = pa.Table.from_pylist([
    {"row": r, "column": None if r % 5 == 0 else ("a" if r % 3 == 1 else "b"), "rule": "R",
     "severity": "error", "value": str(r), "message": "m", "person": None,
     "event_reference": None} for r in range(1, 26)], schema=ISSUE_SCHEMA)


@pytest.fixture(params=["parquet", "table"])
def source(request: pytest.FixtureRequest, tmp_path: Path) -> Path | pa.Table:
    if request.param == "table":
        return ISSUES
    path = tmp_path / "issues.parquet"
    pq.write_table(ISSUES, path, row_group_size=4)  # 7 groups: pages cross them
    return path


def rows(table: pa.Table) -> list[int]:
    return table["row"].to_pylist()


def test_a_page_of_all_issues(source: Path | pa.Table) -> None:
    assert issues_page(source, 0, 0) == (25, ISSUES.slice(0, 0))
    total, page = issues_page(source, 6, 5)  # rows 7..11: groups 2 and 3
    assert total == 25 and rows(page) == [7, 8, 9, 10, 11]
    assert page.schema == ISSUE_SCHEMA and page["value"].to_pylist() == ["7", "8", "9",
                                                                         "10", "11"]
    assert rows(issues_page(source, 20, 10)[1]) == [21, 22, 23, 24, 25]  # the last, short
    assert issues_page(source, 30, 10)[1].num_rows == 0


def test_a_page_of_one_fields_issues(source: Path | pa.Table) -> None:
    total, page = issues_page(source, 2, 3, "a")  # a: 1, 4, 7, 13, 16, 19, 22, ...
    assert total == 7  # 1 4 7 13 16 19 22 (10 and 25 are multiples of 5: no column)
    assert rows(page) == [7, 13, 16]
    assert issues_page(source, 0, 50, "nothing") == (0, ISSUES.slice(0, 0))


def test_no_issues_file(tmp_path: Path) -> None:
    total, page = issues_page(tmp_path / "issues.parquet", 0, 50)
    assert total == 0 and page.num_rows == 0
