from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from cld.privacy.profiles import (
    DIR,
    IDENTIFIERS,
    ProfileError,
    Treatment,
    dataset_columns,
    load_profile,
    load_profile_file,
    profile_names,
)

KINDS = ["benchmark", "cqc", "icb", "la-own", "national", "research", "sector"]


def test_every_kind_of_recipient_has_a_profile_that_loads() -> None:
    assert profile_names() == KINDS
    for name in KINDS:
        p = load_profile(name)
        assert p.version >= 1 and p.clause and p.purpose and p.agreement
        for col in ("first_name", "last_name", "gp_practice_name", "event_description"):
            assert p.fields.get(col, Treatment.drop) == Treatment.drop
        if p.level in {"pseudonymised", "anonymised"}:
            assert p.fields["person_id"] == Treatment.tokenise
            assert not {c for c, h in p.fields.items() if h == Treatment.keep} & IDENTIFIERS
    assert load_profile("icb").fields["event_reference"] == Treatment.tokenise
    assert load_profile("benchmark").fields == {}


def test_the_dataset_has_the_trace_columns() -> None:
    cols = dataset_columns()
    assert cols[-2:] == ("traced_nhs_number", "trace_match_type")
    assert "la_code" in cols and cols.count("la_code") == 1


def _write(tmp_path: Path, name: str, change: dict[str, object]) -> Path:
    raw = yaml.safe_load((DIR / "icb.yaml").read_text())
    raw.update(change)
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(raw))
    return path


def _fields(**extra: str) -> dict[str, str]:
    raw = yaml.safe_load((DIR / "icb.yaml").read_text())["fields"]
    raw.update(extra)
    return raw


@pytest.mark.parametrize(("change", "message"), [
    ({"fields": _fields(shoe_size="keep")}, "icb.yaml: fields.shoe_size: not a column of "
     "the dataset"),
    ({"colour": "red"}, "colour: Extra inputs are not permitted"),
    ({"fields": _fields(last_name="keep")}, "fields.last_name: an identifier cannot be kept"),
    ({"fields": _fields(gender="tokenise")}, "fields.gender: only"),
    ({"fields": _fields(postcode="birth_year")}, "fields.postcode: birth_year applies to "
     "date_of_birth only"),
    ({"token_domain": None}, "token_domain: required"),
    ({"version": 0}, "version: Input should be greater than or equal to 1"),
    ({"rows": "own_la"}, "rows: own_la needs"),
])
def test_invalid_profiles_name_file_and_key(tmp_path: Path, change: dict[str, object],
                                            message: str) -> None:
    path = _write(tmp_path, "icb", change)
    with pytest.raises(ProfileError) as e:
        load_profile_file(path)
    assert str(e.value).startswith("icb.yaml: ")
    assert message in str(e.value)


def test_aggregate_profile_releases_no_row_field(tmp_path: Path) -> None:
    raw = yaml.safe_load((DIR / "benchmark.yaml").read_text())
    raw["fields"] = {"gender": "keep"}
    path = tmp_path / "benchmark.yaml"
    path.write_text(yaml.safe_dump(raw))
    with pytest.raises(ProfileError, match="no row-level field"):
        load_profile_file(path)
    raw["fields"] = {}
    raw["aggregate"]["by"] = ["la_code", "postcode"]
    path.write_text(yaml.safe_dump(raw))
    with pytest.raises(ProfileError, match="aggregate.by: postcode"):
        load_profile_file(path)


def test_name_must_match_file_and_unknown_profile(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match="differs from the file's name"):
        load_profile_file(_write(tmp_path, "other", {}))
    with pytest.raises(ProfileError, match="unknown dissemination profile 'nope'"):
        load_profile("nope")
