"""The generator's last touches: later assessments become reviews, repeated keys go."""

from __future__ import annotations

import numpy as np

from cld.spec import load_spec
from cld.synth.events import FIELDS, LIST_ITEMS
from cld.synth.tidy import drop_repeated_keys, later_assessments_as_reviews
from cld.synth.vocab import Vocab

V = Vocab(load_spec())


def _events(*rows: dict[str, object]) -> dict[str, np.ndarray]:
    """Events from rows of (pid, event_type, start, item values by name)."""
    ev = {f: np.full(len(rows), -1, dtype=np.int64) for f in FIELDS}
    for n, r in enumerate(rows):
        for k, v in r.items():
            ev[k][n] = V.code(k, v) if k in LIST_ITEMS or k == "event_type" else v
    return ev


ASSESS = {"event_type": "Assessment", "assessment_type": "Long Term Assessment",
          "eligible_needs": "Eligible needs identified",
          "event_outcome": "Progress to Support Planning / Services"}


def test_a_persons_later_assessments_become_reviews() -> None:
    ev = _events(dict(ASSESS, pid=0, start=10), dict(ASSESS, pid=0, start=20),
                 dict(ASSESS, pid=1, start=15),
                 dict(ASSESS, pid=1, start=30, event_outcome="NFA - Support declined"))
    later_assessments_as_reviews(ev, V)
    types = [V.values["event_type"][t] for t in ev["event_type"]]
    assert types == ["Assessment", "Review", "Assessment", "Review"]
    assert ev["assessment_type"].tolist()[1::2] == [-1, -1]
    assert ev["eligible_needs"][1] == -1 and ev["assessment_type"][0] >= 0
    assert [V.values["event_outcome"][o] for o in ev["event_outcome"][1::2]] == [
        "No change in package", "NFA - Support declined"]
    assert set(ev["review_reason"][1::2].tolist()) == {V.code("review_reason",
                                                              "Unplanned - Other Reason")}


def test_repeated_event_keys_keep_the_first() -> None:
    home = {"event_type": "Service", "service_type": "Long Term Support: Community",
            "service_component": "Home Support"}
    ev = _events(dict(home, pid=0, start=5, seq=1), dict(home, pid=0, start=5, seq=2),
                 dict(home, pid=0, start=5, service_component="Day Support"),
                 dict(home, pid=0, start=6), dict(home, pid=1, start=5),
                 {"pid": 1, "event_type": "Review", "start": 5, "seq": 7},
                 {"pid": 1, "event_type": "Review", "start": 5, "seq": 8})
    out = drop_repeated_keys(ev, V)
    assert out["seq"].tolist() == [1, -1, -1, -1, 7]
    assert len(out["pid"]) == 5
