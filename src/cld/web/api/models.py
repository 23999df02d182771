"""An organisation's API token: only the SHA-256 of its secret is kept, found by its prefix.

Each token has its own user (no password, so it cannot sign in to the pages) who is a member
of the organisation: the token passes the same rules as that organisation's users, and
whatever it does is recorded under that user's name, `token:<organisation>/<name>`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from cld.web.accounts.models import Organisation


class ApiToken(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT,
                                     related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16, unique=True)  # the token's public part
    digest = models.CharField(max_length=64)  # SHA-256 of the secret part, hex
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                related_name="api_token")
    created = models.DateTimeField(auto_now_add=True)
    created_by = models.CharField(max_length=150)
    last_used = models.DateTimeField(null=True)
    revoked = models.DateTimeField(null=True)  # None: in use

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "name"],
                                               name="one_token_name_per_organisation")]
