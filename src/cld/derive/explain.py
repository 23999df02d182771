"""Explain a figure: the contributions of one cell (the units it counts, by rule path).

A cell's value is the sum of its contributions (`cells.py`), so listing them is the whole
explanation: `explain()` returns the contributing rows of one cell (unit, dimension labels,
rule path, value) and their total, which equals the cell. Excluded or unclassifiable units are
contributions to their own cells (an exclusion label) and are explained the same way.

Units are person (or episode) keys, `N:<NHS number>` or `L:<LA>:<person id>`. Anyone but the
LA itself sees them as keyed pseudonyms (HMAC-SHA256 under a key, hex, truncated): stable for
one key, so the same person has the same pseudonym in every cell, and no NHS number is shown.
The LA's own view shows the keys as they are (its own person ids and NHS numbers).

`explain_folder()` does the same over a folder written by the derive run
(`<name>.parquet` cells, `contributions/<name>.parquet`, `manifest.json`), finding the cell by
its id or by labels in the cells file.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
import os
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from cld.derive.cells import cell_id as make_cell_id
from cld.derive.registry import OUTPUTS, Output
from cld.errors import CldError

KEY_FILE = ".explain-key"  # in a derived folder: the folder's pseudonym key (hex, mode 0600)
KEY_ENV = "CLD_EXPLAIN_KEY"  # a key given in the environment wins over the folder's
PSEUDONYM_CHARS = 16  # hex characters kept of the HMAC (64 bits)
HTML_ROWS_PER_RULE = 2000  # the HTML page lists at most this many rows per rule path


class ExplainError(CldError):
    """A cell that cannot be explained: unknown output, no such cell, not a derived folder."""


@dataclass(frozen=True)
class RulePath:
    rule: str
    rows: int
    value: float | int


@dataclass(frozen=True)
class Explanation:
    output: Output
    la_code: str
    labels: dict[str, str]
    cell_id: str
    rows: list[dict[str, Any]]  # unit, <dims>, rule, value (sorted by rule, unit)
    pseudonymised: bool
    profile: str = ""  # the method profile the figures were derived with ("dhsc-2024 v1")
    cell_value: float | int | None = None  # the cell's value as published, when known
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def columns(self) -> list[str]:
        return ["unit", *self.output.dims, "rule", "value"]

    @property
    def total(self) -> float | int:
        return _num(sum(r["value"] for r in self.rows if r["value"] is not None))

    def by_rule(self) -> list[RulePath]:
        """Rows and their sum per rule path, in rule order."""
        acc: dict[str, list[Any]] = {}
        for r in self.rows:
            a = acc.setdefault(r["rule"], [0, 0])
            a[0] += 1
            a[1] += r["value"] or 0
        return [RulePath(k, v[0], _num(v[1])) for k, v in sorted(acc.items())]

    def to_csv(self) -> str:
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(self.columns)
        for r in self.rows:
            w.writerow([_cell_text(r[c]) for c in self.columns])
        return buf.getvalue()

    def to_html(self) -> str:
        return _render_html(self)


def _num(x: float | int) -> float | int:
    return int(x) if isinstance(x, float) and x.is_integer() else x


def _cell_text(v: Any) -> str:
    """A CSV value a spreadsheet shows as text (a leading =, +, -, @ is never a formula)."""
    s = "" if v is None else str(v)
    return "'" + s if s[:1] in ("=", "+", "-", "@", "\t", "\r") and not _is_number(s) else s


def _is_number(s: str) -> bool:
    try:
        float(s)
    except ValueError:
        return False
    return True


def pseudonym(unit: str, key: bytes) -> str:
    """The keyed pseudonym of a unit key: "U-" + HMAC-SHA256(key, unit), hex, truncated."""
    digest = hmac.new(key, unit.encode("utf-8"), hashlib.sha256).hexdigest()
    return "U-" + digest[:PSEUDONYM_CHARS]


def resolve_output(output: Output | str) -> Output:
    """An output by name (`LTS001_1a`) or by code when the code has one table."""
    if isinstance(output, Output):
        return output
    import cld.derive.outputs  # noqa: F401  (registers the outputs)

    if output in OUTPUTS:
        return OUTPUTS[output]
    by_code = [o for o in OUTPUTS.values() if o.code.casefold() == output.casefold()]
    if len(by_code) == 1:
        return by_code[0]
    if by_code:
        raise ExplainError(f"output {output} has {len(by_code)} tables: "
                           f"{', '.join(o.name for o in by_code)}; name one")
    raise ExplainError(f"unknown output {output!r} (outputs: "
                       f"{', '.join(sorted(OUTPUTS)) or 'none registered'})")


def _table(t: ir.Table | pa.Table) -> ir.Table:
    return ibis.memtable(t) if isinstance(t, pa.Table) else t


def _check_labels(o: Output, labels: Mapping[str, str]) -> dict[str, str]:
    unknown = [d for d in labels if d not in o.dims]
    missing = [d for d in o.dims if d not in labels]
    if unknown or missing:
        problems = ([f"unknown: {', '.join(unknown)}"] if unknown else []) + (
            [f"missing: {', '.join(missing)}"] if missing else [])
        raise ExplainError(f"{o.name}: a cell is named by every dimension "
                           f"({', '.join(o.dims)}); {'; '.join(problems)}")
    for d, v in labels.items():
        allowed = o.dims[d]
        if allowed is not None and v not in allowed:
            raise ExplainError(f"{o.name}: {d} has no label {v!r} (labels: "
                               f"{'; '.join(allowed)})")
    return {d: labels[d] for d in o.dims}


def explain(contributions: ir.Table | pa.Table, output: Output | str, la_code: str, *,
            cell_id: str | None = None, labels: Mapping[str, str] | None = None,
            pseudonymise_key: bytes | None = None, profile: str = "",
            cell_value: float | int | None = None) -> Explanation:
    """The contributing rows of one cell of `output` for `la_code`, named by `cell_id` or by
    `labels` (every dimension). With `pseudonymise_key`, units are keyed pseudonyms (anyone
    but the LA itself); without, they are shown as they are (the LA's own view)."""
    o = resolve_output(output)
    if (cell_id is None) == (labels is None):
        raise ExplainError("name the cell by its id or by its labels (one of them)")
    t = _table(contributions)
    missing = [c for c in ("la_code", "unit", *o.dims, "rule", "value") if c not in t.columns]
    if missing:
        raise ExplainError(f"{o.name}: the contributions lack column(s) {', '.join(missing)}")
    t = t.filter(t.la_code == la_code)
    dims = list(o.dims)
    if labels is not None:
        lab = _check_labels(o, labels)
        for d, v in lab.items():
            t = t.filter(t[d] == v)
        cid = make_cell_id(o.name, la_code, list(lab.values()))
    else:
        assert cell_id is not None
        prefix = f"{o.name}-{la_code}-"
        if not cell_id.startswith(prefix):
            raise ExplainError(f"cell {cell_id} is not a cell of {o.name} for LA {la_code} "
                               f"(its ids start {prefix})")
        if "cell_id" in t.columns:
            t = t.filter(t.cell_id == cell_id)
            seen = t.select(*dims).distinct().limit(2).to_pyarrow().to_pylist()
        else:
            combos = t.select(*dims).distinct().to_pyarrow().to_pylist()
            seen = [c for c in combos
                    if make_cell_id(o.name, la_code, [c[d] for d in dims]) == cell_id]
            for d, v in (seen[0].items() if seen else ()):
                t = t.filter(t[d] == v)
        if not seen:
            raise ExplainError(f"no contributions to cell {cell_id} of {o.name} for LA "
                               f"{la_code}: name it by its labels (a cell with none is 0)")
        lab = {d: seen[0][d] for d in dims}
        cid = cell_id
    got = t.select("unit", *dims, "rule", "value").to_pyarrow().to_pylist()
    got.sort(key=lambda r: (r["rule"] or "", r["unit"] or ""))
    if pseudonymise_key is not None:
        for r in got:
            r["unit"] = pseudonym(str(r["unit"]), pseudonymise_key)
        got.sort(key=lambda r: (r["rule"] or "", r["unit"]))
    return Explanation(o, la_code, lab, cid, got, pseudonymise_key is not None, profile,
                       cell_value)


# ---------------------------------------------------------------- a derived folder


def folder_key(folder: Path) -> bytes:
    """The pseudonym key for a derived folder: CLD_EXPLAIN_KEY when set (so pseudonyms agree
    across folders), else a random key kept in the folder's `.explain-key` (created on first
    use, readable by its owner only)."""
    env = os.environ.get(KEY_ENV, "")
    if env:
        return env.encode("utf-8")
    path = folder / KEY_FILE
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        try:
            text = path.read_text(encoding="ascii").strip()
            return bytes.fromhex(text)
        except (OSError, UnicodeDecodeError, ValueError):
            raise ExplainError(f"{path}: cannot read the pseudonym key (delete it to make a "
                               f"new one)") from None
    except OSError as exc:
        raise ExplainError(f"{path}: cannot create the pseudonym key ({exc.strerror})"
                           ) from None
    key = secrets.token_bytes(32)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(key.hex() + "\n")
    return key


def _manifest(folder: Path) -> dict[str, Any]:
    path = folder / "manifest.json"
    if not folder.is_dir():
        raise ExplainError(f"{folder}: no such folder")
    if not path.is_file():
        raise ExplainError(f"{folder}: not a derived folder (it has no manifest.json)")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ExplainError(f"{path}: cannot read the manifest ({exc.__class__.__name__})"
                           ) from None
    return data if isinstance(data, dict) else {}


def folder_outputs(folder: Path) -> list[str]:
    """Names of the outputs a derived folder holds (cells and contributions both there)."""
    return sorted(p.stem for p in folder.glob("*.parquet")
                  if (folder / "contributions" / p.name).is_file())


def _read(path: Path, filters: list[tuple[str, str, Any]],
          columns: list[str] | None = None) -> pa.Table:
    import pyarrow.parquet as pq

    try:
        return pq.read_table(path, columns=columns, filters=filters or None)
    except (OSError, pa.ArrowException) as exc:
        raise ExplainError(f"{path}: cannot read ({str(exc).splitlines()[0]})") from None


def _available(o: Output, cells: list[dict[str, Any]]) -> str:
    parts = []
    for d in o.dims:
        present = {str(c.get(d)) for c in cells if c.get(d) is not None}
        fixed = o.dims[d]
        seen = ([x for x in fixed if x in present] if fixed is not None else sorted(present))
        parts.append(f"{d}: {'; '.join(seen) or '(none)'}")
    return " | ".join(parts)


def explain_folder(folder: Path, output: str, la_code: str, *, cell_id: str | None = None,
                   where: Mapping[str, str] | None = None, as_la: bool = False
                   ) -> Explanation:
    """Explain a cell of a derived folder, named by its id or by `where` labels (enough of
    the dimensions to name one cell). Units are pseudonymised with the folder's key unless
    `as_la` (the LA's own view). The rows' total is checked against the cell's value."""
    _manifest(folder)
    o = resolve_output(output)
    present = folder_outputs(folder)
    if o.name not in present:
        raise ExplainError(f"{folder} holds no output {o.name} (it holds: "
                           f"{', '.join(present) or 'none'})")
    if (cell_id is None) == (not where):
        raise ExplainError("name the cell by its id or by its labels (one of them)")
    cells_t = _read(folder / f"{o.name}.parquet", [("la_code", "=", la_code)])
    needed = [c for c in ("cell_id", "value", *o.dims) if c not in cells_t.column_names]
    if needed:
        raise ExplainError(f"{folder / (o.name + '.parquet')}: lacks column(s) "
                           f"{', '.join(needed)}")
    cells = cells_t.to_pylist()
    if not cells:
        las = (_read(folder / f"{o.name}.parquet", [], ["la_code"]).column("la_code")
               .unique().to_pylist())
        raise ExplainError(f"{o.name} has no cells for LA {la_code} (LAs: "
                           f"{', '.join(sorted(str(x) for x in las if x)) or 'none'})")
    if cell_id is not None:
        match = [c for c in cells if c["cell_id"] == cell_id]
        if not match:
            raise ExplainError(f"no cell {cell_id} in {o.name} for LA {la_code}; cells are "
                               f"named by {', '.join(o.dims)} ({_available(o, cells)})")
    else:
        assert where is not None
        unknown = [d for d in where if d not in o.dims]
        if unknown:
            raise ExplainError(f"{o.name} has no dimension {', '.join(unknown)}; its "
                               f"dimensions and labels: {_available(o, cells)}")
        match = [c for c in cells if all(str(c.get(d)) == v for d, v in where.items())]
        if not match:
            raise ExplainError(f"no cell of {o.name} for LA {la_code} has "
                               f"{', '.join(f'{d}={v}' for d, v in where.items())}; "
                               f"dimensions and labels: {_available(o, cells)}")
        if len({c['cell_id'] for c in match}) > 1:
            rest = [d for d in o.dims if d not in where]
            raise ExplainError(f"{len(match)} cells of {o.name} match; name "
                               f"{', '.join(rest)} too ({_available(o, match)})")
    cell = match[0]
    labels = {d: cell[d] for d in o.dims}
    contrib = _read(folder / "contributions" / f"{o.name}.parquet",
                    [("la_code", "=", la_code)])
    profile = " v".join(str(cell[k]) for k in ("profile", "profile_version")
                        if cell.get(k) is not None)
    key = None if as_la else folder_key(folder)
    ex = explain(contrib, o, la_code, labels=labels, pseudonymise_key=key, profile=profile,
                 cell_value=_num(cell["value"]))
    value = cell["value"] or 0
    if ex.cell_id != cell["cell_id"] or abs(ex.total - value) > 1e-6 * max(1, abs(value)):
        raise ExplainError(f"{folder}: the contributions of cell {cell['cell_id']} add up to "
                           f"{ex.total}, not its value {cell['value']} (the folder was "
                           f"changed after it was derived; derive it again)")
    return ex


def parse_where(items: Sequence[str]) -> dict[str, str]:
    """`dim=value` strings as a mapping (the value may contain '=')."""
    out: dict[str, str] = {}
    for item in items:
        dim, sep, value = item.partition("=")
        if not sep or not dim.strip():
            raise ExplainError(f"{item!r}: write a label as dimension=value")
        out[dim.strip()] = value.strip()
    return out


# ---------------------------------------------------------------- HTML

TEMPLATE = Path(__file__).with_name("explain.html.j2")  # self-contained, no scripts


def _render_html(ex: Explanation) -> str:
    import jinja2

    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True)
    groups: dict[str, list[dict[str, Any]]] = {}
    for r in ex.rows:
        g = groups.setdefault(r["rule"], [])
        if len(g) < HTML_ROWS_PER_RULE:
            g.append(r)
    return env.from_string(TEMPLATE.read_text(encoding="utf-8")).render(
        ex=ex, o=ex.output, total=ex.total, rules=ex.by_rule(), groups=groups,
        columns=ex.columns)
