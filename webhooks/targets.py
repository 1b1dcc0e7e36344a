"""Where a webhook may be sent: https to a public address, never the portal's own network.

An endpoint URL comes from a shop administrator, and the worker then POSTs to it from inside
our network, so a URL naming a private, loopback or link-local address (or a name resolving to
one) would let them reach internal services (server-side request forgery). Plain http to
127.0.0.1/localhost is allowed only where WEBHOOKS_ALLOW_LOCAL_HTTP says so (the demo and the
tests, whose receiver runs on the loopback interface). The check is made when the endpoint is
saved and again before each batch of deliveries; the batch then connects to the very address
that was checked (`Target.address`, the name kept for the Host header, SNI and the
certificate), so a name that resolves elsewhere between the check and the connection (DNS
rebinding) is never followed there.
"""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

LOCAL_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})


class TargetRefused(ValueError):
    """A URL the portal will not send to; the message says why, for the form."""


@dataclass(frozen=True)
class Target:
    """A checked URL, pinned to the address it was checked at."""

    scheme: str
    host: str  # the name, for the Host header, SNI and the certificate
    port: int
    path: str  # with its query
    address: str  # the IP address the check accepted: the one connected to

    @property
    def host_header(self) -> str:
        name = f"[{self.host}]" if ":" in self.host else self.host
        default = 443 if self.scheme == "https" else 80
        return name if self.port == default else f"{name}:{self.port}"


def _addresses(host: str) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        raise TargetRefused(f"The host name “{host}” could not be found.") from None
    found = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
    if not found:
        raise TargetRefused(f"The host name “{host}” could not be found.")
    return found


def _public(address) -> bool:
    """Globally reachable, per IANA's special-purpose registries: also refuses what is neither
    private nor reserved yet not the internet's, such as 100.64.0.0/10 (shared address space,
    where some clouds answer metadata requests)."""
    mapped = getattr(address, "ipv4_mapped", None)
    address = mapped or address
    return address.is_global and not address.is_multicast


def _parsed(url: str):
    """(parts, host, port, local) of a URL of an acceptable form; TargetRefused otherwise."""
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
    return parts, host, port, local


def _checked_address(host: str, *, local: bool) -> str:
    """The address to connect to: every address the name has must be public (a name with one
    private address among public ones is refused, whichever a resolver would pick)."""
    addresses = _addresses(host)
    if not local and not all(_public(address) for address in addresses):
        raise TargetRefused(
            "The URL points at a private or local network address; "
            "webhooks go to public addresses only."
        )
    return str(addresses[0])


def target_check(url: str, *, resolve: bool = True) -> str:
    """`url` if deliveries may go there; TargetRefused saying why otherwise."""
    _parts, host, _port, local = _parsed(url)
    if resolve and not local:
        _checked_address(host, local=False)
    return url.strip()


def target_resolve(url: str) -> Target:
    """`url` checked and resolved once, for a batch of deliveries to connect to."""
    parts, host, port, local = _parsed(url)
    address = _checked_address(host, local=local)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    default = 443 if parts.scheme == "https" else 80
    return Target(parts.scheme, host, port or default, path, address)
