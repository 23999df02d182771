"""Making, listing, revoking and checking API tokens (`cld tokens`, the API's sign-in).

A token reads `cld_<prefix>_<secret>`: the prefix finds it, the secret (32 random bytes) is
shown once and only its SHA-256 is kept; the check compares digests in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from cld.web.accounts import models as m
from cld.web.accounts.manage import AccountError, _audit
from cld.web.api.models import ApiToken

#: the role a token has, by its organisation's kind: an LA's token submits; the others read
ROLE_OF_KIND = {m.LA: m.LA_SUBMITTER, m.REGION: m.PROCESSOR, m.NATIONAL: m.NATIONAL_ANALYST,
                m.RECIPIENT: m.RECIPIENT_USER, m.ADMIN: m.ADMINISTRATOR}
_UNKNOWN = hashlib.sha256(b"no such token").hexdigest()


def actor(org: str, name: str) -> str:
    """The name the audit trail records for the token's actions."""
    return f"token:{org}/{name}"


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


def new_token(org: str, name: str, by: str) -> tuple[ApiToken, str]:
    """A new token for the organisation; returns it and the token text (shown once)."""
    o = m.Organisation.objects.filter(name=org).first()
    if o is None:
        raise AccountError(f"no organisation called {org!r}")
    if not name.strip() or len(name) > 100:
        raise AccountError("a token needs a name of 1 to 100 characters")
    if ApiToken.objects.filter(organisation=o, name=name).exists():
        raise AccountError(f"{org!r} already has a token called {name!r} (revoked ones "
                           "keep their name): choose another name")
    prefix, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
    with transaction.atomic():
        user = get_user_model().objects.create_user(username=actor(org, name))
        user.set_unusable_password()  # it cannot sign in to the pages
        user.save()
        m.Membership.objects.create(user=user, organisation=o, role=ROLE_OF_KIND[o.kind])
        token = ApiToken.objects.create(organisation=o, name=name, prefix=prefix,
                                        digest=_digest(secret), user=user, created_by=by)
    _audit("add api token", organisation=org, token=name, prefix=prefix)
    return token, f"cld_{prefix}_{secret}"


def tokens() -> list[ApiToken]:
    """Every token, revoked ones included, by organisation and name."""
    return list(ApiToken.objects.select_related("organisation")
                .order_by("organisation__name", "name"))


def revoke(org: str, name: str) -> ApiToken:
    token = ApiToken.objects.filter(organisation__name=org, name=name).first()
    if token is None:
        raise AccountError(f"{org!r} has no token called {name!r}")
    if token.revoked is None:
        token.revoked = timezone.now()
        token.save(update_fields=["revoked"])
        get_user_model().objects.filter(pk=token.user_id).update(is_active=False)
        _audit("revoke api token", organisation=org, token=name, prefix=token.prefix)
    return token


def authenticate(header: str) -> Any:
    """The user of the token in an `Authorization: Bearer <token>` header, or None (no
    header, not a token, unknown, wrong secret, revoked)."""
    scheme, _, text = header.partition(" ")
    parts = text.strip().split("_", 2)
    if scheme.lower() != "bearer" or len(parts) != 3 or parts[0] != "cld":
        return None
    token = (ApiToken.objects.select_related("user__membership__organisation")
             .filter(prefix=parts[1]).first())
    ok = hmac.compare_digest(_digest(parts[2]) if parts[2].isascii() else "",
                             token.digest if token else _UNKNOWN)
    if token is None or not ok or token.revoked is not None:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used=timezone.now())
    return token.user
