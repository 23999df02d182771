import pytest
import yaml

from cld.derive.blocks.short_term_params import NFA_TIE, ShortTerm
from cld.derive.load import PROFILES as PROFILES_DIR
from cld.derive.load import load_profile
from cld.derive.outputs import ascof2a, sts001, sts002a
from cld.derive.profile import ProfileError
from cld.spec import load_spec

PROFILES = ("nhse-2023", "dhsc-2024")
SPEC = load_spec()
OUTCOMES = set(SPEC.lists["event_outcome"].canonical)
SERVICES = set(SPEC.lists["service_type"].canonical)
EVENT_TYPES = set(SPEC.lists["event_type"].canonical)
COMPONENTS = set(SPEC.lists["service_component"].canonical)


def section(name: str) -> ShortTerm:
    return load_profile(name).get("short_term", ShortTerm)


@pytest.mark.parametrize("name", PROFILES)
def test_every_value_a_profile_names_is_a_v42_value(name):
    p = section(name)
    # special sequel values the methods produce themselves (not input values)
    derived = {NFA_TIE}
    if p.st_max.sequel.method == "rules":
        derived.add(p.st_max.sequel.bed_sequel)
    assert set(p.new_client.lts_service_types) <= SERVICES
    assert set(p.outcome_rank) <= OUTCOMES and len(set(p.outcome_rank)) == len(p.outcome_rank)
    assert set(p.unusable_outcomes) <= set(p.outcome_rank)
    assert p.st_max.service_type in SERVICES
    for kind in (p.requests, p.st_max):
        s = kind.sequel
        assert set(s.services) <= SERVICES
        if s.method == "chain":
            assert set(s.breakers) <= EVENT_TYPES | SERVICES
            assert set(s.final_outcomes) <= OUTCOMES
        else:
            assert {s.deceased_outcome, s.hospital_outcome} <= OUTCOMES
            assert set(s.window_excluded_outcomes) <= OUTCOMES
            assert set(s.cut_at) <= SERVICES and s.bed_service in SERVICES
            assert set(s.bed_components) | set(s.equipment_components) <= COMPONENTS
            assert set(s.nested_types) <= EVENT_TYPES
            assert s.equipment_sequel in SERVICES
    for table in (p.sts001, p.sts002a):
        assert set(table.categories) <= OUTCOMES | SERVICES | derived
        if table.unchained_maps != "all":
            assert set(table.unchained_maps) <= OUTCOMES
    lists = set(p.ascof2a.denominator) | set(p.ascof2a.numerator)
    if p.ascof2a.match == "sequel":
        assert lists <= OUTCOMES | SERVICES | derived
    else:
        assert lists <= set(sts002a.SEQUELS)


@pytest.mark.parametrize("name", PROFILES)
def test_mappings_land_on_the_tables_labels_and_numerator_is_within_denominator(name):
    p = section(name)
    assert set(p.sts001.categories.values()) <= set(sts001.SEQUELS)
    assert set(p.sts002a.categories.values()) <= set(sts002a.SEQUELS)
    assert set(p.ascof2a.numerator) < set(p.ascof2a.denominator)
    bands = load_profile(name).common.age_bands[p.ascof2a.age_bands]
    assert {b.label for b in bands} <= set(ascof2a.AGE_GROUPS)


def test_profiles_differ_where_the_methods_do():
    n, d = section("nhse-2023"), section("dhsc-2024")
    assert (n.st_max.clustering.gap_days, d.st_max.clustering.gap_days) == (1, 7)
    assert (n.st_max.clustering.reference, d.st_max.clustering.reference) == (
        "previous_end", "running_max_end")
    assert (n.new_client.ended_within_days, d.new_client.ended_within_days) == (1, 91)
    assert (n.st_max.sequel.method, d.st_max.sequel.method) == ("chain", "rules")
    assert (n.requests.sequel.method, n.requests.sequel.first_within_days) == ("chain", 28)


def test_a_typo_in_a_profile_fails_when_it_loads(tmp_path):
    data = yaml.safe_load((PROFILES_DIR / "dhsc-2024.yaml").read_text(encoding="utf-8"))
    data["short_term"]["outcome_rank"][0] = "Progress to reablement/ST-Max"  # R2 spelling
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(ProfileError, match="outcome_rank.*not a v4.2 value"):
        load_profile(bad)
