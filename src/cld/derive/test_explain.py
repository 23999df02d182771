"""explain(): the contributions of one cell add up to it; units pseudonymised for others."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import ibis
import pyarrow.parquet as pq
import pytest

from cld.derive.cells import cell_id
from cld.derive.explain import (
    ExplainError,
    explain,
    explain_folder,
    folder_key,
    parse_where,
    pseudonym,
)
from cld.derive.fixtures import NHS, SCRIPT, toy_contributions, toy_registered, write_folder
from cld.derive.registry import OUTPUTS, Output

KEY = b"k" * 32


@pytest.fixture
def toy() -> Iterator[Output]:
    with toy_registered() as o:
        yield o
    assert o.name not in OUTPUTS


@pytest.fixture
def folder(tmp_path: Path, toy: Output) -> Path:
    return write_folder(tmp_path / "derived")


def test_every_cell_is_the_count_of_its_rows(folder: Path, toy: Output) -> None:
    cells = pq.read_table(folder / "TOY001.parquet").to_pylist()
    assert len(cells) == 2 * 2 * 3  # LAs x bands x sequels, zero-filled
    contrib = pq.read_table(folder / "contributions" / "TOY001.parquet")
    for c in cells:
        labels = {"band": c["band"], "sequel": c["sequel"]}
        ex = explain(contrib, toy, c["la_code"], labels=labels, pseudonymise_key=KEY)
        assert ex.total == c["value"] == len(ex.rows)
        assert ex.cell_id == c["cell_id"]
    # hand-counted: 503, 18-64, Long term has three people by two rule paths
    ex = explain(contrib, toy, "503", labels={"band": "18-64", "sequel": "Long term"})
    assert ex.total == 3
    assert [(r.rule, r.rows, r.value) for r in ex.by_rule()] == [
        ("chain>review>Long term", 1, 1), ("chain>service>Long term", 2, 2)]


def test_unclassifiable_units_are_their_own_cell(toy: Output) -> None:
    ex = explain(toy_contributions(), toy, "503",
                 labels={"band": "65+", "sequel": "Unable to classify"})
    assert [(r["unit"], r["rule"]) for r in ex.rows] == [("L:503:P9", "chain>no sequel")]


def test_a_cell_with_no_rows_is_zero(toy: Output) -> None:
    ex = explain(toy_contributions(), toy, "507", labels={"band": "18-64", "sequel": SCRIPT})
    assert ex.rows == [] and ex.total == 0


def test_by_cell_id_with_or_without_the_id_column(toy: Output) -> None:
    cid = cell_id("TOY001", "503", ["18-64", "Long term"])
    plain = toy_contributions()
    with_ids = plain.append_column(
        "cell_id", [[cell_id("TOY001", r["la_code"], [r["band"], r["sequel"]])
                     for r in plain.to_pylist()]])
    for t in (plain, ibis.memtable(plain), with_ids):
        ex = explain(t, "TOY001", "503", cell_id=cid)
        assert ex.labels == {"band": "18-64", "sequel": "Long term"} and ex.total == 3
    with pytest.raises(ExplainError, match="is not a cell of TOY001 for LA 507"):
        explain(plain, "TOY001", "507", cell_id=cid)


def test_pseudonymised_units_never_show_an_nhs_number(toy: Output) -> None:
    t = toy_contributions()
    seen: dict[str, set[str]] = {}
    for band in ("18-64", "65+"):
        for sequel in ("Long term", SCRIPT, "Unable to classify"):
            for la in ("503", "507"):
                ex = explain(t, toy, la, labels={"band": band, "sequel": sequel},
                             pseudonymise_key=KEY)
                assert ex.pseudonymised
                text = ex.to_csv() + ex.to_html()
                assert not any(n in text for n in NHS)
                assert "P7" not in text and "P9" not in text
                for r in ex.rows:
                    assert r["unit"].startswith("U-") and len(r["unit"]) == 18
                    seen.setdefault(r["unit"], set()).add(la)
    # the same person (NHS[0] in 503 and 507) has the same pseudonym in both cells
    assert pseudonym(f"N:{NHS[0]}", KEY) in seen and seen[pseudonym(f"N:{NHS[0]}", KEY)] == {
        "503", "507"}
    assert pseudonym(f"N:{NHS[0]}", KEY) != pseudonym(f"N:{NHS[0]}", b"other key")


def test_the_las_own_view_shows_its_ids(toy: Output) -> None:
    ex = explain(toy_contributions(), toy, "503",
                 labels={"band": "18-64", "sequel": "Long term"})
    assert not ex.pseudonymised
    assert sorted(r["unit"] for r in ex.rows) == ["L:503:P7", f"N:{NHS[0]}", f"N:{NHS[1]}"]
    assert "L:503:P7" in ex.to_csv()


def test_html_escapes_labels_and_groups_by_rule_path(toy: Output) -> None:
    ex = explain(toy_contributions(), toy, "503", labels={"band": "65+", "sequel": SCRIPT},
                 pseudonymise_key=KEY, profile="dhsc-2024 v1")
    html = ex.to_html()
    assert "<script" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert "Toy people by band and sequel" in html and "dhsc-2024 v1" in html
    assert "chain&gt;service&gt;&lt;script&gt;" in html  # the rule path heading
    assert "default-src 'none'" in html  # no script or fetch even if one slipped in


def test_csv_columns_and_formula_guard(toy: Output) -> None:
    t = toy_contributions().to_pylist()
    t[0]["rule"] = "=HYPERLINK(1)"
    import pyarrow as pa

    ex = explain(pa.Table.from_pylist(t, schema=toy_contributions().schema), toy, "503",
                 labels={"band": "18-64", "sequel": "Long term"})
    lines = ex.to_csv().splitlines()
    assert lines[0] == "unit,band,sequel,rule,value"
    assert f"N:{NHS[0]},18-64,Long term,'=HYPERLINK(1),1" in lines


def test_labels_must_name_every_dimension_with_known_labels(toy: Output) -> None:
    t = toy_contributions()
    with pytest.raises(ExplainError, match="missing: sequel"):
        explain(t, toy, "503", labels={"band": "65+"})
    with pytest.raises(ExplainError, match="sequel has no label 'Short term'.*Long term"):
        explain(t, toy, "503", labels={"band": "65+", "sequel": "Short term"})
    with pytest.raises(ExplainError, match="unknown output 'NOPE'"):
        explain(t, "NOPE", "503", labels={})


def test_folder_by_where_and_by_cell(folder: Path) -> None:
    ex = explain_folder(folder, "TOY001", "503", where={"band": "18-64", "sequel": "Long term"})
    assert ex.total == ex.cell_value == 3 and ex.profile == "dhsc-2024 v1" and ex.pseudonymised
    again = explain_folder(folder, "toy001", "503", cell_id=ex.cell_id)
    assert again.rows == ex.rows  # same folder key, same pseudonyms
    own = explain_folder(folder, "TOY001", "503", cell_id=ex.cell_id, as_la=True)
    assert "L:503:P7" in [r["unit"] for r in own.rows]


def test_folder_errors_name_what_is_there(folder: Path, tmp_path: Path) -> None:
    with pytest.raises(ExplainError, match="3 cells of TOY001 match; name sequel too "
                                           ".band: 18-64 . sequel: Long term; <script>"):
        explain_folder(folder, "TOY001", "503", where={"band": "18-64"})
    with pytest.raises(ExplainError, match=r"band: 18-64; 65\+ \| sequel: "):
        explain_folder(folder, "TOY001", "503", where={"band": "90+"})
    with pytest.raises(ExplainError, match="no dimension age"):
        explain_folder(folder, "TOY001", "503", where={"age": "90+"})
    with pytest.raises(ExplainError, match="no cell TOY001-503-00000000"):
        explain_folder(folder, "TOY001", "503", cell_id="TOY001-503-00000000")
    with pytest.raises(ExplainError, match="no cells for LA 999 .LAs: 503, 507"):
        explain_folder(folder, "TOY001", "999", where={"band": "65+"})
    (tmp_path / "empty").mkdir()
    with pytest.raises(ExplainError, match="not a derived folder"):
        explain_folder(tmp_path / "empty", "TOY001", "503", where={"band": "65+"})


def test_folder_changed_after_derive_is_refused(folder: Path) -> None:
    path = folder / "TOY001.parquet"
    t = pq.read_table(path).to_pylist()
    for r in t:
        r["value"] = r["value"] + 1 if r["la_code"] == "503" else r["value"]
    import pyarrow as pa

    pq.write_table(pa.Table.from_pylist(t), path)
    with pytest.raises(ExplainError, match="add up to 3, not its value 4"):
        explain_folder(folder, "TOY001", "503", where={"band": "18-64", "sequel": "Long term"})


def test_folder_key_is_private_and_stable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                          ) -> None:
    monkeypatch.delenv("CLD_EXPLAIN_KEY", raising=False)
    k1 = folder_key(tmp_path)
    mode = stat.S_IMODE(os.stat(tmp_path / ".explain-key").st_mode)
    assert mode == 0o600 and len(k1) == 32 and folder_key(tmp_path) == k1
    monkeypatch.setenv("CLD_EXPLAIN_KEY", "shared secret")
    assert folder_key(tmp_path) == b"shared secret"


def test_parse_where() -> None:
    assert parse_where(["band=65+", " sequel = a=b "]) == {"band": "65+", "sequel": "a=b"}
    with pytest.raises(ExplainError, match="dimension=value"):
        parse_where(["band"])
