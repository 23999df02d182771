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


def add_org(name: str, kind: str, *, la: str | None = None,
            region: str | None = None) -> m.Organisation:
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
    org = m.Organisation.objects.create(name=name, kind=kind, la_code=la or "",
                                        dscro_region=region or "")
    _audit("add organisation", organisation=name, kind=kind, la=la or "",
           region=region or "")
    return org


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
