"""Event histories across versions: first seen, changed, closed, dropped."""

from __future__ import annotations

from pathlib import Path

from cld.store import Store, history, submit
from tests.store.conftest import YEAR


def _edit(src: Path, dest: Path, drop_refs: set[str], change: dict[str, tuple[str, str]]
          ) -> Path:
    lines = src.read_text().splitlines()
    header = lines[0].split(",")
    ref = header.index("Event Reference")
    out = [lines[0]]
    for line in lines[1:]:
        cells = line.split(",")
        if cells[ref] in drop_refs:
            continue
        if cells[ref] in change:
            col, value = change[cells[ref]]
            cells[header.index(col)] = value
        out.append(",".join(cells))
    dest.write_text("\n".join(out) + "\n")
    return dest


def test_history_across_versions(store: Store, series: dict, tmp_path: Path) -> None:
    q1, q2 = series["503"][0], series["503"][1]
    v1 = submit(store, q1, "503", YEAR).submission
    v2 = submit(store, q2, "503", YEAR).submission
    # v3: Q2 again, corrected: one event dropped, one event's description changed
    lines = q2.read_text().splitlines()
    ref = lines[0].split(",").index("Event Reference")
    refs = [line.split(",")[ref] for line in lines[1:]]
    v3 = submit(store, _edit(q2, tmp_path / "q2b.csv", {refs[0]},
                             {refs[1]: ("Event Description", "corrected")}),
                "503", YEAR).submission
    events, summary = history(store, "503", YEAR)
    s = {r["version"]: r for r in summary.to_pyarrow().to_pylist()}
    assert s[1]["rows"] == v1.rows == s[1]["new"]
    assert s[2]["rows"] == v2.rows
    assert s[2]["new"] == v2.rows - v1.rows  # the cut keeps every Q1 event in Q2
    assert s[2]["closed"] > 0 and s[2]["changed"] >= s[2]["closed"]
    assert (s[3]["new"], s[3]["changed"], s[3]["dropped"]) == (0, 1, 1)
    assert s[3]["unchanged"] == v3.rows - 1
    e = {r["event_key"]: r for r in events.to_pyarrow().to_pylist()}
    dropped = e["R:" + refs[0]]
    assert dropped["dropped_in"] == 3 and dropped["state"] == "dropped"
    assert e["R:" + refs[1]]["changes"] >= 1
    assert all(r["first_seen"] in (1, 2) for r in e.values())
    closed = [r for r in e.values() if r["closed_in"] == 2]
    assert closed and all(r["end_date"] is not None for r in closed)
    kept = [r for r in e.values() if r["last_seen"] == 3]  # in the latest version
    assert {r["state"] for r in kept} == {"open", "ended"}
    assert all(r["state"] == ("open" if r["end_date"] is None else "ended") for r in kept)


def test_an_event_dropped_then_back(store: Store, series: dict, tmp_path: Path) -> None:
    q1 = series["503"][0]
    lines = q1.read_text().splitlines()
    ref = lines[0].split(",").index("Event Reference")
    gone = lines[1].split(",")[ref]
    submit(store, q1, "503", YEAR)
    submit(store, _edit(q1, tmp_path / "without.csv", {gone}, {}), "503", YEAR)
    v3 = submit(store, _edit(q1, tmp_path / "back.csv", set(),
                             {gone: ("Event Description", "back again")}), "503", YEAR)
    assert v3.submission.version == 3
    events, summary = history(store, "503", YEAR)
    s = {r["version"]: r for r in summary.to_pyarrow().to_pylist()}
    assert (s[2]["dropped"], s[2]["new"], s[2]["changed"]) == (1, 0, 0)
    assert (s[3]["returned"], s[3]["new"], s[3]["dropped"]) == (1, 0, 0)
    assert s[3]["unchanged"] == s[3]["rows"] - 1
    e = {r["event_key"]: r for r in events.to_pyarrow().to_pylist()}["R:" + gone]
    assert (e["dropped_in"], e["times_dropped"]) == (2, 1)
    assert e["state"] in ("open", "ended")  # in the latest version again
    assert e["versions_seen"] == 2
