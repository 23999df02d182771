"""The `cld` command line: a thin shell over the engine and the store.

The commands live in the modules listed below; importing them registers them on `app`.
"""

from __future__ import annotations

from cld.cli._shell import app

# The command modules, in help order; importing one registers its commands.
# isort: split
from cld.cli import validate  # noqa: F401, I001
# isort: split
from cld.cli import synth  # noqa: F401

# isort: split
from cld.cli import store  # noqa: F401

# isort: split
from cld.cli import extract, trace  # noqa: F401

# isort: split
from cld.cli import derive  # noqa: F401

# isort: split
from cld.cli import explain, profiles  # noqa: F401

# isort: split
from cld.cli import benchmark  # noqa: F401

# isort: split
from cld.cli import web  # noqa: F401

__all__ = ["app", "main"]


def main() -> None:
    app()
