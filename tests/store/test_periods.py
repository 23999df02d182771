"""Years and the migrations being up to date (the derived period: tests/validation)."""

from __future__ import annotations

import pytest

from cld.dates import parse_year


@pytest.mark.parametrize(("text", "label"), [("2020/21", "2020/21"),
                                             (" 2020 / 2021 ", "2020/21"),
                                             ("2099/00", "2099/00")])
def test_parse_year(text: str, label: str) -> None:
    y = parse_year(text)
    assert y.label == label and y.start.month == 4 and y.end.month == 3
    assert y.end.year == y.start.year + 1


@pytest.mark.parametrize("text", ["2020", "2020/22", "20/21", "1999/00", "", "2020-21x"])
def test_parse_year_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="financial year|outside"):
        parse_year(text)


def test_migrations_match_the_models() -> None:
    from django.core.management import call_command

    import cld.store  # noqa: F401  (configures Django)

    # exits with SystemExit(1) when a model change has no migration
    call_command("makemigrations", "store", "--check", "--dry-run", verbosity=0)
