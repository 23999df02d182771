"""The production entry: `gunicorn cld.web.wsgi` (the worker runs apart: `cld worker`).

Reads CLD_STORE (the store folder), CLD_DATABASE_URL (PostgreSQL), CLD_SECRET_KEY and
CLD_ALLOWED_HOSTS (comma-separated host names); assumes HTTPS in front (secure cookies, HSTS).
"""

import os

from django.core.wsgi import get_wsgi_application

from cld.web.boot import configure

configure(os.environ.get("CLD_STORE"), os.environ.get("CLD_DATABASE_URL"), secure=True,
          hosts=[h for h in os.environ.get("CLD_ALLOWED_HOSTS", "").split(",") if h])
application = get_wsgi_application()
