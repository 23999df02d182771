"""The CLD specification as data (versioned YAML + pydantic models) and the LA register."""

from cld.spec.loader import (
    DEFAULT_VERSION,
    LocalAuthority,
    available_versions,
    load_register,
    load_spec,
    load_spec_from,
)
from cld.spec.models import (
    EVENT_TYPES,
    DataItem,
    DefinedList,
    Spec,
    header_key,
    value_key,
)

__all__ = [
    "DEFAULT_VERSION",
    "EVENT_TYPES",
    "DataItem",
    "DefinedList",
    "LocalAuthority",
    "Spec",
    "available_versions",
    "header_key",
    "load_register",
    "load_spec",
    "load_spec_from",
    "value_key",
]
