"""The versions' summary of changes, kept in memory per set of accepted versions."""

from __future__ import annotations

from typing import Any

import pytest

from cld.store import Store, history, submit
from cld.store import dataset as ds
from cld.store.queries import version_changes
from tests.store.conftest import YEAR


def test_computed_once_per_set_of_accepted_versions(store: Store, series: dict,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    q1, q2 = series["503"][0], series["503"][1]
    assert version_changes(store, "503", YEAR) == []  # nothing accepted yet
    submit(store, q1, "503", YEAR)
    calls: list[str] = []
    real = ds.history

    def counted(*args: Any, **kw: Any) -> Any:
        calls.append(args[1])
        return real(*args, **kw)

    monkeypatch.setattr(ds, "history", counted)
    first = version_changes(store, "503", YEAR)
    assert [r["version"] for r in first] == [1]
    assert version_changes(store, "503", YEAR) == first and calls == ["503"]  # kept
    submit(store, q2, "503", YEAR)  # a new version: computed again
    both = version_changes(store, "503", YEAR)
    assert calls == ["503", "503"]
    assert both == history(store, "503", YEAR)[1].to_pyarrow().to_pylist()
    assert [r["version"] for r in both] == [1, 2]
