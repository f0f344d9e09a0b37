"""The client's address: one answer for throttles, login lockout and the phone-link limiter.

``TRUSTED_PROXY_COUNT`` (SPEC §7, default 0) is the only setting about proxies. With 0 the
app is reached directly: ``REMOTE_ADDR`` is the client and ``X-Forwarded-For`` is ignored,
since anyone can send it. With N proxies in front, each appends the address it received
the request from, so the client is the Nth address from the right; anything further left
was written by the client and is not trusted.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """Return the client's address as the trusted proxies saw it.

    Falls back to ``REMOTE_ADDR`` (the nearest proxy) when the header holds fewer
    addresses than there are trusted proxies, or the one it names is not an IP address:
    then the request did not come through every proxy, and nothing in the header is
    trusted. Counting every such request against the proxy's address errs on the
    strict side.
    """
    remote = request.META.get("REMOTE_ADDR", "") or ""
    proxies: int = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < proxies:
        return remote
    candidate = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
