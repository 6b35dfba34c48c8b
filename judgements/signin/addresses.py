"""The client's address: the peer, or what a trusted reverse proxy says the client was."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from django.conf import settings
from django.http import HttpRequest


def in_networks(address: str | None, networks: Iterable) -> bool:
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_address(request: HttpRequest) -> str | None:
    """REMOTE_ADDR, unless it is one of ``YARDSTICK_TRUSTED_PROXIES``: then the right-most
    X-Forwarded-For entry that is not a trusted proxy (entries further left are whatever the
    client chose to send)."""
    address = request.META.get("REMOTE_ADDR") or None
    trusted = settings.YARDSTICK_TRUSTED_PROXIES
    if not in_networks(address, trusted):
        return address
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for entry in reversed([part.strip() for part in forwarded.split(",") if part.strip()]):
        try:
            ipaddress.ip_address(entry)
        except ValueError:
            break  # not an address at all: stop believing the chain here
        address = entry
        if not in_networks(entry, trusted):
            break
    return address
