from __future__ import annotations

from pathlib import Path

from cld.privacy.docs import MARKER, render
from cld.privacy.profiles import load_profile, profile_names

PAGE = Path(__file__).parents[3] / "docs" / "privacy.md"


def test_committed_page_is_the_generated_one() -> None:
    assert PAGE.read_text(encoding="utf-8") == render(), \
        "regenerate: cld privacy-docs --write docs/privacy.md"


def test_page_names_every_profile_field_and_clause() -> None:
    text = render()
    assert MARKER in text
    for name in profile_names():
        p = load_profile(name)
        assert f"### `{name}` (version {p.version})" in text
        assert p.clause in text
    assert "| `nhs_number` | keyed token `nhs_number_token`" in text
    assert "| `date_of_birth` | generalised: `birth_year`, `birth_month` | age at" in text
    assert "| `first_name` | not released | a name or free text: never released |" in text
