"""The demo's organisations and users (`cld demo`): one user of each role over the demo
store's LAs, all with one password made afresh for each demo (the data is synthetic)."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from cld.web.accounts import models as m
from cld.web.accounts.manage import add_org, add_user

DOMAIN = "demo.example"  # a reserved name: no real mailbox


@dataclass(frozen=True)
class DemoUser:
    email: str
    role: str
    organisation: str


def demo_accounts(las: Iterable[str]) -> tuple[str, list[DemoUser]]:
    """(the password, the users): a submitter and an analyst per LA, a processor per DSCRO
    region of those LAs, a national analyst (national profile), a recipient (ADASS, under
    the sector profile) and an administrator."""
    from cld.spec.register import all_las

    register = all_las()
    orgs: list[tuple[str, str, dict[str, str]]] = []
    users: list[DemoUser] = []
    for code in las:
        name = register[code].name
        orgs.append((name, m.LA, {"la": code}))
        users += [DemoUser(f"submitter-{code}@{DOMAIN}", m.LA_SUBMITTER, name),
                  DemoUser(f"analyst-{code}@{DOMAIN}", m.LA_ANALYST, name)]
    for n, region in enumerate(sorted({register[c].region for c in las}), start=1):
        orgs.append((f"{region} DSCRO", m.REGION, {"region": region}))
        users.append(DemoUser(f"processor-{n}@{DOMAIN}", m.PROCESSOR, f"{region} DSCRO"))
    orgs += [("National team", m.NATIONAL, {"profile": "national", "recipient": "NHSE"}),
             ("ADASS", m.RECIPIENT, {"profile": "sector", "recipient": "ADASS"}),
             ("Administrators", m.ADMIN, {})]
    users += [DemoUser(f"national@{DOMAIN}", m.NATIONAL_ANALYST, "National team"),
              DemoUser(f"recipient@{DOMAIN}", m.RECIPIENT_USER, "ADASS"),
              DemoUser(f"admin@{DOMAIN}", m.ADMINISTRATOR, "Administrators")]
    password = "-".join(secrets.token_urlsafe(6) for _ in range(3))
    for name, kind, kw in orgs:
        add_org(name, kind, **kw)
    for u in users:
        add_user(u.email, u.role, u.organisation, password)
    return password, users
