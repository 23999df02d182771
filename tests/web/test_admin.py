"""The administrators' pages: users (list, add, deactivate and reactivate, clear a lockout)
and organisations (list, add); every change audited with the administrator's name."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from tests.web.conftest import PASSWORD
from tests.web.test_uploads import signed_in

ADMIN = "admin@example.test"


def last_event(portal: Any) -> dict[str, Any]:
    from cld.store.queries import audit_events

    event = audit_events(portal.store, 1)[0]
    return {"actor": event["actor"], "action": event["action"],
            **json.loads(event["details"])}


def row(page: str, email: str) -> list[str]:
    """The cells of the users table's row for `email` (tags and hidden text removed)."""
    start = page.index(f'<th scope="row" class="govuk-table__header">{email}</th>')
    html = page[start:page.index("</tr>", start)]
    html = re.sub(r'<span class="govuk-visually-hidden">[^<]*</span>', "", html)
    return [" ".join(re.sub(r"<[^>]+>", " ", c).split())
            for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", html, re.S)]


def can_sign_in(email: str) -> bool:
    from django.test import Client

    r = Client().post("/login/", {"username": email, "password": PASSWORD})
    return r.status_code == 302


def test_the_users_list_shows_organisation_role_two_factor_and_status(portal: Any) -> None:
    from cld.web.accounts.manage import add_totp, add_user

    add_user("listed@example.test", "regional_processor", "Region B", PASSWORD)
    add_totp("listed@example.test")
    page = signed_in(portal, "admin").get("/admin/users/").content.decode()
    assert row(page, "sub_a@example.test") == [
        "sub_a@example.test", "LA A", "la submitter", "No", "Active", "Deactivate"]
    assert row(page, "listed@example.test") == [
        "listed@example.test", "Region B", "regional processor", "Yes", "Active", "Deactivate"]


def test_an_administrator_adds_a_user_who_can_then_sign_in(portal: Any) -> None:
    from django.contrib.auth import get_user_model

    c = signed_in(portal, "admin")
    r = c.post("/admin/users/add/", {"email": "new.analyst@example.test",
                                     "organisation": "LA B", "role": "la_analyst",
                                     "password": PASSWORD})
    assert r.status_code == 302 and r["Location"] == "/admin/users/"
    user = get_user_model().objects.get(username="new.analyst@example.test")
    assert (user.membership.organisation.la_code, user.membership.role) == ("716", "la_analyst")
    assert last_event(portal) == {"actor": ADMIN, "action": "add user", "via": "portal",
                                  "user": "new.analyst@example.test", "role": "la_analyst",
                                  "organisation": "LA B"}
    page = c.get("/admin/users/").content.decode()
    assert '<p class="govuk-notification-banner__heading" id="note">Added the user ' \
        'new.analyst@example.test</p>' in page
    assert "Added the user" not in c.get("/admin/users/").content.decode()  # shown once
    assert can_sign_in("new.analyst@example.test")


@pytest.mark.parametrize(("form", "field", "says"), [
    ({"role": "regional_processor"}, "role",
     "The role regional_processor belongs to a region organisation, but &#39;LA A&#39; is "
     "of kind la"),
    ({"password": "short"}, "password", "The password is too weak"),
    ({"email": "sub_a@example.test"}, "email", "There is already a user sub_a@example.test"),
    ({"email": "not an address"}, "email", "A user name is their email address"),
    ({"organisation": ""}, "organisation", "No organisation called &#39;&#39;: add it first"),
    ({"role": "owner"}, "role", "Unknown role &#39;owner&#39;"),
])
def test_a_user_that_cannot_be_added_is_explained_in_the_error_summary(
        portal: Any, form: dict[str, str], field: str, says: str) -> None:
    from django.contrib.auth import get_user_model

    from cld.store.queries import audit_events

    users, events = get_user_model().objects.count(), len(audit_events(portal.store, 10_000))
    good = {"email": "refused@example.test", "organisation": "LA A", "role": "la_analyst",
            "password": PASSWORD}
    r = signed_in(portal, "admin").post("/admin/users/add/", good | form)
    page = r.content.decode()
    assert r.status_code == 400
    summary = page[page.index('<div class="govuk-error-summary"'):]
    assert f'<li><a href="#{field}">{says}' in summary, summary[:600]
    assert f'<p class="govuk-error-message" id="{field}-error">' in page
    assert get_user_model().objects.count() == users
    assert len(audit_events(portal.store, 10_000)) == events


def test_a_deactivated_user_cannot_sign_in_until_reactivated(portal: Any) -> None:
    from django.contrib.auth import get_user_model

    from cld.web.accounts.manage import add_user

    user = add_user("leaver@example.test", "la_analyst", "LA A", PASSWORD)
    c = signed_in(portal, "admin")
    r = c.post(f"/admin/users/{user.pk}/active/", {"active": "no"})
    assert r.status_code == 302 and r["Location"] == "/admin/users/"
    assert not get_user_model().objects.get(pk=user.pk).is_active
    assert last_event(portal) == {"actor": ADMIN, "action": "deactivate user",
                                  "via": "portal", "user": "leaver@example.test"}
    assert row(c.get("/admin/users/").content.decode(), "leaver@example.test")[4:] == [
        "Deactivated", "Reactivate"]
    assert not can_sign_in("leaver@example.test")
    c.post(f"/admin/users/{user.pk}/active/", {"active": "yes"})
    assert last_event(portal)["action"] == "reactivate user"
    assert can_sign_in("leaver@example.test")


def test_an_administrator_cannot_deactivate_themselves(portal: Any) -> None:
    me = portal.users["admin"]
    r = signed_in(portal, "admin").post(f"/admin/users/{me.pk}/active/", {"active": "no"})
    assert r.status_code == 409 and "you cannot deactivate yourself" in r.content.decode()
    me.refresh_from_db()
    assert me.is_active


def test_clearing_a_lockout_lets_the_user_sign_in_again(portal: Any) -> None:
    from django.test import Client

    from cld.web.accounts.manage import add_user

    user = add_user("forgetful@example.test", "national_analyst", "National", PASSWORD)
    c = Client()
    for n in range(5):
        c.post("/login/", {"username": "forgetful@example.test", "password": f"wrong {n}"})
    assert not can_sign_in("forgetful@example.test")  # locked out
    admin = signed_in(portal, "admin")
    assert "Locked out" in row(admin.get("/admin/users/").content.decode(),
                               "forgetful@example.test")[4]
    r = admin.post(f"/admin/users/{user.pk}/unlock/")
    assert r.status_code == 302
    assert last_event(portal) == {"actor": ADMIN, "action": "unlock user", "via": "portal",
                                  "user": "forgetful@example.test"}
    assert "Locked out" not in row(admin.get("/admin/users/").content.decode(),
                                   "forgetful@example.test")[4]
    assert can_sign_in("forgetful@example.test")


def test_an_administrator_lists_and_adds_organisations(portal: Any) -> None:
    from cld.web.accounts.models import Organisation

    c = signed_in(portal, "admin")
    page = c.get("/admin/orgs/").content.decode()
    assert re.search(r'<th scope="row" class="govuk-table__header">LA A</th>\s*'
                     r'<td class="govuk-table__cell">local authority</td>'
                     r'<td class="govuk-table__cell">503</td>', page)
    r = c.post("/admin/orgs/add/", {"name": "Region NEL two", "kind": "region",
                                    "region": "North & East London (NEL)", "la": ""})
    assert r.status_code == 302 and r["Location"] == "/admin/orgs/"
    org = Organisation.objects.get(name="Region NEL two")
    assert (org.kind, org.dscro_region, org.la_code) == ("region",
                                                          "North & East London (NEL)", "")
    assert last_event(portal) == {"actor": ADMIN, "action": "add organisation",
                                  "via": "portal", "organisation": "Region NEL two",
                                  "kind": "region", "la": "", "region":
                                  "North & East London (NEL)"}
    assert "Added the organisation Region NEL two" in c.get("/admin/orgs/").content.decode()
    r = c.post("/admin/orgs/add/", {"name": "CQC two", "kind": "recipient", "profile": "cqc",
                                    "recipient": "", "la": "", "region": ""})
    assert r.status_code == 302  # the cqc profile has one recipient: taken as given
    org = Organisation.objects.get(name="CQC two")
    assert (org.kind, org.profile, org.recipient_code) == ("recipient", "cqc", "CQC")
    assert last_event(portal)["profile"] == "cqc"
    orgs = c.get("/admin/orgs/").content.decode()
    assert "<td class=\"govuk-table__cell\">cqc (CQC)</td>" in orgs


@pytest.mark.parametrize(("form", "field", "says"), [
    ({"name": ""}, "name", "Enter the organisation&#39;s name"),
    ({"name": "LA A"}, "name", "There is already an organisation called &#39;LA A&#39;"),
    ({"la": "999"}, "la", "An LA organisation needs an LA code from the register"),
    ({"kind": "region", "la": "", "region": "Atlantis"}, "region", "Unknown DSCRO region"),
    ({"region": "GEM"}, "region", "An LA code goes with kind la, a region with kind region"),
    ({"kind": "club"}, "kind", "Unknown organisation kind &#39;club&#39;"),
    ({"kind": "recipient", "la": ""}, "profile",
     "A recipient organisation needs a dissemination profile"),
    ({"kind": "recipient", "la": "", "profile": "sector", "recipient": "Nobody"},
     "recipient", "Profile sector has no recipient &#39;Nobody&#39;"),
])
def test_an_organisation_that_cannot_be_added_is_explained(
        portal: Any, form: dict[str, str], field: str, says: str) -> None:
    from cld.web.accounts.models import Organisation

    before = Organisation.objects.count()
    good = {"name": "Refused org", "kind": "la", "la": "318", "region": ""}
    r = signed_in(portal, "admin").post("/admin/orgs/add/", good | form)
    assert r.status_code == 400
    page = r.content.decode()
    assert f'<li><a href="#{field}">{says}' in page, page[page.find("error-summary"):][:600]
    assert Organisation.objects.count() == before


@pytest.mark.parametrize("who", ["sub_a", "proc_a", "national", "recipient"])
def test_only_administrators_may_change_accounts(portal: Any, who: str) -> None:
    from django.contrib.auth import get_user_model

    from cld.web.accounts.models import Organisation

    target = portal.users["sub_b"]
    c = signed_in(portal, who)
    posts = [("/admin/users/add/", {"email": f"{who}.made@example.test", "role": "la_analyst",
                                    "organisation": "LA A", "password": PASSWORD}),
             (f"/admin/users/{target.pk}/active/", {"active": "no"}),
             (f"/admin/users/{target.pk}/unlock/", {}),
             ("/admin/orgs/add/", {"name": f"{who} org", "kind": "national"})]
    for url, data in posts:
        assert c.post(url, data).status_code == 403, url
    assert not get_user_model().objects.filter(username=f"{who}.made@example.test").exists()
    assert get_user_model().objects.get(pk=target.pk).is_active
    assert not Organisation.objects.filter(name=f"{who} org").exists()


def test_account_changes_need_the_csrf_token(portal: Any) -> None:
    from django.test import Client

    c = Client(enforce_csrf_checks=True)
    c.force_login(portal.users["admin"])
    target = portal.users["sub_b"]
    assert c.post(f"/admin/users/{target.pk}/active/", {"active": "no"}).status_code == 403
    target.refresh_from_db()
    assert target.is_active
