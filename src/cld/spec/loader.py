"""Load a specification version: v4.2 is a full file, later releases are deltas on it."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from cld.errors import SpecError
from cld.spec.models import DefinedList, ListValue, Spec

DEFAULT_VERSION = "v4.2"


def _data_dir() -> Path:
    return Path(str(resources.files("cld.spec") / "data"))


def available_versions() -> list[str]:
    return sorted(p.stem for p in _data_dir().glob("v*.yaml"))


def _apply_delta(base: dict[str, Any], delta: dict[str, Any]) -> dict[str, Any]:
    """Apply a release delta: add/modify/remove items, add/remove list values, outcome rules."""
    spec = {k: v for k, v in base.items()}
    items = [dict(i) for i in base["items"]]
    ch = delta.get("changes", {})
    for item_id in ch.get("remove_items", []):
        if not any(i["id"] == item_id for i in items):
            raise ValueError(f"delta removes unknown item {item_id}")
        items = [i for i in items if i["id"] != item_id]
    for item_id, fields in ch.get("modify_items", {}).items():
        match = [i for i in items if i["id"] == item_id]
        if not match:
            raise ValueError(f"delta modifies unknown item {item_id}")
        match[0].update(fields)
    for new in ch.get("add_items", []):
        after = new.pop("after", None)
        pos = len(items)
        if after is not None:
            pos = next(n for n, i in enumerate(items) if i["id"] == after) + 1
        items.insert(pos, new)
    lists = {k: {"name": v["name"], "values": [dict(x) for x in v["values"]]}
             for k, v in base["lists"].items()}
    for name, body in ch.get("add_lists", {}).items():
        lists[name] = body
    for name, vals in ch.get("remove_values", {}).items():
        keep = [v for v in lists[name]["values"] if v["value"] not in vals]
        if len(keep) != len(lists[name]["values"]) - len(vals):
            raise ValueError(f"delta removes a value not in list {name}")
        lists[name]["values"] = keep
    for name, vals in ch.get("add_values", {}).items():
        lists[name]["values"].extend(vals)
    for name, renames in ch.get("rename_values", {}).items():
        for v in lists[name]["values"]:
            if v["value"] in renames:
                old = v["value"]
                v["value"] = renames[old]
                v["variants"] = [*v.get("variants", []), old]
    groups = {k: dict(v, members=list(v["members"])) for k, v in base.get("groups", {}).items()}
    groups.update(ch.get("groups", {}))
    components = {k: list(v) for k, v in base.get("service_components", {}).items()}
    components.update(ch.get("service_components", {}))
    _rename_members(ch.get("rename_values", {}), groups, components)
    outcomes = [dict(o) for o in base["outcomes"]]
    if "outcomes" in ch:
        outcomes = ch["outcomes"]
    spec.update(version=delta["version"], title=delta.get("title", base["title"]),
                source=delta.get("source", base["source"]), items=items, lists=lists,
                outcomes=outcomes, groups=groups, service_components=components)
    return spec


def _rename_members(renames: dict[str, dict[str, str]], groups: dict[str, Any],
                    components: dict[str, list[str]]) -> None:
    """Carry renamed list values into the groupings that name them."""
    for list_id, names in renames.items():
        for g in groups.values():
            if g["of"] == list_id:
                g["members"] = [names.get(m, m) for m in g["members"]]
        if list_id == "service_type":
            for old, new in names.items():
                if old in components:
                    components[new] = components.pop(old)
        if list_id == "service_component":
            for k, v in components.items():
                components[k] = [names.get(m, m) for m in v]


def _raw(version: str, directory: Path) -> dict[str, Any]:
    path = directory / f"{version}.yaml"
    if not path.exists():
        raise SpecError(f"unknown specification version {version!r}")
    doc: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    if "base" in doc:
        return _apply_delta(_raw(doc["base"], directory), doc)
    return doc


def load_spec_from(version: str, directory: Path) -> Spec:
    return Spec.model_validate(_raw(version, directory))


@cache
def load_spec(version: str = DEFAULT_VERSION) -> Spec:
    return load_spec_from(version, _data_dir())


@dataclass(frozen=True)
class LocalAuthority:
    code: str
    name: str
    other_names: tuple[str, ...]
    dscro_codes: tuple[str, ...]
    dscro_regions: tuple[str, ...]
    gss_code: str = ""  # the ONS 9-character code (E06/E08/E09/E10...)

    @property
    def region(self) -> str:
        return " & ".join(self.dscro_regions)


@cache
def load_register() -> dict[str, LocalAuthority]:
    """The v4.2 register of LAs (CASSR and GSS code, name, DSCRO), in force for 2020/21; later
    years: `cld.spec.register.register_for`."""
    out: dict[str, LocalAuthority] = {}
    with open(_data_dir() / "la_register.csv", encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            out[row["la_code"]] = LocalAuthority(
                code=row["la_code"],
                name=row["la_name"],
                other_names=tuple(n for n in [row["contact_list_name"]] if n),
                dscro_codes=tuple(row["dscro_codes"].split(";")),
                dscro_regions=tuple(row["dscro_regions"].split(";")),
                gss_code=row["gss_code"],
            )
    return out


__all__ = ["DefinedList", "ListValue", "load_spec", "load_register", "available_versions"]
