"""A request's origin for the access audit."""

from __future__ import annotations

from django.http import HttpRequest

from judgements.signin.addresses import client_address
from judgements.workflows import Origin


def origin_of(request: HttpRequest | None) -> Origin:
    if request is None:
        return Origin()
    return Origin(
        address=client_address(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
    )
