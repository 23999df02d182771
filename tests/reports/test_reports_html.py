from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from markupsafe import escape

from cld.issues import Issue
from cld.reports import render_html, write_html, write_report
from cld.validation.result import ValidationResult


def external_refs(html: str, user_values: list[str]) -> list[str]:
    """http(s) URLs in the page, after removing the (escaped) values from the submission."""
    for value in user_values:
        html = html.replace(str(escape(value)), "")
    return re.findall(r"(?i)(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}", html)


def test_html_content(result: ValidationResult, synthetic: Any, tmp_path: Path) -> None:
    path = tmp_path / "report.html"
    write_html(result, path)
    html = path.read_text(encoding="utf-8")

    assert html.startswith("<!DOCTYPE html>")
    # user values are escaped; the only script-ish text is the escaped value
    assert "<script" not in html.lower()
    assert str(escape(synthetic.SCRIPT)) in html
    assert str(escape(synthetic.FORMULA)) in html
    assert synthetic.UNICODE_NAME in html
    # self-contained: inline SVG charts, no external resources, no JS
    assert html.count("<svg") == 2
    assert external_refs(html, [i.value for i in synthetic.ISSUES if i.value]) == []
    assert not re.search(r"(?i)<(link|img|iframe|object|embed)\b|@import|\bsrc\s*=", html)
    assert not re.search(r"(?i)\son[a-z]+\s*=", html)  # no inline event handlers
    # header, verdict, sections
    assert "synthetic_test_submission.csv" in html
    assert "Testshire (synthetic) (999)" in html
    assert "01/04/2024 to 31/03/2025" in html
    assert "v4.2" in html
    assert "1 fatal problem, 2 errors, 2 warnings — the file has errors to fix" in html
    assert "Some future key" in html  # unknown summary keys are shown, not fatal
    # skipped rules with reasons
    for skipped in synthetic.SKIPPED:
        assert skipped["rule"] in html and skipped["reason"] in html
    # accessibility basics
    assert "<caption>" in html and 'scope="col"' in html and 'scope="row"' in html
    assert 'lang="en-GB"' in html
    # mandatory field below 100% is flagged; voluntary complete one is not
    gender_row = re.search(r'<tr class="gap">\s*<th scope="row">Gender</th>', html)
    assert gender_row is not None
    assert '<tr class="gap">\n      <th scope="row">Client Type</th>' not in html
    assert "full list of issues is in the CSV report" in html
    assert "(blank)" in html  # the null value


def test_html_caps_rows_per_rule(synthetic: Any) -> None:
    many = [
        Issue("V010", "error", "Gender is not in the list", row=r, column="Gender", value=f"X{r}")
        for r in range(2, 30)
    ]
    result = synthetic.make_result(many)
    html = render_html(result, max_rows_per_rule=5)
    # rule_counts left empty: the per-rule counts are derived from the issues
    assert re.search(r"First 5 of 28 issues\s+for rule V010", html)
    shown = re.findall(r'<td class="value">X(\d+)</td>', html)
    assert shown == ["2", "3", "4", "5", "6"]


def test_html_verdict_accepted_with_warnings(synthetic: Any) -> None:
    result = synthetic.make_result([Issue("V020", "warning", "check", row=2, value="x")])
    result.summary = replace(result.summary, errors=0, fatal=0, warnings=1)
    html = render_html(result)
    assert "0 errors, 1 warning — the file would be accepted" in html


def test_html_empty(empty_result: ValidationResult, tmp_path: Path) -> None:
    path = tmp_path / "empty.html"
    write_report(empty_result, "html", path)
    html = path.read_text(encoding="utf-8")
    assert "0 errors, 0 warnings — the file would be accepted" in html
    assert "No issues were found." in html
    assert "<svg" in html  # the completeness chart still renders
    assert "C100" in html
