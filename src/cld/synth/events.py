"""Column-wise store of generated events (numpy arrays of codes and day numbers).

Days are integers since 1970-01-01; `OPEN` stands for no end date (ongoing). List items are
indices into the specification's canonical values, -1 for blank. Every `add` checks the
rules a clean file must keep: starts within or before the period, ends inside the period or
blank, no event over before the period, outcomes only on ended events and allowed for the
event type, items only on the event types they apply to, service components only with the service
types they belong to.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from cld.synth.vocab import SpecMismatch, Vocab

OPEN = 10**9  # no end date: later than any real day

# Event-level defined-list items the pathways set (spec item ids).
LIST_ITEMS = ("event_outcome", "route_of_access", "assessment_type", "eligible_needs",
              "carer_in_assessment", "service_type", "service_component", "delivery_mechanism",
              "review_reason", "review_outcomes")
FIELDS = ("pid", "event_type", "start", "end", "seq", *LIST_ITEMS)

Code = int | np.ndarray


class Events:
    def __init__(self, vocab: Vocab, start: int, end: int) -> None:
        self.v = vocab
        self.S, self.E = start, end
        self.parts: dict[str, list[np.ndarray]] = defaultdict(list)
        self.seq = 0

    def add(self, pid: np.ndarray, event_type: str, start: Code, end: Code, outcome: Code,
            mask: np.ndarray | None = None, **items: Code) -> np.ndarray:
        """Add one event for each person of `pid` where `mask`; return the effective end
        (OPEN where ongoing or where no event was added), for chaining the next event."""
        n = len(pid)
        m = np.ones(n, dtype=bool) if mask is None else mask
        s = np.broadcast_to(np.asarray(start, dtype=np.int64), (n,))[m]
        e_cand = np.broadcast_to(np.asarray(end, dtype=np.int64), (n,))
        e_full = np.where(e_cand > self.E, OPEN, e_cand)
        e = e_full[m]
        out = np.broadcast_to(np.asarray(outcome, dtype=np.int64), (n,))[m]
        out = np.where(e == OPEN, -1, out)
        if len(s):
            if s.max() > self.E or (e < s).any() or (e < self.S).any():
                raise AssertionError(f"{event_type}: event dates outside the rules")
            allowed = self.v.allowed[event_type]
            bad = set(np.unique(out[out >= 0]).tolist()) - allowed
            if bad:
                names = [self.v.values["event_outcome"][b] for b in sorted(bad)]
                raise SpecMismatch(f"outcomes {names} may not close a {event_type}")
        k = len(s)
        self.parts["pid"].append(pid[m])
        self.parts["event_type"].append(
            np.full(k, self.v.code("event_type", event_type), dtype=np.int64))
        self.parts["start"].append(s)
        self.parts["end"].append(e)
        self.parts["seq"].append(np.full(k, self.seq, dtype=np.int64))
        self.parts["event_outcome"].append(out)
        self.seq += 1
        for item in LIST_ITEMS[1:]:
            if item in items:
                self.v.check_applies(item, event_type)
                val = np.broadcast_to(np.asarray(items[item], dtype=np.int64), (n,))[m]
            else:
                val = np.full(k, -1, dtype=np.int64)
            self.parts[item].append(val)
        if "service_type" in items and "service_component" in items:
            self.v.check_components(self.parts["service_type"][-1],
                                    self.parts["service_component"][-1])
        unknown = set(items) - set(LIST_ITEMS)
        if unknown:
            raise SpecMismatch(f"unknown event items {sorted(unknown)}")
        return np.where(m, e_full, OPEN)

    def arrays(self) -> dict[str, np.ndarray]:
        return {f: (np.concatenate(self.parts[f]) if self.parts[f]
                    else np.zeros(0, dtype=np.int64)) for f in FIELDS}
