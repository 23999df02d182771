"""The Jinja2 environment of the portal's templates, with the GOV.UK Frontend macros."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.templatetags.static import static
from django.urls import reverse
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, PrefixLoader


def environment(**options: Any) -> Environment:
    dirs = options.pop("loader").searchpath if "loader" in options else []
    options["loader"] = ChoiceLoader([
        FileSystemLoader(dirs),
        PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
    ])
    env = Environment(**options)
    env.globals.update(static=static, url=lambda name, *args: reverse(name, args=args),
                       urlencode=urlencode)
    return env
