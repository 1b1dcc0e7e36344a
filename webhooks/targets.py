"""Where a webhook may be sent: https to a public address, never the portal's own network.

An endpoint URL comes from a shop administrator, and the worker then POSTs to it from inside
our network, so a URL naming a private, loopback or link-local address (or a name resolving to
one) would let them reach internal services (server-side request forgery). Plain http to
127.0.0.1/localhost is allowed only where WEBHOOKS_ALLOW_LOCAL_HTTP says so (the demo and the
tests, whose receiver runs on the loopback interface). The check is made when the endpoint is
saved and again before every delivery, as a name may resolve elsewhere later.
"""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings

LOCAL_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})


class TargetRefused(ValueError):
    """A URL the portal will not send to; the message says why, for the form."""


def _addresses(host: str) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        raise TargetRefused(f"The host name “{host}” could not be found.") from None
    return [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]


def _public(address) -> bool:
    """Globally reachable, per IANA's special-purpose registries: also refuses what is neither
    private nor reserved yet not the internet's, such as 100.64.0.0/10 (shared address space,
    where some clouds answer metadata requests)."""
    mapped = getattr(address, "ipv4_mapped", None)
    address = mapped or address
    return address.is_global and not address.is_multicast


def target_check(url: str, *, resolve: bool = True) -> str:
    """`url` if deliveries may go there; TargetRefused saying why otherwise."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise TargetRefused("This is not a valid URL.") from None
    host = (parts.hostname or "").lower()
    if not host:
        raise TargetRefused("The URL needs a host name, as in https://example.com/hooks.")
    if parts.username or parts.password:
        raise TargetRefused("The URL may not contain a user name or password.")
    local = host in LOCAL_NAMES and settings.WEBHOOKS_ALLOW_LOCAL_HTTP
    if parts.scheme == "http" and not local:
        raise TargetRefused("The URL must start with https://.")
    if parts.scheme not in ("http", "https"):
        raise TargetRefused("The URL must start with https://.")
    if port == 0:
        raise TargetRefused("The URL's port is not valid.")
    if local or not resolve:
        return url.strip()
    for address in _addresses(host):
        if not _public(address):
            raise TargetRefused(
                "The URL points at a private or local network address; "
                "webhooks go to public addresses only."
            )
    return url.strip()
