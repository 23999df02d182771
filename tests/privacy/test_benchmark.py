"""store -> derive -> benchmark: the report's figures are the derived ones before disclosure
control, small counts are hidden, England is exempt, and the page is self-contained."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import fastexcel
import polars as pl
import pytest

from cld.derive.load import load_profile
from cld.derive.population import synthetic_population
from cld.derive.run import Run, derive_year, measures, tidy
from cld.privacy.benchmark import benchmark, write_benchmark
from cld.privacy.disclosure import load_rule
from cld.store import Store
from tests.derive.conftest import YEAR

PROFILE = load_profile("dhsc-2024")


@pytest.fixture
def run(toys: list[str], store: Store) -> Run:
    return derive_year(store, YEAR, PROFILE, population=synthetic_population().table)


def rows(report_rows: pl.DataFrame, series: str) -> dict[str, dict]:
    return {r["area_code"]: r for r in report_rows.filter(pl.col("series") == series).to_dicts()}


def test_totals_equal_the_derived_ones_before_suppression(run: Run) -> None:
    derived = tidy(run, "TOY001_a").filter(~pl.col("setting").str.starts_with("excluded"))
    want = dict(derived.group_by("area_code").agg(pl.col("value").sum()).iter_rows())
    assert set(want) == {"503", "318", "304", "0CL", "0CV", "E92000001"}
    assert want["0CV"] == want["318"] + want["304"] and want["0CL"] == want["503"]
    exact = rows(benchmark(run, load_rule("suppress-lt5")).rows, "TOY001_a")
    nhs = rows(benchmark(run, load_rule()).rows, "TOY001_a")
    for area, v in want.items():
        assert v > 7  # big enough that no rule hides it
        assert exact[area]["value"] == str(v)
        five = str(v) if area == "E92000001" else str(5 * round(v / 5))
        assert nhs[area]["value"] == five
    # ranks and quartiles among the three LAs, on the unrounded totals (1 = highest)
    order = sorted(["503", "318", "304"], key=lambda la: -want[la])
    if len({want[la] for la in order}) == 3:
        assert [nhs[la]["rank"] for la in order] == [1, 2, 3]
        assert [nhs[la]["quartile"] for la in order] == [1, 2, 3]  # (rank-1)*4//3 + 1
    assert nhs["0CV"]["region_code"] == "0CV" and nhs["304"]["region_code"] == "0CV"
    assert nhs["503"]["region_name"] == nhs["0CL"]["area_name"]
    assert nhs["E92000001"]["rank"] is None and nhs["0CL"]["rank"] is None


def test_a_count_of_three_is_hidden_and_england_is_exempt(run: Run) -> None:
    got = rows(benchmark(run, load_rule()).rows, "TOY004")
    for area in ("503", "318", "304", "0CL", "0CV"):  # 3, 3, 3, 3 and 6 people
        assert got[area]["value"] == "*" and got[area]["rank"] is None
        assert got[area]["status"].startswith("hidden")
    assert got["E92000001"]["value"] == "9"  # 3 LAs x 3, exempt: not rounded to 10


def test_measures_are_the_derived_outcomes_or_withheld(run: Run) -> None:
    m = measures(run, "TOY002")
    report = benchmark(run, load_rule())
    for rec in m.to_dicts():
        got = rows(report.rows, f"TOY002 / {rec['gender']}")[rec["area_code"]]
        national = rec["level"] == "england"
        hidden = not national and (1 <= rec["numerator"] <= 7 or 1 <= rec["denominator"] <= 7)
        if hidden:
            assert got["value"] is None and got["rank"] is None
            assert got["status"] == "withheld: a count it uses is hidden"
        elif rec["outcome"] is None:
            assert got["value"] is None
        else:  # from the unrounded counts, as derive computes it
            assert float(got["value"]) == rec["outcome"]
        if national:
            assert got["numerator"] == str(int(rec["numerator"]))
    rate = rows(report.rows, "TOY003 / All")
    assert "synthetic population" in rate["503"]["population_note"]
    assert report.synthetic_population


def test_secondary_suppression_over_regions(run: Run) -> None:
    """Under a rule that shows exact counts, a hidden LA is not the only unknown of its
    region or of England."""
    from cld.privacy.benchmark import area_lines
    from cld.privacy.disclosure_margins import Table, recoverable

    report = benchmark(run, load_rule("suppress-lt5")).rows
    for _, part in report.group_by("series"):
        col = "value" if part["kind"][0] == "total" else "numerator"
        cells = part.with_columns(hidden=pl.col(col) == "*", value=pl.lit(1),
                                  exempt=pl.col("level") == "england")
        assert recoverable(Table.grouped(cells, area_lines(part))).is_empty()
    # some count of 5 or more is hidden only to protect another (secondary suppression)
    m = measures(run, "TOY002")
    big = {(r["gender"], r["area_code"]) for r in m.to_dicts()
           if r["numerator"] >= 5 and r["level"] != "england"}
    hidden = {(r["group"], r["area_code"]) for r in report.to_dicts()
              if r["output"] == "TOY002" and r["numerator"] == "*"}
    assert big & hidden


class Check(HTMLParser):
    """Collects attribute URLs, tables' captions and header scopes, and open/close balance."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.stack: list[str] = []
        self.captions = 0
        self.th_without_scope = 0
        self.tables = 0
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.urls += [v for k, v in a.items() if k in ("src", "href") and v]
        self.tables += tag == "table"
        self.captions += tag == "caption"
        self.scripts += tag == "script"
        self.th_without_scope += tag == "th" and "scope" not in a
        if tag not in ("meta", "br", "img", "input", "link", "path", "rect", "line", "g",
                       "text", "svg", "title", "defs", "clipPath", "tspan"):
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.stack and self.stack[-1] == tag:
            self.stack.pop()


def test_the_files(run: Run, tmp_path: Path) -> None:
    files = write_benchmark(benchmark(run, load_rule()), tmp_path)
    assert sorted(f.name for f in files) == ["benchmark.csv", "benchmark.html", "benchmark.xlsx"]
    assert not list(tmp_path.glob("*.part"))
    csv = pl.read_csv(tmp_path / "benchmark.csv", infer_schema=False)
    t4 = csv.filter(pl.col("series") == "TOY004")
    assert t4.filter(pl.col("area_code") == "503")["value"].to_list() == ["*"]
    assert set(csv["population"]) == {"synthetic population"}
    book = fastexcel.read_excel(tmp_path / "benchmark.xlsx")
    assert book.sheet_names == ["About", "Benchmark"]
    about = book.load_sheet("About", header_row=None).to_polars()
    assert "SYNTHETIC" in about[:, 0].to_list()
    html = (tmp_path / "benchmark.html").read_text(encoding="utf-8")
    assert not re.search(r"(src|href)\s*=\s*[\"']?\s*(https?:)?//", html, re.I)
    assert "http://" not in html and "https://" not in html
    c = Check()
    c.feed(html)
    assert c.scripts == 0 and all(u.startswith("#") for u in c.urls)
    # TOY001_a, TOY002 by gender (3), TOY003, TOY004: one table each
    assert c.tables == c.captions == 6 and c.th_without_scope == 0
    assert c.stack == []  # every element closed
    assert html.count("<svg") >= 2 and 'role="img"' in html
    assert "SYNTHETIC" in html and "<caption>TOY004 (people) by area</caption>" in html


def test_a_failed_write_leaves_nothing(run: Run, tmp_path: Path) -> None:
    from cld.privacy.benchmark_files import BenchmarkError

    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(BenchmarkError, match="cannot write into"):
        write_benchmark(benchmark(run, load_rule()), blocker / "out")
    (tmp_path / "out" / "benchmark.html").mkdir(parents=True)  # the last file cannot land
    with pytest.raises(BenchmarkError, match="benchmark.html is not a file"):
        write_benchmark(benchmark(run, load_rule()), tmp_path / "out")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["benchmark.html"]
    # a second run replaces the first run's files
    (tmp_path / "out" / "benchmark.html").rmdir()
    first = write_benchmark(benchmark(run, load_rule()), tmp_path / "out")
    (tmp_path / "out" / "benchmark.csv").write_text("stale")
    write_benchmark(benchmark(run, load_rule("suppress-lt5")), tmp_path / "out")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(f.name for f in first)
    assert "suppress-lt5" in (tmp_path / "out" / "benchmark.html").read_text(encoding="utf-8")
    assert "stale" not in (tmp_path / "out" / "benchmark.csv").read_text(encoding="utf-8")


def test_published_rows_read_back_for_a_page(tmp_path: Path) -> None:
    from cld.privacy.benchmark_files import published

    (tmp_path / "benchmark.csv").write_text(
        "series,area_code,value,rank\nB,503,'-1.5,2\nA,503,7,1\nB,318,'=x,1\nB,304,'a,\n",
        encoding="utf-8")
    names, got = published(tmp_path, "B")
    assert names == ["B", "A"]  # the report's order, not sorted
    assert [r["value"] for r in got] == ["-1.5", "=x", "'a"]  # only the neutralising ' goes
    assert [r["rank"] for r in got] == ["2", "1", None]
    assert published(tmp_path)[1] == published(tmp_path, "no such series")[1] == got
    assert published(tmp_path, "A")[1] == [{"series": "A", "area_code": "503", "value": "7",
                                            "rank": "1"}]


def test_one_las_view_shows_its_own_figures_and_no_small_number_of_others(run: Run) -> None:
    """An LA sees its own unrounded figures; the region and England as published, except
    where the area less the LA (the others' part) would be a count the rule hides."""
    from cld.derive.run import DeriveError
    from cld.privacy.benchmark import OTHERS_SMALL, la_figures

    report = benchmark(run, load_rule())
    mine = {f.series: f for f in la_figures(run, report, "318")}
    derived = tidy(run, "TOY001_a").filter(~pl.col("setting").str.starts_with("excluded"))
    total = dict(derived.group_by("area_code").agg(pl.col("value").sum()).iter_rows())
    pub = rows(report.rows, "TOY001_a")
    big = mine["TOY001_a"]
    assert big.value == total["318"] and big.kind == "total"  # its own, not rounded
    assert (big.region, big.england) == (pub["0CV"]["value"], pub["E92000001"]["value"])
    assert (big.rank, big.quartile, big.ranked) == (pub["318"]["rank"],
                                                    pub["318"]["quartile"], 3)
    # TOY004: 3 people in each LA; region 0CV = 318 + 304 = 6, England = 9 (exempt)
    small = mine["TOY004"]
    assert small.value == 3 and small.rank is None  # its own count, hidden from the others
    assert small.region is None and small.region_status == OTHERS_SMALL  # 6 - 3 = 304's 3
    assert small.england is None and small.england_status == OTHERS_SMALL  # 9 - 3 = 6
    alone = {f.series: f for f in la_figures(run, report, "503")}["TOY004"]
    assert alone.region == "*" and alone.region_status.startswith("hidden")  # 0CL is 503
    assert alone.england is None  # 9 - 3 = 6: the two others' sum, small
    m = measures(run, "TOY002").filter((pl.col("level") == "la") & (pl.col("la_code") == "318"))
    for rec in m.to_dicts():
        f = mine[f"TOY002 / {rec['gender']}"]
        assert (f.numerator, f.value) == (rec["numerator"], rec["outcome"])
    with pytest.raises(DeriveError, match="no accepted data of 716"):
        la_figures(run, report, "716")
