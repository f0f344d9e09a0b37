"""The app's settings, served with the benchmark's floor views beside the app's own URLs.

``make bench`` runs gunicorn with ``DJANGO_SETTINGS_MODULE=scripts.bench.settings``: every
setting is the app's (read from the same environment), except that the URLconf adds the
floor views (``scripts.bench.urls``), their templates are found, and one outermost
middleware counts each request's queries into a response header. The app's own URLs
never include the floor.
"""

from itbrehab.settings import *  # noqa: F403
from itbrehab.settings import BASE_DIR, MIDDLEWARE, TEMPLATES

ROOT_URLCONF = "scripts.bench.urls"
# Outermost, so the count covers everything a request does (sessions, audit, the view).
MIDDLEWARE = ["scripts.bench.floor.QueryCountMiddleware", *MIDDLEWARE]
TEMPLATES = [
    {**TEMPLATES[0], "DIRS": [*TEMPLATES[0]["DIRS"], BASE_DIR / "scripts/bench/templates"]}
]
