"""Read method profiles (shipped ones by name, others by path), outputs registered first."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

import cld.derive.outputs  # noqa: F401  (registers every output and its profile section)
from cld.derive.profile import MethodProfile, ProfileError, parse_profile

PROFILES = Path(__file__).parent / "profiles"
DEFAULT = "dhsc-2024"


def load_profile(name_or_path: str | Path) -> MethodProfile:
    """A shipped profile by name (`dhsc-2024`) or a profile file by path."""
    path = Path(name_or_path)
    if path.suffix not in (".yaml", ".yml"):
        path = PROFILES / f"{name_or_path}.yaml"
        if not path.is_file():
            raise ProfileError(f"unknown method profile {name_or_path!r} "
                               f"(shipped: {', '.join(profile_names())})")
    return _load(path.resolve())


@cache
def _load(path: Path) -> MethodProfile:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ProfileError(f"{path}: cannot read the profile ({exc.__class__.__name__}: "
                           f"{str(exc).splitlines()[0] if str(exc) else ''})") from None
    return parse_profile(data, str(path))


def profile_names() -> list[str]:
    return sorted(p.stem for p in PROFILES.glob("*.yaml"))
