"""The LA register across years: GSS codes, the dated changes and their checks."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from cld.spec import load_register
from cld.spec.register import RegisterError, all_las, load_changes, register_for


def _types(reg: dict) -> Counter[str]:  # type: ignore[type-arg]
    return Counter(la.gss_code[:3] for la in reg.values())


def test_every_v42_la_has_a_distinct_gss_code() -> None:
    reg = load_register()
    assert len({la.gss_code for la in reg.values()}) == 151
    assert reg["503"].gss_code == "E10000019"  # Lincolnshire
    assert reg["714"].gss_code == "E09000001"  # City of London
    assert reg["906"].gss_code == "E06000053"  # Isles of Scilly
    assert _types(reg) == {"E06": 57, "E08": 36, "E09": 33, "E10": 25}


def test_2020_21_is_the_v42_list() -> None:
    assert register_for("2020/21") == load_register()


def test_counts_by_year() -> None:
    assert len(register_for("2021/22")) == 152
    # ONS after April 2023: 63 unitaries, 36 metropolitan, 33 London, 21 counties = 153
    assert _types(register_for("2023/24")) == {"E06": 63, "E08": 36, "E09": 33, "E10": 21}


def test_new_la_only_from_its_year() -> None:
    assert "E06000063" in register_for("2023/24")  # Cumberland
    assert "E06000063" not in register_for("2020/21")
    assert "E06000063" not in register_for("2022/23")
    assert "E06000061" in register_for("2021/22")  # North Northamptonshire
    assert register_for(date(2024, 3, 31)) == register_for("2023/24")
    assert register_for(date(2023, 3, 31)) == register_for("2022/23")


def test_abolished_la_only_before() -> None:
    assert "504" in register_for("2020/21")  # Northamptonshire
    assert "504" not in register_for("2021/22")
    assert "102" in register_for("2022/23") and "102" not in register_for("2023/24")


def test_reorganised_la_keeps_its_code_with_a_new_gss_code() -> None:
    assert register_for("2022/23")["218"].gss_code == "E10000023"
    assert register_for("2023/24")["218"].gss_code == "E06000065"
    assert register_for("2023/24")["905"].gss_code == "E06000066"


def test_all_las_is_every_year() -> None:
    assert {"504", "102", "E06000061", "E06000064"} <= set(all_las())
    assert all_las()["218"].gss_code == "E06000065"


GOOD_ADD = ("{cassr_code: '', gss_code: E06000063, name: Cumberland, "
            "dscro_codes: [0CM], dscro_regions: [North of England]}")


def _bad(tmp_path: Path, body: str) -> str:
    f = tmp_path / "changes.yaml"
    f.write_text(body, encoding="utf-8")
    with pytest.raises(RegisterError) as exc:
        load_changes(f)
    return str(exc.value)


def _change(add: str = GOOD_ADD, extra: str = "") -> str:
    return (f"changes:\n  - effective: 2023-04-01\n    source: SI 2022/331\n"
            f"    add: [{add}]\n{extra}")


def test_a_good_change_file_loads(tmp_path: Path) -> None:
    f = tmp_path / "changes.yaml"
    f.write_text(_change(), encoding="utf-8")
    [(when, reg)] = load_changes(f)
    assert when == date(2023, 4, 1) and reg["E06000063"].region == "North of England"


def test_unknown_region_is_a_clear_error(tmp_path: Path) -> None:
    msg = _bad(tmp_path, _change(GOOD_ADD.replace("North of England", "Atlantis")))
    assert "change 1 (effective 2023-04-01), added LA 1 (Cumberland)" in msg
    assert "unknown DSCRO 0CM / region 'Atlantis'" in msg


def test_duplicate_code_is_a_clear_error(tmp_path: Path) -> None:
    msg = _bad(tmp_path, _change(GOOD_ADD.replace("cassr_code: ''", "cassr_code: '503'")))
    assert "duplicate code 503: already in the register" in msg
    msg = _bad(tmp_path, _change(GOOD_ADD.replace("E06000063", "E10000019")))
    assert "duplicate GSS code E10000019" in msg
    msg = _bad(tmp_path, _change(f"{GOOD_ADD}, {GOOD_ADD}"))
    assert "added LA 2 (Cumberland): duplicate code E06000063" in msg


@pytest.mark.parametrize("body, problem", [
    ("changes:\n  - effective: soon\n    source: x\n", "effective must be a date"),
    ("changes:\n  - effective: 2023-04-01\n", "the public source is missing"),
    ("changes:\n  - {effective: 2023-04-01, source: x, remove: ['999']}\n",
     "removes 999, which is not in the register"),
    ("changes:\n  - {effective: 2023-04-01, source: x, modify: [{cassr_code: '999'}]}\n",
     "modifies '999', which is not in the register"),
    ("changes:\n  - {effective: 2023-04-01, source: x}\n"
     "  - {effective: 2021-04-01, source: x}\n", "changes must be in date order"),
    ("changes:\n  - {effective: 2023-04-01, source: x, rename: []}\n", "unknown field(s) rename"),
    (_change(GOOD_ADD.replace("E06000063", "W06000001")), "is not E06/E07/E08/E09/E10"),
    (_change(GOOD_ADD.replace("cassr_code: ''", "cassr_code: '12'")), "CASSR code '12'"),
    ("changes: {}\n", "a list under `changes` is needed"),
    ("changes: [\n", "not valid YAML"),
])
def test_bad_change_files(tmp_path: Path, body: str, problem: str) -> None:
    assert problem in _bad(tmp_path, body)
