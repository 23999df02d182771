from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from cld.privacy.commissioners import LookupError_, load_lookup
from cld.synth import generate


def test_shipped_lookup_is_marked_synthetic_and_covers_synth_codes() -> None:
    lk = load_lookup()
    assert lk.synthetic and "synthetic" in lk.source.lower()
    rows = generate("503", date(2020, 4, 1), date(2021, 3, 31), people=300, seed=3).rows
    codes = {c for c in rows["GP Practice Code"].to_list() if c}
    assert len(codes) >= 8
    for code in codes:  # every synthetic practice has exactly one commissioner
        assert sum(code.startswith(p) for p in lk.practices) == 1


def test_overlapping_prefixes_and_unknown_commissioners_refused(tmp_path: Path) -> None:
    base = ("version: 1\nsynthetic: true\nsource: test\ncommissioners:\n"
            "  - {id: X1, name: One}\npractices:\n")
    path = tmp_path / "lk.yaml"
    path.write_text(base + "  A: X1\n  A1: X1\n")
    with pytest.raises(LookupError_, match="lk.yaml: practices.A1: starts with another"):
        load_lookup(path)
    path2 = tmp_path / "lk2.yaml"
    path2.write_text(base + "  A: X9\n")
    with pytest.raises(LookupError_, match="practices.A: unknown commissioner 'X9'"):
        load_lookup(path2)
