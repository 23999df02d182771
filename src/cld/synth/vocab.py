"""The specification's vocabulary for the generator: list values, outcome rules, applicability.

Every value the generator writes into a defined-list column comes from here, by index into
the list's canonical values. Pathway code may name a value it needs (e.g. "Long Term Support:
Community"); naming one that is not in the specification raises `SpecMismatch` at once.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from cld.spec import Spec
from cld.spec.models import EVENT_TYPES


class SpecMismatch(ValueError):
    """The generator names a value or rule the specification does not have."""


class Vocab:
    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.values: dict[str, list[str]] = {k: dl.canonical for k, dl in spec.lists.items()}
        self._index = {k: {v: i for i, v in enumerate(vals)} for k, vals in self.values.items()}
        self.allowed: dict[str, set[int]] = {et: set() for et in EVENT_TYPES}
        for rule in spec.outcomes:
            for et in rule.event_types:
                self.allowed[et].add(self.code("event_outcome", rule.outcome))
        self.applies = {i.id: (None if i.applies_to is None else set(i.applies_to))
                        for i in spec.items}

    def list_of(self, name: str) -> str:
        """A list id, given a list id or the id of a list item."""
        if name in self.values:
            return name
        item = self.spec.item(name)
        if item.list_id is None:
            raise SpecMismatch(f"{name} is not a defined-list item")
        return item.list_id

    def code(self, list_id: str, value: str) -> int:
        """The index of a canonical value in its list (list id or item id)."""
        list_id = self.list_of(list_id)
        try:
            return self._index[list_id][value]
        except KeyError:
            raise SpecMismatch(f"{value!r} is not a value of list {list_id!r}") from None

    def codes(self, list_id: str, values: list[str] | tuple[str, ...]) -> np.ndarray:
        return np.array([self.code(list_id, v) for v in values], dtype=np.int64)

    def outcome(self, event_type: str, value: str) -> int:
        """The index of an Event Outcome, checked as allowed for the event type."""
        c = self.code("event_outcome", value)
        if c not in self.allowed[event_type]:
            raise SpecMismatch(f"{value!r} may not close a {event_type}")
        return c

    def probs(self, list_id: str, weights: Mapping[str, float] | None = None,
              default: float = 0.0) -> np.ndarray:
        """Probabilities over the list's canonical values: named weights, `default` for the
        rest (every value equally likely when no weights are given)."""
        list_id = self.list_of(list_id)
        values = self.values[list_id]
        if weights is None:
            return np.full(len(values), 1.0 / len(values))
        p = np.full(len(values), float(default))
        for name, w in weights.items():
            p[self.code(list_id, name)] = w
        if p.sum() <= 0:
            raise SpecMismatch(f"no weight on any value of {list_id}")
        return p / p.sum()

    def outcome_probs(self, event_type: str, weights: Mapping[str, float]) -> np.ndarray:
        for name in weights:
            self.outcome(event_type, name)
        return self.probs("event_outcome", weights)

    def check_applies(self, item_id: str, event_type: str) -> None:
        applies = self.applies[item_id]
        if applies is not None and event_type not in applies:
            raise SpecMismatch(f"{item_id} does not apply to a {event_type}")

    def check_components(self, types: np.ndarray, components: np.ndarray) -> None:
        """Every (Service Type, Service Component) pair belongs together in the spec."""
        st, sc = self.values["service_type"], self.values["service_component"]
        for t, c in set(zip(types.tolist(), components.tolist(), strict=True)):
            if t >= 0 and c >= 0 and sc[c] not in self.spec.components_for(st[t]):
                raise SpecMismatch(f"{sc[c]!r} does not belong with {st[t]!r}")
