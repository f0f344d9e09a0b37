"""Response headers that keep health data and secrets out of caches (SPEC §7, "Headers").

The Content-Security-Policy itself comes from django-csp (``CONTENT_SECURITY_POLICY`` in
settings); this module holds what django-csp does not do.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase

NO_STORE = "no-store"


class NoStoreMiddleware:
    """Mark every dynamic response ``Cache-Control: no-store`` unless its view chose a policy.

    Pages, API answers (errors and the token endpoint included), redirects and refusals
    all carry an athlete's health data, a session or a secret, or say something about
    them; no browser or shared cache may keep a copy. A view that serves something
    harmless (the phone's service worker, ``no-cache``) sets its own ``Cache-Control``,
    which is kept as it is; ``never_cache`` views already say ``no-store``.

    Static files never reach this middleware: WhiteNoise, listed before it, answers them
    itself with its far-future headers. Costs no query.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if "Cache-Control" not in response:
            response["Cache-Control"] = NO_STORE
        return response
