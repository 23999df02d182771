"""The methodology pages: one per output, from its metadata and the profiles it reads."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from cld.derive import docs
from cld.derive.fixtures import SCRIPT, toy_registered
from cld.derive.load import load_profile, profile_names
from cld.derive.profile import SECTIONS
from cld.derive.registry import OUTPUTS, Output

COMMITTED = Path(__file__).resolve().parents[3] / "docs" / "methodology"


@pytest.fixture
def toy() -> Iterator[Output]:
    with toy_registered() as o:
        yield o


def test_an_output_page_says_what_it_counts_and_reads(toy: Output) -> None:
    page = docs.pages()["TOY001.md"]
    assert page.startswith("# TOY001: Toy people by band and sequel\n")
    assert "The toy counts people by `band` and `sequel`" in page  # its module docstring
    assert "| Reproduces | no published table (a test fixture) |" in page
    assert f"`{SCRIPT.replace('<', '&lt;').replace('>', '&gt;')}`" in page  # escaped
    assert "- carers (v4.2 has no client type)" in page
    assert "A note with a \\| pipe." in page
    # the constants of its section, per shipped profile, those that differ marked
    assert "| constant | dhsc-2024 v1 | nhse-2023 v1 | differs |" in page
    assert "| `common.person_key` | dhsc_combined | nhse_hybrid | **yes** |" in page
    assert "| `common.days_per_year` | 365.25 | 365.25 |  |" in page


def test_the_index_lists_outputs_and_what_is_not_produced(toy: Output) -> None:
    index = docs.pages()["index.md"]
    assert "| [TOY001](TOY001.md) | SALT table | Toy people by band and sequel |" in index
    assert "| TOY999 | a toy output that cannot be produced |" in index


def test_write_removes_pages_no_longer_generated(toy: Output, tmp_path: Path) -> None:
    docs.write_pages(tmp_path)
    (tmp_path / "README.md").write_text("kept: not generated\n", encoding="utf-8")
    assert (tmp_path / "TOY001.md").is_file()
    toy_pages = set(docs.pages())
    from cld.derive.registry import OUTPUTS as registry

    registry.pop("TOY001")
    try:
        docs.write_pages(tmp_path)
    finally:
        registry["TOY001"] = toy
    assert not (tmp_path / "TOY001.md").exists() and (tmp_path / "README.md").is_file()
    assert {p.name for p in tmp_path.glob("*.md")} == toy_pages - {"TOY001.md"} | {
        "README.md"}


def test_every_registered_output_is_documented() -> None:
    # over whatever is registered (none yet is fine; each output that is must have all this)
    pages = docs.pages()
    profs = [load_profile(n) for n in profile_names()]
    for name, o in OUTPUTS.items():
        page = pages[f"{name}.md"]
        assert o.title in page and f"| Code | {o.code} |" in page
        assert docs.module_doc(o) != "(the output's module has no description)", name
        assert o.section == "" or o.section in SECTIONS, name
        for p in profs:
            assert o.section == "" or any(k.startswith(o.section + ".") for k in p.flat())
        for c in o.cannot:
            assert docs._md(c) in page
        assert f"[{name}]({name}.md)" in pages["index.md"]


def test_committed_pages_are_the_generated_ones(tmp_path: Path) -> None:
    # A fresh process (registers the outputs itself). After adding or changing an output or
    # a profile: `cld derive-docs --write docs/methodology`.
    subprocess.run([sys.executable, "-m", "cld.cli", "derive-docs", "--write", str(tmp_path)],
                   check=True, capture_output=True, timeout=300)
    made = {p.name: p.read_text(encoding="utf-8") for p in tmp_path.glob("*.md")}
    committed = {p.name: p.read_text(encoding="utf-8") for p in COMMITTED.glob("*.md")
                 if docs.MARKER in p.read_text(encoding="utf-8")}
    assert sorted(made) == sorted(committed), "run: cld derive-docs --write docs/methodology"
    for name in made:
        assert made[name] == committed[name], f"{name} is stale: run cld derive-docs --write " \
                                              "docs/methodology"
