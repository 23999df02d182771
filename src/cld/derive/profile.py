"""Method profiles: the constants and mappings of a derivation method, read from YAML.

A profile is one file under `profiles/` (or any path): `name`, `version`, `title`, `source`,
a `common` section (person key, age, event editions) and one section per family of outputs.
Each family declares its section's model with `@section("name")` in its own module, so a
profile is checked whole (unknown keys are errors) once the outputs are registered; read
profiles with `cld.derive.load.load_profile`, which registers them first.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from cld.errors import CldError


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AgeBand(Strict):
    label: str
    min: int | None = None  # inclusive; None = no lower bound
    max: int | None = None  # inclusive; None = no upper bound


class Common(Strict):
    # nhse_hybrid: traced NHS number, else the LA's person id when that id never appears
    # with an NHS number, else dropped. dhsc_combined: traced NHS number, else the LA's NHS
    # number, else LA code + person id.
    person_key: Literal["nhse_hybrid", "dhsc_combined"]
    # month: age from the 1st of the birth month (as on pseudonymised data); full: the date.
    dob_precision: Literal["month", "full"] = "month"
    days_per_year: float = 365.25
    # Event types deduplicated to their latest edition (by the store's identifying fields).
    dedupe_event_types: tuple[str, ...] = ("Request", "Service")
    age_bands: dict[str, tuple[AgeBand, ...]] = {}


S = TypeVar("S", bound=BaseModel)
SECTIONS: dict[str, type[BaseModel]] = {}


def section(name: str) -> Callable[[type[S]], type[S]]:
    """Register the model of a profile section (one per family of outputs)."""

    def deco(model: type[S]) -> type[S]:
        if name in SECTIONS and SECTIONS[name] is not model:
            raise ValueError(f"duplicate profile section {name}")
        SECTIONS[name] = model
        return model

    return deco


class ProfileError(CldError):
    """A method profile that cannot be read or does not fit its model."""


class MethodProfile(Strict):
    name: str
    version: str
    title: str
    source: str
    common: Common
    sections: dict[str, BaseModel] = {}

    def get(self, name: str, model: type[S]) -> S:
        """The section `name` as its model."""
        value = self.sections.get(name)
        if not isinstance(value, model):
            raise ProfileError(f"profile {self.name} has no section {name!r}")
        return value

    @property
    def label(self) -> str:
        return f"{self.name} v{self.version}"

    def flat(self) -> dict[str, Any]:
        """Every constant as `section.key` -> value (for side-by-side comparison)."""
        out: dict[str, Any] = {}

        def walk(prefix: str, value: Any) -> None:
            if isinstance(value, dict) and value:
                for k, v in value.items():
                    walk(f"{prefix}.{k}", v)
            else:
                out[prefix] = value

        walk("common", self.common.model_dump(mode="json"))
        for name, sec in sorted(self.sections.items()):
            walk(name, sec.model_dump(mode="json"))
        return out


def parse_profile(data: Any, where: str) -> MethodProfile:
    """A profile from parsed YAML; every registered section must be present (register them
    first: `cld.derive.load` does)."""
    if not isinstance(data, dict):
        raise ProfileError(f"{where}: a profile is a mapping of keys to values")
    head = {k: v for k, v in data.items() if k not in SECTIONS}
    try:
        sections = {name: SECTIONS[name].model_validate(data[name])
                    for name in SECTIONS if name in data}
        missing = [name for name in SECTIONS if name not in data]
        if missing:
            raise ProfileError(f"{where}: missing section(s): {', '.join(missing)}")
        return MethodProfile.model_validate({**head, "sections": sections})
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(p) for p in first["loc"])
        raise ProfileError(f"{where}: {loc}: {first['msg']} ({len(exc.errors())} problem(s))"
                           ) from None
