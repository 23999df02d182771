"""The LA register by financial year: the v4.2 list (2020/21) plus the dated changes since."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from cld.spec.loader import LocalAuthority, _data_dir, load_register

CHANGES_FILE = "la_register_changes.yaml"
_GSS = re.compile(r"E(06|07|08|09|10)\d{6}")
_CASSR = re.compile(r"\d{3}|[0-9A-Z]{5}")
_ADD_KEYS = {"cassr_code", "gss_code", "name", "dscro_codes", "dscro_regions"}
_MODIFY_KEYS = {"cassr_code", "gss_code", "name"}


class RegisterError(ValueError):
    """The register's change file is not valid (names the change and the entry)."""


Register = dict[str, LocalAuthority]
Change = tuple[date, Register]  # effective date, the register from that date


def _year_start(year: str | date) -> date:
    if isinstance(year, date):
        return date(year.year if year.month >= 4 else year.year - 1, 4, 1)
    from cld.dates import parse_year

    return parse_year(year).start


def _check(cond: bool, where: str, problem: str) -> None:
    if not cond:
        raise RegisterError(f"{where}: {problem}")


def _added(entry: Any, where: str, reg: Register, dscro: set[tuple[str, str]]) -> LocalAuthority:
    _check(isinstance(entry, dict), where, "an added LA must be a mapping")
    extra = set(entry) - _ADD_KEYS
    _check(not extra, where, f"unknown field(s) {', '.join(sorted(extra))}")
    cassr, gss = str(entry.get("cassr_code") or ""), str(entry.get("gss_code") or "")
    name = str(entry.get("name") or "")
    where = f"{where} ({name or gss or cassr})"
    _check(bool(name), where, "the name is missing")
    _check(bool(_GSS.fullmatch(gss)), where, f"GSS code {gss!r} is not E06/E07/E08/E09/E10 "
           "and 6 digits")
    _check(not cassr or bool(_CASSR.fullmatch(cassr)), where,
           f"CASSR code {cassr!r} is not 3 digits or 5 letters/digits")
    code = cassr or gss
    _check(code not in reg, where, f"duplicate code {code}: already in the register")
    _check(all(la.gss_code != gss for la in reg.values()), where,
           f"duplicate GSS code {gss}: already in the register")
    codes, regions = list(entry.get("dscro_codes") or []), list(entry.get("dscro_regions") or [])
    _check(bool(codes) and len(codes) == len(regions), where,
           "dscro_codes and dscro_regions must be non-empty lists of the same length")
    for pair in zip(codes, regions, strict=True):
        _check(pair in dscro, where, f"unknown DSCRO {pair[0]} / region {pair[1]!r}")
    return LocalAuthority(code=code, name=name, other_names=(), dscro_codes=tuple(codes),
                          dscro_regions=tuple(regions), gss_code=gss)


def _apply(change: Any, n: int, reg: Register, dscro: set[tuple[str, str]],
           after: date | None) -> Change:
    where = f"{CHANGES_FILE}, change {n}"
    _check(isinstance(change, dict), where, "must be a mapping")
    when = change.get("effective")
    _check(isinstance(when, date), where, "effective must be a date (yyyy-mm-dd)")
    where = f"{where} (effective {when})"
    _check(after is None or when > after, where, "changes must be in date order")
    _check(bool(str(change.get("source") or "").strip()), where, "the public source is missing")
    extra = set(change) - {"effective", "source", "add", "remove", "modify"}
    _check(not extra, where, f"unknown field(s) {', '.join(sorted(extra))}")
    reg = dict(reg)
    for code in change.get("remove") or []:
        _check(str(code) in reg, where, f"removes {code}, which is not in the register")
        del reg[str(code)]
    for entry in change.get("modify") or []:
        _check(isinstance(entry, dict) and not set(entry) - _MODIFY_KEYS, where,
               f"modify entries take {', '.join(sorted(_MODIFY_KEYS))}")
        code = str(entry.get("cassr_code") or "")
        _check(code in reg, where, f"modifies {code!r}, which is not in the register")
        gss = str(entry.get("gss_code") or reg[code].gss_code)
        _check(bool(_GSS.fullmatch(gss)), where, f"GSS code {gss!r} is not valid")
        reg[code] = replace(reg[code], gss_code=gss, name=str(entry.get("name") or reg[code].name))
    for k, entry in enumerate(change.get("add") or [], start=1):
        la = _added(entry, f"{where}, added LA {k}", reg, dscro)
        reg[la.code] = la
    return when, reg


def load_changes(path: Path) -> list[Change]:
    """The registers in force from each change's date; raises RegisterError on a bad file."""
    base = load_register()
    dscro = {p for la in base.values() for p in zip(la.dscro_codes, la.dscro_regions,
                                                       strict=True)}
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise RegisterError(f"{CHANGES_FILE}: not valid YAML ({exc})") from None
    changes = doc.get("changes") if isinstance(doc, dict) else None
    _check(isinstance(changes, list), CHANGES_FILE, "a list under `changes` is needed")
    out: list[Change] = []
    reg, after = base, None
    for n, change in enumerate(changes or [], start=1):
        after, reg = _apply(change, n, reg, dscro, after)
        out.append((after, reg))
    return out


@cache
def _changes() -> list[Change]:
    return load_changes(_data_dir() / CHANGES_FILE)


def register_for(year: str | date) -> Register:
    """The LAs in force in a financial year ('2023/24', or any day in it)."""
    start = _year_start(year)
    reg = load_register()
    for when, after in _changes():
        if when <= start:
            reg = after
    return reg


@cache
def all_las() -> Register:
    """Every LA in force in any year (the latest details of each code)."""
    out = dict(load_register())
    for _, reg in _changes():
        out.update(reg)
    return out


__all__ = ["RegisterError", "all_las", "load_changes", "register_for"]
