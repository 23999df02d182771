"""A toy output and a derived folder written as the derive run writes one, for the tests of
explain, the methodology pages and the CLI (synthetic data only).

The toy counts people by `band` and `sequel`; one of its labels is an HTML `<script>` tag (to
test escaping) and `sequel` has an exclusion label. Units are person keys as the blocks make
them: `N:<NHS number>` or `L:<LA>:<person id>`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import ibis
import pyarrow as pa

from cld.derive.cells import cell_id, cells
from cld.derive.registry import NOT_PRODUCED, OUTPUTS, Inputs, Output, output

SCRIPT = "<script>alert('x')</script>"
NHS = ("9990000018", "9990000026", "9990000034")  # synthetic (the 999 test range)
TOY_ROWS: list[dict[str, Any]] = [
    # la_code, unit, band, sequel, rule, value
    {"la_code": "503", "unit": f"N:{NHS[0]}", "band": "18-64", "sequel": "Long term",
     "rule": "chain>service>Long term", "value": 1},
    {"la_code": "503", "unit": f"N:{NHS[1]}", "band": "18-64", "sequel": "Long term",
     "rule": "chain>service>Long term", "value": 1},
    {"la_code": "503", "unit": "L:503:P7", "band": "18-64", "sequel": "Long term",
     "rule": "chain>review>Long term", "value": 1},
    {"la_code": "503", "unit": f"N:{NHS[2]}", "band": "65+", "sequel": SCRIPT,
     "rule": "chain>service>" + SCRIPT, "value": 1},
    {"la_code": "503", "unit": "L:503:P9", "band": "65+", "sequel": "Unable to classify",
     "rule": "chain>no sequel", "value": 1},
    {"la_code": "507", "unit": f"N:{NHS[0]}", "band": "65+", "sequel": "Long term",
     "rule": "chain>service>Long term", "value": 1},
]
DIMS: dict[str, tuple[str, ...] | None] = {
    "band": ("18-64", "65+"), "sequel": ("Long term", SCRIPT, "Unable to classify")}


def toy_contributions() -> pa.Table:
    return pa.Table.from_pylist(TOY_ROWS, schema=pa.schema(
        [("la_code", pa.string()), ("unit", pa.string()), ("band", pa.string()),
         ("sequel", pa.string()), ("rule", pa.string()), ("value", pa.int64())]))


def _build(inputs: Inputs) -> ibis.Table:
    """Toy cohort: everyone in the toy rows. Steps: none (the rows are given)."""
    return ibis.memtable(toy_contributions())


TOY = Output(code="TOY001", title="Toy people by band and sequel", kind="salt", dims=DIMS,
             build=_build, source="no published table (a test fixture)",
             cannot=("carers (v4.2 has no client type)",), section="common",
             notes=("A note with a | pipe.",))


@contextmanager
def toy_registered() -> Iterator[Output]:
    """The toy output registered (and a not-produced entry), removed afterwards."""
    output(TOY)
    NOT_PRODUCED["TOY999"] = "a toy output that cannot be produced"
    try:
        yield TOY
    finally:
        OUTPUTS.pop(TOY.name, None)
        NOT_PRODUCED.pop("TOY999", None)


def write_folder(folder: Path, o: Output = TOY, contributions: pa.Table | None = None,
                 las: tuple[str, ...] = ("503", "507"), profile: str = "dhsc-2024",
                 version: str = "1") -> Path:
    """A derived folder as the derive run writes it: `<name>.parquet` (cells),
    `contributions/<name>.parquet`, `manifest.json`."""
    contrib = contributions if contributions is not None else toy_contributions()
    dims = list(o.dims)
    c = cells(o, ibis.memtable(contrib), list(las)).to_pyarrow().to_pylist()
    rows = []
    for r in sorted(c, key=lambda r: (r["la_code"], *(r[d] for d in dims))):
        rows.append({"output": o.code, "table": o.table, "level": "la",
                     "area_code": r["la_code"], "la_code": r["la_code"],
                     "period_start": "2024-04-01", "period_end": "2025-03-31",
                     "profile": profile, "profile_version": version,
                     **{d: r[d] for d in dims}, "value": r["value"],
                     "cell_id": cell_id(o.name, r["la_code"], [r[d] for d in dims])})
    import pyarrow.parquet as pq

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "contributions").mkdir(exist_ok=True)
    pq.write_table(pa.Table.from_pylist(rows), folder / f"{o.name}.parquet")
    ids = [cell_id(o.name, r["la_code"], [r[d] for d in dims]) for r in contrib.to_pylist()]
    pq.write_table(contrib.append_column("cell_id", pa.array(ids, pa.string())),
                   folder / "contributions" / f"{o.name}.parquet")
    (folder / "manifest.json").write_text(json.dumps(
        {"profile": profile, "outputs": [o.name]}), encoding="utf-8")
    return folder
