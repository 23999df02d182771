"""Every output, one module each (importing this package registers them)."""
from cld.derive.outputs import (
    ascof1e,  # noqa: F401
    ascof2a,  # noqa: F401
    ascof2b2c,  # noqa: F401
    ascof2d,  # noqa: F401
    ascof2e,  # noqa: F401
    ascof3d,  # noqa: F401
    costs,  # noqa: F401
    long_term,  # noqa: F401  (LTS001/LTS002/3D profile section)
    lts001a,  # noqa: F401
    lts001b,  # noqa: F401
    lts001c,  # noqa: F401
    lts002a,  # noqa: F401
    lts002b,  # noqa: F401
    lts003,  # noqa: F401
    lts004,  # noqa: F401
    sts001,  # noqa: F401
    sts002a,  # noqa: F401
    sts002b,  # noqa: F401
)
