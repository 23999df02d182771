"""GP practice -> commissioner (ICB) lookup: which people an ICB's extract covers.

The shipped file (data/gp_commissioners.yaml) is SYNTHETIC and says so; a real one (NHS ODS)
has the same shape. Keys are practice-code prefixes (a whole code is its own prefix); no
prefix may start another, so each practice has at most one commissioner.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from cld.errors import CldError

DEFAULT = Path(__file__).with_name("data") / "gp_commissioners.yaml"


class LookupError_(CldError):
    """A practice -> commissioner file that does not load."""


class Commissioner(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    name: str


class Lookup(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    version: int = Field(ge=1)
    synthetic: bool
    source: str
    commissioners: list[Commissioner]
    practices: dict[str, str]

    @model_validator(mode="after")
    def _check(self) -> Lookup:
        ids = {c.id for c in self.commissioners}
        for prefix, cid in self.practices.items():
            if cid not in ids:
                raise ValueError(f"practices.{prefix}: unknown commissioner {cid!r}")
        keys = sorted(self.practices)
        for a, b in zip(keys, keys[1:], strict=False):
            if b.startswith(a):
                raise ValueError(f"practices.{b}: starts with another prefix, {a}")
        return self

    def names(self) -> dict[str, str]:
        return {c.id: c.name for c in self.commissioners}


@cache
def load_lookup(path: Path = DEFAULT) -> Lookup:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        return Lookup.model_validate(raw)
    except (OSError, yaml.YAMLError) as exc:
        raise LookupError_(f"{path.name}: cannot be read ({exc})") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        msg = first["msg"].removeprefix("Value error, ")
        where = ".".join(str(p) for p in first["loc"])
        raise LookupError_(f"{path.name}: {where + ': ' if where else ''}{msg}") from None
