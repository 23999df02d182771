"""The portal: serve, worker, users, orgs, tokens (thin: parse, call cld.web, print)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Annotated, Any

import typer

from cld.cli._shell import ListFmt, _Commands, app, emit, err, out
from cld.cli.store import ByOpt, DbOpt, StoreOpt

users_app = typer.Typer(cls=_Commands, no_args_is_help=True,
                        help="Portal users (each belongs to one organisation, with one role).")
orgs_app = typer.Typer(cls=_Commands, no_args_is_help=True,
                       help="Portal organisations: LAs, DSCRO regions, the national team…")
tokens_app = typer.Typer(cls=_Commands, no_args_is_help=True,
                         help="API tokens: each acts for one organisation (see docs/portal.md).")
app.add_typer(users_app, name="users")
app.add_typer(orgs_app, name="orgs")
app.add_typer(tokens_app, name="tokens")


def _portal(store: Path | None, database: str | None, **kw: Any) -> Any:
    from cld.web.boot import configure

    st = configure(store, database, **kw)
    for note in st.recovered:
        err.print(f"[yellow]recovered:[/] {note}", highlight=False)
    return st


@app.command()
def serve(
    store: StoreOpt = None, database: DbOpt = None,
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1.")] = 8000,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
) -> None:
    """The portal on this machine, with its background worker in the same command."""
    from django.core.servers.basehttp import run
    from django.core.wsgi import get_wsgi_application

    from cld.web.boot import worker

    st = _portal(store, database, hosts=[host, "127.0.0.1", "localhost"])
    threading.Thread(target=worker().run, name="cld-worker", daemon=True).start()
    out.print(f"The portal is at http://{host}:{port}/ (store {st.root}); Ctrl-C stops it.",
              highlight=False, soft_wrap=True)
    try:
        run(host, port, get_wsgi_application(), threading=True)
    except KeyboardInterrupt:
        pass


@app.command("worker")
def worker_cmd(store: StoreOpt = None, database: DbOpt = None) -> None:
    """The portal's background worker alone (production: beside the WSGI server)."""
    from cld.web.boot import worker

    _portal(store, database)
    out.print("The portal's worker is running; Ctrl-C stops it.")
    w = worker()
    w.configure_signals()
    w.run()


@orgs_app.command("add")
def orgs_add(
    name: Annotated[str, typer.Argument(help="e.g. 'Camden Council'.")],
    kind: Annotated[str, typer.Option(help="la, region, national, recipient or admin.")],
    la: Annotated[str | None, typer.Option("--la", help="The LA code (kind la).")] = None,
    region: Annotated[str | None, typer.Option(help="The DSCRO region (kind region), as "
                                                    "in the register.")] = None,
    profile: Annotated[str | None, typer.Option(help="The dissemination profile its "
                                                "extracts are made under (kind recipient, "
                                                "or national): e.g. icb, sector, cqc.")] = None,
    recipient: Annotated[str | None, typer.Option(help="Its id among the profile's "
                                                  "recipients (an ICB's code, ADASS...); "
                                                  "default: the profile's only one.")] = None,
    store: StoreOpt = None, database: DbOpt = None,
) -> None:
    """Add an organisation."""
    _portal(store, database)
    from cld.web.accounts.manage import add_org

    org = add_org(name, kind, la=la, region=region, profile=profile, recipient=recipient)
    out.print(f"added organisation {org.name} ({org.kind})", highlight=False)


@users_app.command("add")
def users_add(
    email: Annotated[str, typer.Option(help="The user's email address (their user name).")],
    role: Annotated[str, typer.Option(help="la_submitter, la_analyst, regional_processor, "
                                           "national_analyst, recipient or administrator.")],
    org: Annotated[str, typer.Option(help="The organisation's name (see `cld orgs add`).")],
    password: Annotated[str, typer.Option(prompt=True, hide_input=True,
                                          confirmation_prompt=True,
                                          help="Asked for when not given.")],
    store: StoreOpt = None, database: DbOpt = None,
) -> None:
    """Add a user."""
    _portal(store, database)
    from cld.web.accounts.manage import add_user

    user = add_user(email, role, org, password)
    out.print(f"added user {user.get_username()} ({role}, {org})", highlight=False)


@users_app.command("totp")
def users_totp(
    email: Annotated[str, typer.Option(help="The user's email address.")],
    store: StoreOpt = None, database: DbOpt = None,
) -> None:
    """Turn on two-factor sign-in for a user: prints the otpauth:// URL for their app."""
    _portal(store, database)
    from cld.web.accounts.manage import add_totp

    url = add_totp(email)
    err.print("Give this to the user only (it is their secret); from now on signing in "
              "asks for the app's code:", highlight=False)
    out.print(url, highlight=False, soft_wrap=True)


OrgOpt = Annotated[str, typer.Option(help="The organisation's name (see `cld orgs add`).")]
NameOpt = Annotated[str, typer.Option(help="The token's name, e.g. the system using it.")]


@tokens_app.command("new")
def tokens_new(org: OrgOpt, name: NameOpt = "api", by: ByOpt = None,
               store: StoreOpt = None, database: DbOpt = None) -> None:
    """A new API token for an organisation: printed once, only its hash is kept."""
    _portal(store, database)
    from cld.store.core import default_actor
    from cld.web.api.tokens import ROLE_OF_KIND, new_token

    token, text = new_token(org, name, by=by or default_actor())
    err.print(f"API token {name!r} of {org} (acts as {ROLE_OF_KIND[token.organisation.kind]})"
              ". Copy it now: it is not shown again.", highlight=False)
    out.print(text, highlight=False, soft_wrap=True)


@tokens_app.command("list")
def tokens_list(
    fmt: Annotated[ListFmt, typer.Option("--format", help="table, csv or json.")] = ListFmt.table,
    store: StoreOpt = None, database: DbOpt = None,
) -> None:
    """Every token: organisation, name, prefix, made by and when, last used, revoked."""
    _portal(store, database)
    from cld.web.api.tokens import tokens

    def when(t: Any) -> str | None:
        return t.isoformat(timespec="seconds") if t else None

    emit([{"organisation": t.organisation.name, "name": t.name, "prefix": f"cld_{t.prefix}_",
           "created": when(t.created), "created_by": t.created_by,
           "last_used": when(t.last_used), "revoked": when(t.revoked)} for t in tokens()],
         fmt, "API tokens")


@tokens_app.command("revoke")
def tokens_revoke(org: OrgOpt, name: NameOpt, store: StoreOpt = None,
                  database: DbOpt = None) -> None:
    """Revoke a token: from now on the API refuses it (401)."""
    _portal(store, database)
    from cld.web.api.tokens import revoke

    revoke(org, name)
    out.print(f"revoked API token {name!r} of {org}", highlight=False)
