"""Sign-in by a header from an authenticating proxy, REMOTE_USER style (docs/design.md §1.4).

Off unless YARDSTICK_PROXY_AUTH_HEADER names the header; the header is believed only on
requests whose peer address is in YARDSTICK_PROXY_AUTH_ADDRESSES, and ignored (as if
absent) from anywhere else. YARDSTICK_PROXY_AUTH_GROUPS_HEADER, when set, carries the
user's groups (comma-separated) through the directory mapping; it is re-read at every
request, so a changed group takes effect at once.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.auth.backends import RemoteUserBackend
from django.contrib.auth.middleware import RemoteUserMiddleware
from django.http import HttpRequest

from judgements.models import SignInMethod
from judgements.signin import directory
from judgements.signin.addresses import in_networks

GROUPS_SEEN = "signin_proxy_groups"


def _meta_key(header: str) -> str:
    return "HTTP_" + header.upper().replace("-", "_")


def trusted(request: HttpRequest) -> bool:
    return bool(settings.YARDSTICK_PROXY_AUTH_HEADER) and in_networks(
        request.META.get("REMOTE_ADDR"), settings.YARDSTICK_PROXY_AUTH_ADDRESSES
    )


def groups_of(request: HttpRequest) -> list[str] | None:
    """The groups the proxy sends, or None when it is not configured to send any."""
    header = settings.YARDSTICK_PROXY_AUTH_GROUPS_HEADER
    if not header:
        return None
    raw = request.META.get(_meta_key(header), "")
    return [group.strip() for group in raw.split(",") if group.strip()]


class ProxyBackend(RemoteUserBackend):
    """Django's RemoteUserBackend: creates the user on first sight; adds the directory
    mapping (with the groups header) and never signs into a local account."""

    def authenticate(self, request, remote_user):
        if not remote_user or request is None or not trusted(request):
            return None
        user = super().authenticate(request, remote_user)
        if user is None:
            return None
        groups = groups_of(request)
        try:
            directory.check_account(user)
            if groups is not None:
                directory.admit(user, groups, method=SignInMethod.PROXY, request=request)
        except directory.Refused as refused:
            directory.refuse(
                user.get_username(),
                str(refused),
                user=user,
                method=SignInMethod.PROXY,
                request=request,
            )
            return None
        request.session[GROUPS_SEEN] = _digest(groups)
        return user

    def configure_user(self, request, user, created=True):
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        return user


def _digest(groups: list[str] | None) -> str:
    return hashlib.sha256(",".join(sorted(groups or [])).encode()).hexdigest()


class ProxyHeaderMiddleware(RemoteUserMiddleware):
    """Django's RemoteUserMiddleware reading the configured header, only from the proxy."""

    def get_username(self, request):
        if not trusted(request):
            raise KeyError("no trusted proxy header")
        return request.META[_meta_key(settings.YARDSTICK_PROXY_AUTH_HEADER)]

    def process_request(self, request):
        super().process_request(request)
        user = request.user
        if not (user.is_authenticated and trusted(request)):
            return
        groups = groups_of(request)
        if groups is None or request.session.get(GROUPS_SEEN) == _digest(groups):
            return
        # The proxy's groups changed within the session: apply them now.
        try:
            directory.admit(user, groups, method=SignInMethod.PROXY, request=request)
        except directory.Refused as refused:
            directory.refuse(
                user.get_username(),
                str(refused),
                user=user,
                method=SignInMethod.PROXY,
                request=request,
            )
            self._remove_invalid_user(request)
            return
        request.session[GROUPS_SEEN] = _digest(groups)
