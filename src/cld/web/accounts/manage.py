"""Adding organisations and users (for `cld orgs add` and `cld users add`)."""

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
    """An organisation or user that cannot be added as asked."""


def add_org(name: str, kind: str, *, la: str | None = None, region: str | None = None,
            profile: str | None = None, recipient: str | None = None) -> m.Organisation:
    from cld.spec.register import all_las

    kinds = [k for k, _ in m.KINDS]
    if kind not in kinds:
        raise AccountError(f"unknown organisation kind {kind!r} (choose from "
                           f"{', '.join(kinds)})")
    if kind == m.LA and (not la or la not in all_las()):
        raise AccountError(f"an LA organisation needs an LA code from the register "
                           f"(got {la!r})")
    if kind == m.REGION and (not region or not region_las(region)):
        regions = sorted({x.region for x in all_las().values()})
        raise AccountError(f"unknown DSCRO region {region!r} (the register has: "
                           f"{'; '.join(regions)})")
    if (la and kind != m.LA) or (region and kind != m.REGION):
        raise AccountError("an LA code goes with kind la, a region with kind region only")
    if m.Organisation.objects.filter(name=name).exists():
        raise AccountError(f"there is already an organisation called {name!r}")
    recipient = _dissemination(kind, profile, recipient)
    org = m.Organisation.objects.create(name=name, kind=kind, la_code=la or "",
                                        dscro_region=region or "", profile=profile or "",
                                        recipient_code=recipient or "")
    given = {"profile": profile, "recipient": recipient or ""} if profile else {}
    _audit("add organisation", organisation=name, kind=kind, la=la or "",
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
                               "only")
        return None
    if not profile:
        if kind == m.RECIPIENT:
            raise AccountError("a recipient organisation needs a dissemination profile "
                               f"(choose from {', '.join(recipient_profiles())})")
        if recipient:
            raise AccountError("a recipient id goes with a dissemination profile")
        return None
    if profile not in recipient_profiles():
        raise AccountError(f"unknown dissemination profile {profile!r} for an organisation "
                           f"(choose from {', '.join(recipient_profiles())})")
    allowed = recipients(load_profile(profile))
    if not recipient and len(allowed) == 1:
        return next(iter(allowed))
    if recipient not in allowed:
        shown = ", ".join(sorted(allowed)[:12]) + (", ..." if len(allowed) > 12 else "")
        raise AccountError(f"profile {profile} has no recipient {recipient!r} (its recipients: "
                           f"{shown})")
    return recipient


def add_user(email: str, role: str, org: str, password: str) -> Any:
    if role not in m.ROLES:
        raise AccountError(f"unknown role {role!r} (choose from {', '.join(m.ROLES)})")
    o = m.Organisation.objects.filter(name=org).first()
    if o is None:
        raise AccountError(f"no organisation called {org!r}: add it first")
    if o.kind != m.ROLES[role]:
        raise AccountError(f"the role {role} belongs to a {m.ROLES[role]} organisation, "
                           f"but {org!r} is of kind {o.kind}")
    users = get_user_model()
    if users.objects.filter(username=email).exists():
        raise AccountError(f"there is already a user {email}")
    try:
        validate_password(password)
    except ValidationError as exc:
        raise AccountError("the password is too weak: " + " ".join(exc.messages)) from None
    with transaction.atomic():
        user = users.objects.create_user(username=email, email=email, password=password)
        m.Membership.objects.create(user=user, organisation=o, role=role)
    _audit("add user", user=email, role=role, organisation=org)
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


def _audit(action: str, **details: str) -> None:
    """Account changes go in the store's audit trail too (by whoever ran the command)."""
    from cld.store.core import default_actor
    from cld.web import boot

    boot.store().record(default_actor(), action, via="cli", **details)
