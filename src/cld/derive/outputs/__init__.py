"""Every output, one module each (importing this package registers them)."""
from cld.derive.outputs import ascof2a, sts001, sts002a, sts002b  # noqa: F401
