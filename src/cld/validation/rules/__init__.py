"""Rule families. Importing this package registers every rule in cld.validation.registry."""

from cld.validation.rules import (  # noqa: F401
    conditional,
    dates,
    fields,
    people,
    reading,
    structure,
    submission,
)
