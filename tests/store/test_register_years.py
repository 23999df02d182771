"""The store follows the LA register of each year (new and abolished LAs)."""

from __future__ import annotations

import pytest

from cld.errors import UnknownLA
from cld.spec.register import register_for
from cld.store import Store, submit, tracker


def test_tracker_lists_the_years_las(store: Store) -> None:
    old = [r.la_code for r in tracker(store, "2020/21")]
    new = [r.la_code for r in tracker(store, "2023/24")]
    assert old == sorted(register_for("2020/21")) and "504" in old and "E06000063" not in old
    assert new == sorted(register_for("2023/24")) and "E06000063" in new and "102" not in new


def test_a_new_la_cannot_submit_for_a_year_before_it_existed(store: Store, tmp_path) -> None:
    f = tmp_path / "x.csv"
    f.write_text("LA Code\nE06000063\n", encoding="utf-8")
    with pytest.raises(UnknownLA, match="'E06000063' is not an LA code in the register for "
                       "2020/21"):
        submit(store, f, "E06000063", "2020/21")
