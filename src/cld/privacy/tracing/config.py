"""Tracing's thresholds and model, read from `privacy/data/tracing.yaml` and validated."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from cld.errors import CldError

DEFAULT = Path(__file__).parents[1] / "data" / "tracing.yaml"
LEVELS = {"family": ("exact", "previous", "fuzzy", "other"),
          "given": ("exact", "fuzzy", "initial", "other"),
          "dob": ("exact", "swapped", "one_edit", "year_month", "other"),
          "sex": ("exact", "other"),
          "postcode": ("exact", "previous", "outward", "other")}


class TracingConfigError(CldError):
    """A tracing configuration that does not load; names the file and key."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


MU = tuple[float, float]


class Probabilistic(_Strict):
    training: Literal["fixed", "em"] = "fixed"
    em_blocking_rules: tuple[str, ...] = ()
    threshold: float
    margin: float = Field(ge=0)
    prior: float = Field(gt=0, lt=1)
    max_comparisons: int = Field(gt=0)
    blocking_rules: tuple[str, ...] = Field(min_length=1)
    comparisons: dict[str, dict[str, MU]]

    @model_validator(mode="after")
    def _levels(self) -> Probabilistic:
        if self.training == "em" and not self.em_blocking_rules:
            raise ValueError("em_blocking_rules: EM training needs at least one rule")
        if set(self.comparisons) != set(LEVELS):
            raise ValueError(f"comparisons: must be exactly {', '.join(LEVELS)}")
        for name, levels in self.comparisons.items():
            if tuple(levels) != LEVELS[name]:
                raise ValueError(f"comparisons.{name}: must have the levels "
                                 f"{', '.join(LEVELS[name])} in that order")
            for level, (m, u) in levels.items():
                if not (0 < m < 1 and 0 < u < 1):
                    raise ValueError(f"comparisons.{name}.{level}: m and u are "
                                     "probabilities between 0 and 1")
        return self


class TracingConfig(_Strict):
    version: int
    probabilistic: Probabilistic


def load_config(path: Path | str = DEFAULT) -> TracingConfig:
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise TracingConfigError(f"{path}: cannot be read as YAML ({exc.__class__.__name__})."
                                 ) from None
    try:
        return TracingConfig.model_validate(data)
    except ValidationError as exc:
        e = exc.errors()[0]
        key = ".".join(str(p) for p in e["loc"])
        msg = e["msg"].removeprefix("Value error, ")
        if msg.startswith(("comparisons", "em_")):  # a model check: the message names the key
            sub, _, msg = msg.partition(": ")
            key = f"{key}.{sub}" if key else sub
        raise TracingConfigError(f"{path}: key {key or '(top level)'}: {msg}.") from None
