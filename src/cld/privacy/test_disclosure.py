"""The disclosure rules: the NHS test vectors, the alternatives, the rules file, and the
properties of a column put under a rule."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cld.privacy.disclosure import (
    DisclosureError,
    as_counts,
    count_shown,
    is_hidden,
    load_rule,
    load_rules,
    protect,
    round_half_up,
    rule_names,
    withhold,
)

NHS = load_rule()


@pytest.mark.parametrize(("count", "shown"), [
    (0, "0"), (2, "*"), (3, "*"), (5, "*"), (7, "*"), (8, "10"), (16, "15"), (24, "25"),
    (57, "55"), (10023, "10025")])
def test_the_nhs_vectors(count: int, shown: str) -> None:
    assert NHS.name == "nhs"
    assert count_shown(count, NHS) == shown


@pytest.mark.parametrize("bad", [-5, -1, 2.0, 7.5, None, "7", "x", True, 100_000_001])
def test_what_is_not_a_count_is_refused(bad: object) -> None:
    with pytest.raises(DisclosureError):
        count_shown(bad, NHS)


def test_national_counts_are_exempt() -> None:
    assert [count_shown(v, NHS, exempt=True) for v in (0, 3, 7, 8, 57)] == \
        ["0", "3", "7", "8", "57"]
    assert not is_hidden(3, NHS, exempt=True) and is_hidden(3, NHS)


def test_the_alternatives() -> None:
    assert set(rule_names()) == {"nhs", "suppress-lt5", "suppress-lt6", "asc-safeguarding",
                                 "round5"}
    lt5, lt6 = load_rule("suppress-lt5"), load_rule("suppress-lt6")
    assert [count_shown(v, lt5) for v in (0, 1, 4, 5, 6, 23)] == ["0", "*", "*", "5", "6", "23"]
    assert [count_shown(v, lt6) for v in (0, 4, 5, 6, 23)] == ["0", "*", "*", "6", "23"]
    asc = load_rule("asc-safeguarding")  # < 5 -> 0, then round to 5 with halves up
    assert [count_shown(v, asc) for v in (0, 1, 4, 5, 7, 8, 12, 13)] == \
        ["0", "0", "0", "5", "5", "10", "10", "15"]
    r5 = load_rule("round5")
    assert [count_shown(v, r5) for v in (0, 1, 2, 3, 7, 8)] == ["0", "0", "0", "5", "5", "10"]
    assert lt5.secondary and lt6.secondary and not NHS.secondary
    with pytest.raises(DisclosureError, match="unknown disclosure rule 'nope'"):
        load_rule("nope")


def test_round_half_up_sends_halves_up() -> None:
    assert [round_half_up(v, 10) for v in (4, 5, 14, 15)] == [0, 10, 10, 20]
    assert [round_half_up(v, 5) for v in (2, 3, 7, 8)] == [0, 5, 5, 10]


def test_a_bad_rules_file_names_file_and_key(tmp_path: Path) -> None:
    p = tmp_path / "rules.yaml"
    p.write_text("version: 1\ndefault: a\nrules:\n  a:\n    title: t\n    source: s\n"
                 "    suppress_max: 7\n    shown_as: '*'\n    round_to: 5\n    secondary: false\n"
                 "    colour: red\n")
    with pytest.raises(DisclosureError, match=r"rules.yaml: rules\.a\.colour: Extra inputs"):
        load_rules(p)
    p.write_text("version: 2\ndefault: a\nrules: {}\n")
    with pytest.raises(DisclosureError, match="version"):
        load_rules(p)
    p.write_text("version: 1\ndefault: b\nrules: {}\n")
    with pytest.raises(DisclosureError, match="default 'b' is not one of the rules"):
        load_rules(p)


counts = st.lists(st.integers(0, 500), min_size=1, max_size=60)


@given(counts, st.sampled_from(["nhs", "suppress-lt5", "suppress-lt6", "asc-safeguarding",
                                "round5"]))
def test_a_column_agrees_with_one_count_at_a_time(values: list[int], name: str) -> None:
    rule = load_rule(name)
    f = protect(pl.DataFrame({"value": values}), rule)
    assert f["value_display"].to_list() == [count_shown(v, rule) for v in values]


@given(counts, st.lists(st.booleans(), min_size=60, max_size=60))
def test_nhs_column_properties(values: list[int], national: list[bool]) -> None:
    f = protect(pl.DataFrame({"value": values, "national": national[:len(values)]}), NHS,
                exempt=pl.col("national"))
    for v, nat, hidden, shown, text in f.select(
            "value", "national", "value_hidden", "value_shown", "value_display").iter_rows():
        if v == 0:
            assert text == "0" and not hidden  # 0 is never suppressed
        if nat:
            assert shown == v and text == str(v)  # national exempt
        elif 1 <= v <= 7:
            assert hidden and text == "*" and shown is None  # 1-7 never shown
        else:
            assert abs(shown - v) <= 2 and shown % 5 == 0  # rounded within 2


def test_a_column_that_is_not_counts_is_refused() -> None:
    for frame, msg in ((pl.DataFrame({"value": [1.0, 2.0]}), "not whole counts"),
                       (pl.DataFrame({"value": [1, None]}), "1 missing"),
                       (pl.DataFrame({"value": [1, -2, -3]}), "2 negative"),
                       (pl.DataFrame({"value": ["1"]}), "not whole counts")):
        with pytest.raises(DisclosureError, match=msg):
            protect(frame, NHS)


def test_rates_from_unrounded_counts_are_withheld_when_a_count_is_hidden() -> None:
    f = pl.DataFrame({"num": [3, 40, 12], "den": [50, 80, 6]})
    f = protect(protect(f, NHS, "num"), NHS, "den")
    f = f.with_columns((pl.col("num") / pl.col("den") * 100).alias("pct"))
    f = f.with_columns(withhold("pct", "num_hidden", "den_hidden"))
    # 40/80 from the unrounded counts (the rounded ones, 40/80, agree here; 12/6 is withheld
    # because 6 is hidden, 3/50 because 3 is)
    assert f["pct"].to_list() == [None, 50.0, None]
    g = protect(pl.DataFrame({"num": [13], "den": [21]}), NHS, "num")
    g = protect(g, NHS, "den").with_columns((pl.col("num") / pl.col("den")).alias("r"))
    assert g["r"][0] == pytest.approx(13 / 21) != 15 / 20  # not from the rounded 15 and 20


def test_whole_floats_become_counts_and_fractions_are_refused() -> None:
    f = as_counts(pl.DataFrame({"v": [3.0, 16.0, 0.0]}), "v")
    assert f.schema["v"] == pl.Int64
    assert protect(f, NHS, "v")["v_display"].to_list() == ["*", "15", "0"]
    with pytest.raises(DisclosureError, match="1 value"):
        as_counts(pl.DataFrame({"v": [3.0, 2.5]}), "v")  # not truncated to 2
