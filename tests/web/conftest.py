"""The portal in this process: Django switched to the portal's settings (whatever configured it
before), a store in a temporary folder, one user per role and the data they look at.

The `portal` fixture is parametrised over the two databases the store supports: every test
using it runs on SQLite and on a real PostgreSQL (tests/store/pg.py)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import cld.store  # noqa: F401  (configures Django for the store when nothing has yet)

LA_A, LA_B = "503", "716"  # Lincolnshire (GEM region), Barking and Dagenham (NEL region)
REGION_A, REGION_B = "GEM", "North & East London (NEL)"
PASSWORD = "correct-horse-battery-staple"
#: who -> (role, organisation)
USERS = {
    "sub_a": ("la_submitter", "LA A"), "ana_a": ("la_analyst", "LA A"),
    "sub_b": ("la_submitter", "LA B"), "proc_a": ("regional_processor", "Region A"),
    "proc_b": ("regional_processor", "Region B"), "national": ("national_analyst", "National"),
    "recipient": ("recipient", "Recipient"), "admin": ("administrator", "Admins"),
    "recipient_b": ("recipient", "Recipient B"),
}
#: recipient organisations -> (dissemination profile, recipient id)
DISSEMINATION = {"Recipient": ("sector", "ADASS"), "Recipient B": ("cqc", "CQC"),
                 "National": ("national", "NHSE")}


@dataclass
class Portal:
    store: Any
    users: dict[str, Any]
    upload: int  # a validate-only upload of LA A, checked
    submission: int  # a stored submission of LA A
    synthetic: Path  # the synthetic file with defects both were made from
    extract: int = 0  # an extract made for Recipient (sector profile) of 2020/21
    trace: int = 0  # a trace of LA A's 2020/21 submission (against the synthetic register)
    bench: int = 0  # a benchmark of 2020/21
    database: str | None = None  # the PostgreSQL URL (None: SQLite in the store folder)

    def cli_store(self) -> list[str]:
        """The options that make a `cld` command open this portal's store and database."""
        return ["--store", str(self.store.root)] + (
            ["--database", self.database] if self.database else [])


def synthetic(path: Path, people: int = 60, defects: float = 0.25) -> Path:
    from cld.synth import generate, write_submission

    result = generate(LA_A, date(2020, 4, 1), date(2021, 3, 31), people=people, seed=7,
                      defects=defects)
    return write_submission(result, path)


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def portal(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    from django.conf import settings
    from django.test.utils import override_settings

    from cld.web.settings import portal_settings

    root = tmp_path_factory.mktemp("portal") / "store"
    database = None  # SQLite in the store folder
    if request.param == "postgresql":
        database = request.getfixturevalue("pg").create_database("portal_" + uuid.uuid4().hex[:8])
    conf = portal_settings("a test key, never used in production",
                           hosts=["testserver"], max_upload=2 * 1024 * 1024)
    conf["PASSWORD_HASHERS"] = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.SECRET_KEY = conf.pop("SECRET_KEY")  # kept after: restoring "" would fail
    with override_settings(**conf):  # the portal's apps load here
        from cld.store import submit
        from cld.web.accounts.manage import add_org, add_user
        from cld.web.boot import open_store
        from cld.web.portal.models import Upload
        from cld.web.portal.tasks import process_upload
        from cld.web.portal.uploads import accept

        register(root)
        store = open_store(root, database)
        add_org("LA A", "la", la=LA_A)
        add_org("LA B", "la", la=LA_B)
        add_org("Region A", "region", region=REGION_A)
        add_org("Region B", "region", region=REGION_B)
        for name, kind in [("National", "national"), ("Recipient", "recipient"),
                           ("Admins", "admin"), ("Recipient B", "recipient")]:
            profile, recipient = DISSEMINATION.get(name, (None, None))
            add_org(name, kind, profile=profile, recipient=recipient)
        users = {who: add_user(f"{who}@example.test", role, org, PASSWORD)
                 for who, (role, org) in USERS.items()}
        src = synthetic(tmp_path_factory.mktemp("synth") / "synthetic-503.csv")
        sub = submit(store, src, LA_A, "2020/21", by="sub_a@example.test").submission
        copy = root.parent / "copy.csv"
        copy.write_bytes(src.read_bytes())
        name, folder = accept(copy, src.name, root)
        up = Upload.objects.create(user=users["sub_a"], la_code=LA_A, year="2020/21",
                                   mode=Upload.VALIDATE, filename=name,
                                   folder=folder.relative_to(root).as_posix(),
                                   size=src.stat().st_size)
        process_upload.call(up.pk)
        yield Portal(store, users, up.pk, sub.pk, src, *made(store, users),
                     database=database)
        store.close()


def register(root: Path) -> None:
    """A synthetic register for tracing, named in the store's store.yaml."""
    from cld.synth.register import make, write_register

    root.mkdir(parents=True)
    write_register(make(persons=40, records=200, seed=3).register, str(root / "register.csv"))
    (root / "store.yaml").write_text("tracing:\n  register: register.csv\n", encoding="utf-8")


def made(store: Any, users: dict[str, Any]) -> tuple[int, int, int]:
    """The pseudonymisation key (beside the store), then an extract for Recipient, a trace
    of LA A and a benchmark of 2020/21, each made by its task as proc_a."""
    from cld.privacy.keys import new_key_file
    from cld.web.accounts.models import Organisation
    from cld.web.portal import jobs
    from cld.web.portal.models import Extract, Run

    path = jobs.key_file(store)
    path.parent.mkdir(parents=True)
    new_key_file(path)
    org = Organisation.objects.get(name="Recipient")
    ex = Extract.objects.create(organisation=org, profile=org.profile, year="2020/21",
                                recipient=org.recipient_code, user=users["proc_a"],
                                folder="portal/extracts/first")
    tr = Run.objects.create(kind=Run.TRACE, la_code=LA_A, year="2020/21", user=users["proc_a"])
    bm = Run.objects.create(kind=Run.BENCHMARK, year="2020/21", user=users["proc_a"],
                            folder="portal/benchmarks/first")
    assert jobs.make_extract.call(ex.pk) == jobs.trace.call(tr.pk) == "done"
    assert jobs.benchmark.call(bm.pk) == "done"
    return ex.pk, tr.pk, bm.pk


@pytest.fixture
def client(portal: Portal) -> Any:
    from django.test import Client

    return Client()


@pytest.fixture(scope="session")
def tokens(portal: Portal) -> dict[str, str]:
    """An API token for each organisation of USERS (by organisation name)."""
    from cld.web.api.tokens import new_token

    return {org: new_token(org, "tests", by="pytest")[1]
            for org in sorted({org for _, org in USERS.values()})}
