"""Every output, one module each (importing this package registers them)."""
from cld.derive.outputs import ascof1e, ascof2e, lts004  # noqa: F401
