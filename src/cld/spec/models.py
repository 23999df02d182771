"""Pydantic models of the CLD specification (the template and its guidance) as data."""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

EventType = Literal["Request", "Assessment", "Service", "Review"]
EVENT_TYPES: tuple[EventType, ...] = ("Request", "Assessment", "Service", "Review")

DataType = Literal["id", "integer", "text", "alphanumeric", "date", "numeric", "list", "year"]
Section = Literal[
    "submission", "person", "event", "request", "assessment", "service", "review", "cost"
]

_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"), "-")


def header_key(text: str) -> str:
    """Key used to match a column header: no case, spacing, punctuation or (qualifier)."""
    text = unicodedata.normalize("NFKC", text).strip().lstrip("\ufeff")
    text = re.sub(r"\([^)]*\)", "", text)
    return re.sub(r"[^0-9a-z]", "", text.lower())


def value_key(text: str) -> str:
    """Key used to match a defined-list value loosely: case, whitespace and dash variants."""
    text = unicodedata.normalize("NFKC", text).translate(_DASHES).lower()
    return re.sub(r"\s+", "", text)


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class ListValue(Model):
    value: str
    # Other spellings found in the template or guidance; accepted with a warning.
    variants: list[str] = Field(default_factory=list)
    note: str = ""


class DefinedList(Model):
    name: str
    values: list[ListValue]

    @property
    def canonical(self) -> list[str]:
        return [v.value for v in self.values]

    def lookup(self) -> dict[str, tuple[str, str]]:
        """loose key -> (canonical value, how it matched: 'case' or 'variant')."""
        out: dict[str, tuple[str, str]] = {}
        for v in self.values:
            out.setdefault(value_key(v.value), (v.value, "case"))
        for v in self.values:
            for variant in v.variants:
                key = value_key(variant)
                if key in out and out[key][0] != v.value:
                    raise ValueError(f"list {self.name}: {variant!r} is ambiguous")
                out.setdefault(key, (v.value, "variant"))
        return out

    @model_validator(mode="after")
    def _distinct(self) -> DefinedList:
        keys = [value_key(v.value) for v in self.values]
        if len(keys) != len(set(keys)):
            raise ValueError(f"list {self.name}: two values differ only by case/space/dash")
        self.lookup()
        return self


class DataItem(Model):
    id: str  # stable snake_case identifier used in code and stored data
    name: str  # the header as in the template
    aliases: list[str] = Field(default_factory=list)
    section: Section
    requirement: Literal["mandatory", "voluntary"]
    type: DataType
    list_id: str | None = Field(default=None, alias="list")
    applies_to: list[EventType] | None = None  # None: every event type
    person_level: bool = False
    # For a mandatory item that is only required in some cases: when (checked by a rule).
    condition: str = ""
    description: str = ""
    spec_ref: str = ""

    @model_validator(mode="after")
    def _list_iff_list_type(self) -> DataItem:
        if (self.type == "list") != (self.list_id is not None):
            raise ValueError(f"{self.id}: a 'list' item needs a list name, and only it")
        return self


class OutcomeRule(Model):
    """Which event types an Event Outcome may close (guidance table 'Reason for Event Outcome')."""

    outcome: str
    event_types: list[EventType]
    note: str = ""


class Group(Model):
    """A named set of list values (of a defined list, or of a list item) or of item ids."""

    of: str  # a defined list id, a list item id, or "items" for data item ids
    members: list[str]
    note: str = ""


class Spec(Model):
    version: str
    title: str
    source: str
    items: list[DataItem]
    lists: dict[str, DefinedList]
    outcomes: list[OutcomeRule]
    groups: dict[str, Group] = Field(default_factory=dict)
    # Service Type -> the Service Components that belong with it
    service_components: dict[str, list[str]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _consistent(self) -> Spec:
        ids = [i.id for i in self.items]
        if len(ids) != len(set(ids)):
            raise ValueError("duplicate data item id")
        keys: dict[str, str] = {}
        for item in self.items:
            if item.list_id is not None and item.list_id not in self.lists:
                raise ValueError(f"{item.id}: unknown list {item.list_id}")
            for h in [item.name, *item.aliases]:
                k = header_key(h)
                if keys.setdefault(k, item.id) != item.id:
                    raise ValueError(f"header {h!r} matches {keys[k]} and {item.id}")
        outcome_list = self.lists["event_outcome"].canonical
        for rule in self.outcomes:
            if rule.outcome not in outcome_list:
                raise ValueError(f"outcome rule for unknown outcome {rule.outcome!r}")
        for name, group in self.groups.items():
            allowed = self._members_of(group.of)
            for m in group.members:
                if m not in allowed:
                    raise ValueError(f"group {name}: {m!r} is not one of {group.of}")
        types, comps = self._members_of("service_type"), self._members_of("service_component")
        for st, components in self.service_components.items():
            for v, allowed_values, what in [(st, types, "Service Type"),
                                            *((c, comps, "Service Component")
                                              for c in components)]:
                if v not in allowed_values:
                    raise ValueError(f"service_components: {v!r} is not a {what} value")
        return self

    def _members_of(self, of: str) -> list[str]:
        if of == "items":
            return [i.id for i in self.items]
        if of in self.lists:
            return self.lists[of].canonical
        item = next((i for i in self.items if i.id == of), None)
        if item is not None and item.list_id is not None and item.list_id in self.lists:
            return self.lists[item.list_id].canonical
        raise ValueError(f"{of!r} is neither a defined list, a list item nor 'items'")

    def group(self, name: str) -> tuple[str, ...]:
        """The members of a named domain grouping (KeyError when the spec has none)."""
        return tuple(self.groups[name].members)

    def event_key_fields(self) -> dict[str, tuple[str, ...]]:
        """Event type -> the type-specific item ids of its event key."""
        return {et: self.group("event_key_" + et.lower()) for et in EVENT_TYPES}

    def components_for(self, service_type: str) -> tuple[str, ...]:
        """The Service Components that belong with a Service Type (none when not listed)."""
        return tuple(self.service_components.get(service_type, ()))

    def item(self, item_id: str) -> DataItem:
        for i in self.items:
            if i.id == item_id:
                return i
        raise KeyError(item_id)

    @property
    def submission_items(self) -> list[DataItem]:
        return [i for i in self.items if i.section == "submission"]

    @property
    def data_items(self) -> list[DataItem]:
        return [i for i in self.items if i.section != "submission"]

    def header_index(self) -> dict[str, str]:
        """header key -> item id, for every name and alias."""
        return {header_key(h): i.id for i in self.items for h in [i.name, *i.aliases]}
