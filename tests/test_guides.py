"""The portal's user guides and deployment page hold to the repository: every screenshot a
guide shows exists, every guide is linked from the README, every environment variable the
deployment page names is read somewhere in the code."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).parents[1]
GUIDES = ROOT / "docs" / "guides"
IMAGE = re.compile(r"!\[[^\]]*\]\(([^)\s]+)\)")
ENV = re.compile(r"\bCLD_[A-Z_]+\b")
ROLES = {"la", "processor", "recipient", "national", "administrator"}


def guides() -> list[Path]:
    return sorted(GUIDES.glob("*.md"))


def test_there_is_a_guide_per_role_each_linked_from_the_readme() -> None:
    assert {g.stem for g in guides()} == ROLES
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for g in guides():
        assert f"(docs/guides/{g.name})" in readme, f"README does not link {g.name}"
    assert "(docs/deployment.md)" in readme


def test_every_image_a_guide_shows_exists() -> None:
    shown = 0
    for g in guides():
        for target in IMAGE.findall(g.read_text(encoding="utf-8")):
            assert (g.parent / target).is_file(), f"{g.name} shows {target}: no such file"
            assert target.endswith(".png")
            shown += 1
    assert shown >= 10


def test_every_environment_variable_of_the_deployment_page_is_read_by_the_code() -> None:
    named = set(ENV.findall((ROOT / "docs" / "deployment.md").read_text(encoding="utf-8")))
    assert {"CLD_STORE", "CLD_DATABASE_URL", "CLD_SECRET_KEY", "CLD_ALLOWED_HOSTS"} <= named
    code = "\n".join(p.read_text(encoding="utf-8")
                     for p in (ROOT / "src" / "cld").rglob("*.py") if "test_" not in p.name)
    read = set(re.findall(r'["\'](CLD_[A-Z_]+)["\']', code))
    assert named - read == set(), "named on the page but read nowhere in src/cld"
