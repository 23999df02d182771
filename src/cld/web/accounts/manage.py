"""Adding organisations and users, (de)activating users, clearing their lockout: for `cld orgs
add`, `cld users add` and the administrators' pages. `by`: the administrator (else the CLI's
user), recorded in the audit trail."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from cld.errors import CldError
from cld.web.accounts import models as m
from cld.web.accounts.rules import region_las


class AccountError(CldError):
    """An organisation or user that cannot be added as asked; `field`: the form field at
    fault (name, kind, la, region, email, role, organisation, password)."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


def add_org(name: str, kind: str, *, la: str | None = None, region: str | None = None,
            profile: str | None = None, recipient: str | None = None,
            by: str | None = None) -> m.Organisation:
    from cld.spec.register import all_las

    kinds = [k for k, _ in m.KINDS]
    if kind not in kinds:
        raise AccountError(f"unknown organisation kind {kind!r} (choose from "
                           f"{', '.join(kinds)})", "kind")
    if kind == m.LA and (not la or la not in all_las()):
        raise AccountError(f"an LA organisation needs an LA code from the register "
                           f"(got {la!r})", "la")
    if kind == m.REGION and (not region or not region_las(region)):
        raise AccountError(f"unknown DSCRO region {region!r} (the register has: "
                           f"{'; '.join(regions())})", "region")
    if (la and kind != m.LA) or (region and kind != m.REGION):
        raise AccountError("an LA code goes with kind la, a region with kind region only",
                           "la" if la and kind != m.LA else "region")
    if m.Organisation.objects.filter(name=name).exists():
        raise AccountError(f"there is already an organisation called {name!r}", "name")
    recipient = _dissemination(kind, profile, recipient)
    org = m.Organisation.objects.create(name=name, kind=kind, la_code=la or "",
                                        dscro_region=region or "", profile=profile or "",
                                        recipient_code=recipient or "")
    given = {"profile": profile, "recipient": recipient or ""} if profile else {}
    _audit("add organisation", by=by, organisation=name, kind=kind, la=la or "",
           region=region or "", **given)
    return org


def recipient_profiles() -> list[str]:
    """The dissemination profiles an organisation can receive under: not an LA's own."""
    from cld.privacy.profiles import load_profile, profile_names

    return [p for p in profile_names() if load_profile(p).rows != "own_la"]


def _dissemination(kind: str, profile: str | None, recipient: str | None) -> str | None:
    """The recipient's id under `profile` (checked against the profile registry): given, or
    the profile's only recipient. A recipient organisation must have a profile."""
    from cld.privacy.extract import recipients
    from cld.privacy.profiles import load_profile

    if kind not in (m.RECIPIENT, m.NATIONAL):
        if profile or recipient:
            raise AccountError("a dissemination profile goes with kind recipient or national "
                               "only", "profile" if profile else "recipient")
        return None
    if not profile:
        if kind == m.RECIPIENT:
            raise AccountError("a recipient organisation needs a dissemination profile "
                               f"(choose from {', '.join(recipient_profiles())})", "profile")
        if recipient:
            raise AccountError("a recipient id goes with a dissemination profile", "profile")
        return None
    if profile not in recipient_profiles():
        raise AccountError(f"unknown dissemination profile {profile!r} for an organisation "
                           f"(choose from {', '.join(recipient_profiles())})", "profile")
    allowed = recipients(load_profile(profile))
    if not recipient and len(allowed) == 1:
        return next(iter(allowed))
    if recipient not in allowed:
        shown = ", ".join(sorted(allowed)[:12]) + (", ..." if len(allowed) > 12 else "")
        raise AccountError(f"profile {profile} has no recipient {recipient!r} (its recipients: "
                           f"{shown})", "recipient")
    return recipient


def regions() -> list[str]:
    """The DSCRO regions of the register (every year's)."""
    from cld.spec.register import all_las

    return sorted({x.region for x in all_las().values()})


def add_user(email: str, role: str, org: str, password: str, *,
             by: str | None = None) -> Any:
    if not email or "@" not in email:
        raise AccountError(f"a user name is their email address (got {email!r})", "email")
    if role not in m.ROLES:
        raise AccountError(f"unknown role {role!r} (choose from {', '.join(m.ROLES)})",
                           "role")
    o = m.Organisation.objects.filter(name=org).first()
    if o is None:
        raise AccountError(f"no organisation called {org!r}: add it first", "organisation")
    if o.kind != m.ROLES[role]:
        raise AccountError(f"the role {role} belongs to a {m.ROLES[role]} organisation, "
                           f"but {org!r} is of kind {o.kind}", "role")
    users = get_user_model()
    if users.objects.filter(username=email).exists():
        raise AccountError(f"there is already a user {email}", "email")
    try:
        validate_password(password)
    except ValidationError as exc:
        raise AccountError("the password is too weak: " + " ".join(exc.messages),
                           "password") from None
    with transaction.atomic():
        user = users.objects.create_user(username=email, email=email, password=password)
        m.Membership.objects.create(user=user, organisation=o, role=role)
    _audit("add user", by=by, user=email, role=role, organisation=org)
    return user


def add_totp(email: str) -> str:
    """Give the user a TOTP authenticator (sign-in then asks for its code); returns the
    otpauth:// URL to enter in the app (a secret: show it to that user only)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = get_user_model().objects.filter(username=email).first()
    if user is None:
        raise AccountError(f"no user {email}")
    if TOTPDevice.objects.filter(user=user).exists():
        raise AccountError(f"{email} already has an authenticator")
    device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    _audit("add authenticator", user=email)
    return str(device.config_url)


def _user(email: str) -> Any:
    user = get_user_model().objects.filter(username=email).first()
    if user is None:
        raise AccountError(f"no user {email}", "email")
    return user


def set_active(email: str, active: bool, *, by: str | None = None) -> None:
    """Let a user sign in again, or stop them (their account and history stay)."""
    user = _user(email)
    if not active and by == email:
        raise AccountError("you cannot deactivate yourself", "email")
    user.is_active = active
    user.save(update_fields=["is_active"])
    _audit("reactivate user" if active else "deactivate user", by=by, user=email)


def unlock(email: str, *, by: str | None = None) -> int:
    """Clear a user's failed sign-ins (django-axes): a locked user may sign in again.
    Returns how many records of failures were removed."""
    from axes.utils import reset

    _user(email)
    removed = int(reset(username=email))
    _audit("unlock user", by=by, user=email)
    return removed


def locked() -> set[str]:
    """The user names locked out now (the limit of failures reached within the cool-off)."""
    from datetime import UTC, datetime

    from axes.helpers import get_cool_off
    from axes.models import AccessAttempt
    from django.conf import settings

    attempts = AccessAttempt.objects.filter(
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT)
    cool_off = get_cool_off()
    if cool_off is not None:
        attempts = attempts.filter(attempt_time__gte=datetime.now(UTC) - cool_off)
    return set(attempts.values_list("username", flat=True))


def user_rows() -> list[dict[str, Any]]:
    """Every user: email, organisation, role, TOTP or not, active or not, locked or not."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    totp = set(TOTPDevice.objects.filter(confirmed=True).values_list("user_id", flat=True))
    out = locked()
    rows = []
    for u in get_user_model().objects.select_related(
            "membership__organisation").order_by("username"):
        ms = getattr(u, "membership", None)
        rows.append({"id": u.pk, "email": u.get_username(),
                     "organisation": ms.organisation.name if ms else "",
                     "role": ms.role if ms else "", "totp": u.pk in totp,
                     "active": u.is_active, "locked": u.get_username() in out})
    return rows


def _audit(action: str, *, by: str | None = None, **details: str) -> None:
    """Account changes go in the store's audit trail too: by the administrator who made them
    in the portal, else by whoever ran the command."""
    from cld.store.core import default_actor
    from cld.web import boot

    boot.store().record(by or default_actor(), action, via="portal" if by else "cli",
                        **details)
