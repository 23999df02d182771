from datetime import date

import pytest
import yaml

from cld.derive.load import PROFILES as PROFILE_DIR
from cld.derive.load import load_profile
from cld.derive.outputs import ascof3d
from cld.derive.outputs.long_term import (
    CARER_LABELS,
    ETHNICITY_LABELS,
    PSR_LABELS,
    REASON_LABELS,
    REVIEW_SETTING_LABELS,
    SETTING_LABELS,
    LongTerm,
    months_before,
)
from cld.derive.profile import ProfileError, parse_profile
from cld.derive.registry import NOT_PRODUCED
from cld.spec import load_spec

PROFILES = ("nhse-2023", "dhsc-2024")
SPEC = load_spec()


def canonical(list_id: str) -> list[str]:
    return SPEC.lists[list_id].canonical


def lt(name: str) -> LongTerm:
    return load_profile(name).get("long_term", LongTerm)


@pytest.mark.parametrize("name", PROFILES)
def test_every_value_the_profile_names_is_a_v42_value(name):
    s = lt(name)
    assert set(s.service_types) == set(SPEC.group("long_term_service_types"))
    for r in s.hierarchy.rules:
        assert r.service_type in canonical("service_type")
        assert r.mechanism is None or r.mechanism in canonical("delivery_mechanism")
    dp = s.hierarchy.dp_component
    assert dp.service_type in canonical("service_type")
    assert dp.component in canonical("service_component")
    lists = {"primary_support_reason": "primary_support_reason", "has_informal_carer":
             "yes_no_unknown", "gender": "gender", "ethnicity": "ethnicity"}
    for item, rule in s.attributes.attributes.items():
        for v in [*rule.lower, *rule.rename]:
            assert v in canonical(lists[item]), (item, v)
    assert set(s.reviews.planned) | set(s.reviews.unplanned) <= set(canonical("review_reason"))
    assert set(s.reviews.planned_outcomes) <= set(canonical("event_outcome"))


@pytest.mark.parametrize("name", PROFILES)
def test_every_label_the_profile_gives_is_a_label_of_its_table(name):
    s = lt(name)
    assert {r.label for r in s.hierarchy.rules} == set(SETTING_LABELS)
    assert sorted(r.rank for r in s.hierarchy.rules) == list(range(1, 9))
    a = s.attributes.attributes
    psr = a["primary_support_reason"]
    assert {psr.conflict, psr.invalid, *psr.rename.values()} <= set(PSR_LABELS)
    assert set(PSR_LABELS) - {"Unknown", "Invalid/NULL"} == set(
        canonical("primary_support_reason")) - set(psr.rename)
    carer = a["has_informal_carer"]
    assert {carer.conflict, carer.invalid, *carer.rename.values()} <= set(CARER_LABELS)
    eth = a["ethnicity"]
    assert {eth.conflict, eth.invalid} <= set(ETHNICITY_LABELS)
    assert set(s.reviews.unplanned.values()) == set(REASON_LABELS)
    assert set(s.reviews.settings.values()) == set(REVIEW_SETTING_LABELS)
    assert set(s.reviews.settings) == {r.setting for r in s.hierarchy.rules}
    bands = [b.label for b in load_profile(name).common.age_bands[s.age_bands]][:2]
    assert bands == list(ascof3d.GROUPS[:2])


def test_profiles_differ_only_where_the_methods_do():
    a, b = load_profile("nhse-2023").flat(), load_profile("dhsc-2024").flat()
    differ = {k for k in a if k.startswith("long_term.") and a[k] != b.get(k)}
    assert differ == {
        "long_term.attributes.order",
        "long_term.attributes.attributes.primary_support_reason.invalid",
        "long_term.attributes.attributes.ethnicity.lower.Undeclared / Not known",
        "long_term.chain.compare",
        "long_term.ascof3d.unknown_age_in_total",
    }


def test_months_before_clamps_to_the_month_end():
    assert months_before(date(2024, 3, 31), 12) == date(2023, 3, 31)
    assert months_before(date(2024, 2, 29), 12) == date(2023, 2, 28)
    assert months_before(date(2024, 1, 31), 2) == date(2023, 11, 30)


def test_carers_outputs_are_listed_as_not_produced_with_the_reason():
    assert "Client Type" in NOT_PRODUCED["LTS003"]
    assert "Client Type" in NOT_PRODUCED["ASCOF3D-carers"]


@pytest.mark.parametrize(("path", "value"), [
    (("hierarchy", "rules", 2, "mechanism"), "Community: Direct Payments"),
    (("reviews", "planned_outcomes", 0), "Progress to Reablement / ST-Max"),
    (("attributes", "attributes", "ethnicity", "lower", "Not known"), 1),
])
def test_a_typo_in_a_profile_value_fails_when_it_loads(path, value):
    data = yaml.safe_load((PROFILE_DIR / "dhsc-2024.yaml").read_text(encoding="utf-8"))
    node = data["long_term"]
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    with pytest.raises(ProfileError, match="not a v4.2"):
        parse_profile(data, "typo.yaml")
