"""Every output, one module each (importing this package registers them)."""

from cld.derive.outputs import (
    ascof2b2c,  # noqa: F401
    costs,  # noqa: F401
)
