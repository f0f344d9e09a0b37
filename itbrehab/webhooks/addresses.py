"""Which webhook URLs may be called (SPEC §10): https, to public addresses only.

Checked when an endpoint is registered and again before every delivery, with the host
resolved anew each time (a name that resolved to a public address at registration may
point inside the network by the time of delivery: DNS rebinding).
``WEBHOOK_ALLOW_PRIVATE`` (development and tests) lifts both rules.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings

URL_NOT_HTTPS = "A webhook URL must start with https://."
URL_NO_HOST = "A webhook URL must name a host."
URL_NOT_RESOLVED = "The webhook URL's host {host} does not resolve to an address."
URL_PRIVATE = (
    "The webhook URL's host {host} resolves to {address}, a private, loopback, link-local "
    "or reserved address: webhooks go to public addresses only."
)


class AddressNotAllowed(ValueError):
    """The URL may not be called; the message says why."""


def _not_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    )


def check_url(url: str) -> None:
    """Raise ``AddressNotAllowed`` unless ``url`` may be called now."""
    if settings.WEBHOOK_ALLOW_PRIVATE:
        return
    parts = urlsplit(url)
    if parts.scheme != "https":
        raise AddressNotAllowed(URL_NOT_HTTPS)
    host = parts.hostname
    if not host:
        raise AddressNotAllowed(URL_NO_HOST)
    try:
        infos = socket.getaddrinfo(host, parts.port or 443, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        raise AddressNotAllowed(URL_NOT_RESOLVED.format(host=host)) from None
    for info in infos:
        address = str(info[4][0])
        if _not_public(address):
            raise AddressNotAllowed(URL_PRIVATE.format(host=host, address=address))
