"""Dissemination profiles: what one kind of recipient may receive (profiles/*.yaml).

Deny by default: a dataset column a profile does not name is not released, and a profile that
names a column the dataset does not have fails to load. A profile that is not identifiable
may not keep a direct identifier in clear.
"""

from __future__ import annotations

from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from cld.errors import CldError

DIR = Path(__file__).with_name("profiles")

# The consolidated dataset's columns (cld.store.dataset.events_table) and the two that
# tracing adds (cld.privacy.extract.with_trace_columns).
META = ("la_code", "submission_id", "submission_version", "event_key", "key_source",
        "source_row")
TRACE = ("traced_nhs_number", "trace_match_type")
# Direct identifiers: never kept in clear outside an identifiable profile.
IDENTIFIERS = frozenset({"person_id", "nhs_number", "traced_nhs_number", "first_name",
                         "last_name", "date_of_birth", "postcode", "event_reference",
                         "event_key", "event_description", "gp_practice_name", "source_row"})


def dataset_columns(spec_version: str = "v4.2") -> tuple[str, ...]:
    from cld.spec import load_spec

    items = [i.id for i in load_spec(spec_version).items if i.id != "la_code"]
    return META + tuple(items) + TRACE


class ProfileError(CldError):
    """A dissemination profile that does not load (the message names file and key)."""


class Treatment(StrEnum):
    keep = "keep"
    drop = "drop"
    tokenise = "tokenise"  # -> <column>_token, a keyed HMAC in the recipient's domain
    birth_year_month = "birth_year_month"  # date -> birth_year, birth_month
    birth_year = "birth_year"
    year_month = "year_month"  # date -> <column>_month (YYYY-MM)
    outward_code = "outward_code"  # postcode -> postcode_district (outward code)


TOKEN_KINDS = {"nhs_number": "nhs", "traced_nhs_number": "nhs", "person_id": "person",
               "event_reference": "event"}
GENERALISE = {Treatment.birth_year_month: {"date_of_birth"},
              Treatment.birth_year: {"date_of_birth"},
              Treatment.outward_code: {"postcode"}}


class Recipient(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    name: str


class Aggregate(BaseModel):
    """Counts of people and events by `by`, small numbers suppressed."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    by: list[str]
    suppress_below: int = Field(ge=1)  # counts 1..suppress_below-1 are hidden
    round_to: int = Field(ge=1)


class Profile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    version: int = Field(ge=1)
    name: str
    title: str
    level: Literal["identifiable", "pseudonymised", "anonymised", "aggregate"]
    purpose: str
    clause: str  # the Direction's clause that allows it
    agreement: str  # the data sharing agreement the release is made under
    recipients: list[Recipient] = []
    recipients_from: Literal["la_register", "gp_commissioners"] | None = None
    rows: Literal["all", "own_la", "registered_practices", "with_cqc_location"]
    token_domain: str | None = None  # may hold {recipient}
    fields: dict[str, Treatment] = {}
    aggregate: Aggregate | None = None
    notes: list[str] = []

    @model_validator(mode="after")
    def _consistent(self) -> Profile:
        cols = set(dataset_columns())
        for col, how in self.fields.items():
            if col not in cols:
                raise ValueError(f"fields.{col}: not a column of the dataset")
            if how == Treatment.tokenise and col not in TOKEN_KINDS:
                raise ValueError(f"fields.{col}: only {', '.join(sorted(TOKEN_KINDS))} "
                                 "can be tokenised")
            if how in GENERALISE and col not in GENERALISE[how]:
                raise ValueError(f"fields.{col}: {how.value} applies to "
                                 f"{', '.join(sorted(GENERALISE[how]))} only")
            if (how == Treatment.keep and col in IDENTIFIERS
                    and self.level != "identifiable"):
                raise ValueError(f"fields.{col}: an identifier cannot be kept in clear in "
                                 f"a {self.level} profile")
        tokens = any(h == Treatment.tokenise for h in self.fields.values())
        if tokens and not self.token_domain:
            raise ValueError("token_domain: required when a field is tokenised")
        if self.level == "aggregate":
            if self.aggregate is None:
                raise ValueError("aggregate: required for an aggregate profile")
            if any(h != Treatment.drop for h in self.fields.values()):
                raise ValueError("fields: an aggregate profile releases no row-level field")
            for col in self.aggregate.by:
                if col not in cols or col in IDENTIFIERS:
                    raise ValueError(f"aggregate.by: {col} is not a non-identifying column")
        elif self.aggregate is not None:
            raise ValueError("aggregate: only for an aggregate profile")
        if not self.recipients and not self.recipients_from:
            raise ValueError("recipients: name at least one recipient")
        if self.rows == "own_la" and self.recipients_from != "la_register":
            raise ValueError("rows: own_la needs recipients_from: la_register")
        if self.rows == "registered_practices" and self.recipients_from != "gp_commissioners":
            raise ValueError("rows: registered_practices needs recipients_from: "
                             "gp_commissioners")
        return self

    @property
    def tokenises(self) -> bool:
        return any(h == Treatment.tokenise for h in self.fields.values())

    def domain(self, recipient: str) -> str | None:
        return self.token_domain.format(recipient=recipient) if self.token_domain else None


def profile_names() -> list[str]:
    return sorted(p.stem for p in DIR.glob("*.yaml"))


def load_profile_file(path: Path) -> Profile:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ProfileError(f"{path.name}: cannot be read as YAML ({exc})") from None
    try:
        prof = Profile.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        msg = first["msg"].removeprefix("Value error, ")
        where = ".".join(str(p) for p in first["loc"])
        raise ProfileError(f"{path.name}: {where + ': ' if where else ''}{msg}") from None
    if prof.name != path.stem:
        raise ProfileError(f"{path.name}: name: {prof.name!r} differs from the file's name")
    return prof


@cache
def load_profile(name: str) -> Profile:
    path = DIR / f"{name}.yaml"
    if not path.is_file():
        raise ProfileError(f"unknown dissemination profile {name!r} (known: "
                           f"{', '.join(profile_names())})")
    return load_profile_file(path)
