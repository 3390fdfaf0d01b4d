"""Who is asking: the client's address, believing a proxy's header only from TRUSTED_PROXIES.

The shipped nginx (deploy/nginx/hocvuso.conf) sets X-Real-IP to the address it saw. A header
from anyone else is ignored, so a rotated X-Real-IP buys nothing.
"""

from __future__ import annotations

import hashlib
import ipaddress
from functools import lru_cache

from aiohttp import web

from bot.web.keys import SERVICES

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _trusted(setting: str) -> tuple[Network, ...]:
    """TRUSTED_PROXIES: addresses or networks ("172.16.0.0/12"), comma separated."""
    found = []
    for part in setting.split(","):
        try:
            found.append(ipaddress.ip_network(part.strip(), strict=False))
        except ValueError:
            continue  # an empty or mistyped entry trusts nothing
    return tuple(found)


def _is_trusted(address: str, trusted: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in trusted)


def _ip(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


def from_trusted_proxy(request: web.Request) -> bool:
    """Whether the peer is one of TRUSTED_PROXIES (so its forwarded headers are believed)."""
    remote = _ip(request.remote or "") or "unknown"
    return _is_trusted(remote, _trusted(request.app[SERVICES].settings.trusted_proxies))


def client_address(request: web.Request) -> str:
    """The address to throttle by (never None: an unknown peer is "unknown", one bucket)."""
    remote = _ip(request.remote or "") or "unknown"
    trusted = _trusted(request.app[SERVICES].settings.trusted_proxies)
    if not _is_trusted(remote, trusted):
        return remote
    real = _ip(request.headers.get("X-Real-IP", ""))
    if real is not None:
        return real
    # The nearest address a trusted proxy added that is not itself a trusted proxy.
    for hop in reversed(request.headers.get("X-Forwarded-For", "").split(",")):
        address = _ip(hop)
        if address is not None and not _is_trusted(address, trusted):
            return address
    return remote


def address_key(address: str) -> str:
    """What is stored for an address (login failures, wrong codes): a short hash, not the IP."""
    return hashlib.sha256(f"addr:{address}".encode()).hexdigest()[:24]
