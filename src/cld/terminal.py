"""Text from files and users made safe to print on a terminal through rich."""

from __future__ import annotations

import re

from rich.markup import escape

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def plain(value: object) -> str:
    """`value` as text that prints as itself: rich markup ('[/]') escaped and control
    characters (NUL, escape sequences) shown as code points instead of acting."""
    text = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", str(value))
    return escape(text)


def internal_error_message() -> str:
    """What the user sees when a command fails for a reason that is not theirs."""
    return ("an internal error stopped the command (not a problem with your file); nothing "
            "was changed. Please report it; set CLD_DEBUG=1 to see the details")
