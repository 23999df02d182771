"""Who may do what: `rules` predicates over a user and, where a page is about one LA, its code.

Deny by default: a user without a membership satisfies none of them.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import rules

from cld.web.accounts import models as m


def role(user: Any) -> str | None:
    ms = getattr(user, "membership", None) if user.is_authenticated else None
    return ms.role if ms is not None else None


@cache
def region_las(region: str) -> frozenset[str]:
    """The LA codes of a DSCRO region, from the register (every year's)."""
    from cld.spec.register import all_las

    return frozenset(code for code, la in all_las().items() if la.region == region)


@rules.predicate
def signed_in(user: Any) -> bool:
    return bool(user.is_authenticated)


@rules.predicate
def is_la_user(user: Any) -> bool:
    return role(user) in (m.LA_SUBMITTER, m.LA_ANALYST)


@rules.predicate
def is_submitter(user: Any) -> bool:
    return role(user) == m.LA_SUBMITTER


@rules.predicate
def is_processor(user: Any) -> bool:
    return role(user) == m.PROCESSOR


@rules.predicate
def is_national(user: Any) -> bool:
    return role(user) == m.NATIONAL_ANALYST


@rules.predicate
def is_admin(user: Any) -> bool:
    return role(user) == m.ADMINISTRATOR


@rules.predicate
def sees_la(user: Any, la_code: str | None) -> bool:
    """The LA's own users, the processors of its region and national analysts."""
    r = role(user)
    if r is None or la_code is None:
        return False
    org = user.membership.organisation
    if r in (m.LA_SUBMITTER, m.LA_ANALYST):
        return bool(org.la_code == la_code)
    if r == m.PROCESSOR:
        return la_code in region_las(org.dscro_region)
    return r == m.NATIONAL_ANALYST


def las_seen(user: Any) -> frozenset[str] | None:
    """The LA codes a tracker shows the user (None: all of them)."""
    r = role(user)
    if r == m.PROCESSOR:
        return region_las(user.membership.organisation.dscro_region)
    if r == m.NATIONAL_ANALYST:
        return None
    return frozenset()


def own_la(user: Any) -> str | None:
    return str(user.membership.organisation.la_code) if is_la_user(user) else None


@rules.predicate
def is_recipient(user: Any) -> bool:
    return role(user) == m.RECIPIENT_USER


@rules.predicate
def receives(user: Any, org_id: str | None) -> bool:
    """A recipient's or national analyst's own organisation's extracts (org_id: its pk)."""
    if role(user) not in (m.RECIPIENT_USER, m.NATIONAL_ANALYST) or org_id is None:
        return False
    return str(user.membership.organisation_id) == org_id


def own_org(user: Any) -> Any:
    ms = getattr(user, "membership", None) if user.is_authenticated else None
    return ms.organisation if ms is not None else None
