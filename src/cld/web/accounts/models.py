"""An organisation (an LA, a DSCRO region, the national team, a recipient, the administrators)
and each user's membership of one, with a role."""

from __future__ import annotations

from django.conf import settings
from django.db import models

LA, REGION, NATIONAL, RECIPIENT, ADMIN = "la", "region", "national", "recipient", "admin"
KINDS = [(LA, "local authority"), (REGION, "DSCRO region"), (NATIONAL, "national team"),
         (RECIPIENT, "recipient organisation"), (ADMIN, "administrators")]

LA_SUBMITTER, LA_ANALYST = "la_submitter", "la_analyst"
PROCESSOR, NATIONAL_ANALYST = "regional_processor", "national_analyst"
RECIPIENT_USER, ADMINISTRATOR = "recipient", "administrator"
#: role -> the kind of organisation it belongs to
ROLES: dict[str, str] = {LA_SUBMITTER: LA, LA_ANALYST: LA, PROCESSOR: REGION,
                         NATIONAL_ANALYST: NATIONAL, RECIPIENT_USER: RECIPIENT,
                         ADMINISTRATOR: ADMIN}


class Organisation(models.Model):
    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=10, choices=KINDS)
    la_code = models.CharField(max_length=9, blank=True)  # kind "la"
    dscro_region = models.CharField(max_length=200, blank=True)  # kind "region"
    # kinds "recipient" and "national": the dissemination profile its extracts are made under
    # (cld.privacy.profiles) and its id among the profile's recipients (an ICB's code...)
    profile = models.CharField(max_length=40, blank=True)
    recipient_code = models.CharField(max_length=20, blank=True)

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="membership")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT,
                                     related_name="members")
    role = models.CharField(max_length=20, choices=[(r, r) for r in ROLES])
