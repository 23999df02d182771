"""Over every registered output (and the toy): explain lists a cell's rows whatever the
output's dimensions and labels are. Contributions are made from each output's own metadata
(its dimensions, its labels, its unit), so this runs no build and stays fast; the builds'
own tests check what they count."""

from __future__ import annotations

import itertools

import ibis
import pyarrow as pa
import pytest

from cld.derive.cells import cell_id, cells
from cld.derive.explain import explain, resolve_output
from cld.derive.fixtures import toy_registered
from cld.derive.registry import OUTPUTS, Output

KEY = b"meta-test key"


def contributions(o: Output, n: int = 24) -> tuple[pa.Table, list[str]]:
    """`n` units spread over the output's cells (labels cycled per dimension)."""
    domains = {d: list(labels) if labels else ["from data", "<b>data</b>"]
               for d, labels in o.dims.items()}
    rows, nhs = [], []
    for k in range(n):
        number = f"999{k:07d}"
        unit = f"N:{number}" if k % 3 else f"L:503:P{k}"
        if k % 3:
            nhs.append(number)
        rows.append({"la_code": "503", "unit": unit,
                     **{d: v[(k * (i + 1)) % len(v)] for i, (d, v) in enumerate(domains.items())},
                     "rule": f"meta>{k % 3}", "value": 2.5 if o.unit == "pounds" else 1})
    return pa.Table.from_pylist(rows), nhs


def test_every_registered_output_is_explained_by_its_rows() -> None:
    with toy_registered():
        assert "TOY001" in OUTPUTS
        for name, o in OUTPUTS.items():
            assert resolve_output(name) is o
            contrib, nhs = contributions(o)
            grid = cells(o, ibis.memtable(contrib), ["503"]).to_pyarrow().to_pylist()
            assert sum(c["value"] for c in grid) == pytest.approx(
                sum(contrib.column("value").to_pylist())), name  # every unit is in a cell
            shown = [c for c in grid if c["units"]][:6] + [c for c in grid if not c["units"]][:1]
            for c in shown:
                labels = {d: c[d] for d in o.dims}
                ex = explain(contrib, o, "503", labels=labels, pseudonymise_key=KEY)
                assert ex.total == pytest.approx(c["value"]) and len(ex.rows) == c["units"]
                assert ex.cell_id == cell_id(name, "503", list(labels.values()))
                text = ex.to_csv() + ex.to_html()
                assert not any(n in text for n in nhs), name
                assert "<b>" not in text and o.title.replace("'", "&#39;") in ex.to_html()
                if c["units"]:
                    by_id = explain(contrib, name, "503", cell_id=ex.cell_id)
                    assert by_id.labels == labels and by_id.total == ex.total
            seen = {tuple(c[d] for d in o.dims) for c in grid}
            assert len(seen) == len(grid) == len(list(itertools.product(
                *(o.dims[d] or {c[d] for c in grid} for d in o.dims)))), name
